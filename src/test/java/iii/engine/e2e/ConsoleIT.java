package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.it.ArquillianEngine;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console at {@code /console} in a real headless Chromium, with real SDK workers coming and going: what they
 * register shows up, Invoke calls a function through the page's own worker connection, a parked trigger is shown as
 * parked. Each test leaves a screenshot in {@code target/console-screenshots}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConsoleIT extends E2eSupport {

    /** The page refreshes on every discovery event and every second; the rest is a loaded 2-core machine. */
    private static final Duration SHOWN = Duration.ofSeconds(5);
    private static final Path SCREENSHOTS = NodeWorker.projectDir().resolve("target").resolve("console-screenshots");

    private Browser browser;
    private String test;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment();
    }

    @BeforeEach
    void openConsole(TestInfo info) {
        Assumptions.assumeTrue(Browser.available(), Browser.CHROMIUM + " is missing (apt-get install chromium; "
                + ".ci/run installs it): the console's browser tests are skipped");
        test = info.getTestMethod().orElseThrow().getName();
        browser = closeLater(Browser.start());
        assertEquals(200, browser.goTo(ArquillianEngine.httpUri(base).resolve("/console").toString()));
        browser.waitFor("#status.open", SHOWN);
        browser.waitFor("#workers tr.console", SHOWN);
    }

    @AfterEach
    void screenshot() {
        if (browser != null) {
            browser.screenshot(SCREENSHOTS.resolve(test + ".png"));
            assertEquals(List.of(), browser.pageErrors(), "errors in the page's console");
        }
    }

    private static String worker(String id) {
        return "#workers tr[data-worker-id='" + id + "']";
    }

    private static String function(String id) {
        return "#functions tr[data-function-id='" + id + "']";
    }

    @Test
    void the_page_loads_and_shows_its_own_connection_marked_as_the_console() throws Exception {
        assertEquals("live", browser.text("#status"));
        assertTrue(browser.text("#workers tr.console").contains("this console"));
        browser.waitFor("#topology svg", SHOWN);
        var onTriggerListener = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                ArquillianEngine.httpTriggerUri().resolve("/console/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, onTriggerListener.statusCode(), "the HTTP-trigger listener serves only routes");
    }

    @Test
    void a_worker_that_connects_appears_and_disappears_when_it_leaves() {
        NodeWorker w = node(Sdk.V0_22_1, "console-visitor-" + shortId());
        String fn = fid("visit");
        w.registerFunction(fn, "echo");
        browser.waitFor(worker(w.workerId()), SHOWN);
        assertTrue(browser.text(worker(w.workerId())).contains(w.name()));
        browser.waitFor(function(fn), SHOWN);
        browser.waitFor("#topology g.function[data-id='" + fn + "']", SHOWN);
        browser.waitFor("#events li.connected", SHOWN);

        w.kill();
        browser.waitGone(worker(w.workerId()), SHOWN);
        browser.waitGone(function(fn), SHOWN);
        browser.waitFor("#events li.disconnected", SHOWN);
    }

    @Test
    void invoking_a_function_shows_its_result_and_latency_and_counts_the_call() {
        NodeWorker w = node(Sdk.V0_11_6);
        String fn = fid("echo");
        w.registerFunction(fn, "echo");
        browser.waitFor(function(fn), SHOWN);

        browser.click(function(fn) + " button");
        browser.fill("#invoke-payload", "{\"greeting\":\"hello from the console\"}");
        browser.click("#invoke-button");
        browser.waitFor("#invoke-outcome.good", SHOWN);
        assertTrue(browser.text("#invoke-result").contains("hello from the console"), browser.text("#invoke-result"));
        assertTrue(browser.text("#invoke-latency").endsWith(" ms"), browser.text("#invoke-latency"));
        browser.waitFor(function(fn) + " td.calls:text-is('1')", SHOWN);
    }

    @Test
    void invoking_a_failing_function_shows_the_error_and_counts_it() {
        NodeWorker w = node(Sdk.V0_22_1);
        String fn = fid("fail");
        w.registerFunction(fn, "fail");
        browser.waitFor(function(fn), SHOWN);

        browser.click(function(fn) + " button");
        browser.click("#invoke-button");
        browser.waitFor("#invoke-outcome.bad", SHOWN);
        assertTrue(browser.text("#invoke-state").startsWith("error"), browser.text("#invoke-state"));
        browser.waitFor(function(fn) + " td.errors:text-is('1')", SHOWN);
    }

    @Test
    void a_trigger_whose_type_is_missing_shows_as_parked_until_a_provider_registers_it() {
        NodeWorker consumer = node(Sdk.V0_22_1);
        String fn = fid("on-tick");
        String type = "e2e-" + shortId() + "::tick";
        consumer.registerFunction(fn, "echo");
        consumer.registerTrigger(type, fn, JsonKit.obj("every", "1s"));
        String row = "#triggers tr[data-function-id='" + fn + "']";
        browser.waitFor(row + ".parked", SHOWN);
        browser.waitFor("#trigger-types tr.parked[data-type-id='" + type + "']", SHOWN);

        NodeWorker provider = node(Sdk.V0_22_1);
        provider.registerTriggerType(type);
        browser.waitFor(row + ".active", SHOWN);
    }

    @Test
    void a_routes_try_it_held_down_across_a_refresh_sends_a_real_request_to_the_http_trigger_listener() {
        NodeWorker w = node(Sdk.V0_22_1);
        String fn = fid("hello");
        String path = "console-" + shortId() + "/hello";
        w.registerFunction(fn, "http-echo");
        w.registerTrigger("http", fn, JsonKit.obj("api_path", path, "http_method", "POST"));
        browser.waitFor("#routes tr[data-route-path='/" + path + "']", SHOWN);

        // held down across at least one refresh (every second): the row it presses is still there when released
        browser.press("#routes tr[data-route-path='/" + path + "'] button", Duration.ofMillis(2500));
        browser.fill("#try-body", "{\"from\":\"try it\"}");
        browser.click("#try-button");
        browser.waitFor("#try-outcome.good", SHOWN);
        assertTrue(browser.text("#try-state").startsWith("200"), browser.text("#try-state"));
    }

    @Test
    void the_topology_links_workers_to_their_functions_and_those_to_their_trigger_types() {
        NodeWorker orders = node(Sdk.V0_22_1, "orders");
        orders.registerFunction("orders::create", "echo", "description", "Create an order", "request_format",
                JsonKit.obj("sku", JsonKit.obj("type", "string"), "quantity", JsonKit.obj("type", "integer")));
        orders.registerFunction("orders::get", "http-echo", "description", "Read an order");
        orders.registerTrigger("http", "orders::get", JsonKit.obj("api_path", "orders/:id", "http_method", "GET"));
        NodeWorker billing = node(Sdk.V0_11_6, "billing");
        billing.registerService("billing", "name", "Billing", "description", "Charges and refunds");
        billing.registerFunction("billing::charge", "echo", "description", "Charge a card");
        billing.registerFunction("billing::refund", "fail", "description", "Refund a charge");
        billing.registerTrigger("orders::created", "billing::charge", JsonKit.obj());
        billing.registerTrigger("nightly::tick", "billing::refund", JsonKit.obj("at", "02:00"));
        NodeWorker events = node(Sdk.V0_22_1, "order-events");
        events.registerTriggerType("orders::created", "description", "Fires when an order is created");
        for (var i = 0; i < 20; i++) {
            observer().call("orders::create", JsonKit.obj("sku", "sku-" + i, "quantity", i));
            observer().call(i % 4 == 0 ? "billing::refund" : "billing::charge", JsonKit.obj("order", i));
        }
        for (String fn : new String[] {"orders::create", "orders::get", "billing::charge", "billing::refund"}) {
            browser.waitFor("#topology g.function[data-id='" + fn + "']", SHOWN);
        }
        browser.waitFor("#topology path.edge.parked", SHOWN);
        browser.waitFor("#triggers tr.active[data-function-id='billing::charge']", SHOWN);
        browser.waitFor(function("orders::create") + " td.calls:text-is('20')", SHOWN);
        browser.waitFor(function("billing::refund") + " td.errors:text-is('5')", SHOWN);
        browser.waitFor("#services li[data-service-id='billing']", SHOWN);
        for (NodeWorker w : new NodeWorker[] {orders, billing, events}) {
            assertEquals(1, browser.count("#topology g.worker[data-id='" + w.workerId() + "']"), w.name());
        }

        browser.click(function("orders::create") + " button");
        assertEquals(JsonKit.obj("sku", "", "quantity", 0), JsonKit.parseObject(browser.value("#invoke-payload")));
        browser.click("#invoke-button");
        browser.waitFor("#invoke-outcome.good", SHOWN);
    }
}
