package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MicroProfile Health ({@code /health/live}, {@code /health/ready} following {@code iii.health.required-functions},
 * {@code /health/started}) and logs as a trigger (PROTOCOL.md §5.5): an SDK's {@code onLog} receives what other
 * workers log, whether through OpenTelemetry log frames or {@code engine::log::*}. Telemetry export stays off here:
 * neither needs a collector.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HealthAndLogsIT extends E2eSupport {

    private static final String REQUIRED_A = "health-it::orders";
    private static final String REQUIRED_B = "health-it::payments";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment(Map.of("iii.health.required-functions", REQUIRED_A + ", " + REQUIRED_B));
    }

    private HttpResponse<String> health(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(ArquillianEngine.httpUri(base).resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void awaitReady(boolean ready) {
        int expected = ready ? 200 : 503;
        Await.untilTrue("/health/ready answers " + expected, MEDIUM, () -> health("/health/ready").statusCode() == expected);
    }

    @Test
    void live_and_started_while_the_engine_runs() {
        var live = health("/health/live");
        assertEquals(200, live.statusCode(), live.body());
        assertTrue(live.body().contains("iii-dispatcher"), live.body());
        var started = health("/health/started");
        assertEquals(200, started.statusCode(), started.body());
        assertTrue(started.body().contains("iii-engine-started"), started.body());
    }

    @Test
    void started_reports_that_tyrus_runs_on_the_engines_plain_scheduler() {
        // without TyrusScheduler every frame schedules a task on Payara's managed executor (a class-path search)
        var started = health("/health/started");
        assertTrue(started.body().replace(" ", "").contains("\"websocket-scheduler\":\"plain\""), started.body());
    }

    @Test
    void readiness_turns_false_and_true_as_required_functions_leave_and_return() {
        var notReady = health("/health/ready");
        assertEquals(503, notReady.statusCode(), notReady.body());
        assertTrue(notReady.body().contains(REQUIRED_A) && notReady.body().contains(REQUIRED_B), notReady.body());

        JavaWorker orders = java("orders-" + shortId());
        orders.registerFunction(REQUIRED_A, JavaWorker.echo());
        NodeWorker payments = node(Sdk.V0_22_1);
        payments.registerFunction(REQUIRED_B, "echo");
        awaitReady(true);

        payments.kill();
        awaitReady(false);
        assertTrue(health("/health/ready").body().contains(REQUIRED_B));

        NodeWorker again = node(Sdk.V0_2_1);
        again.registerFunction(REQUIRED_B, "echo");
        awaitReady(true);

        orders.close();
        awaitReady(false);
    }

    @Test
    void sdk_onLog_receives_the_logs_of_other_workers() {
        NodeWorker listener = node(Sdk.V0_2_1);
        listener.requestOk(NodeWorker.command("onLog"));
        NodeWorker otelLogger = node(Sdk.V0_3_0);
        NodeWorker functionLogger = node(Sdk.V0_22_1);
        String viaOtel = "via OpenTelemetry logs " + shortId();
        String viaFunction = "via engine::log::warn " + shortId();

        Await.untilTrue("the log trigger is in place", MEDIUM, () -> {
            functionLogger.requestOk(NodeWorker.command("log", "via", "function", "level", "warn",
                    "message", viaFunction, "data", JsonKit.obj("order_id", "o-1")));
            return !listener.events(e -> isLog(e, viaFunction)).isEmpty();
        });
        otelLogger.requestOk(NodeWorker.command("log", "via", "logger", "level", "error", "message", viaOtel));

        JsonObject fromFunction = listener.await(e -> isLog(e, viaFunction), MEDIUM, "log " + viaFunction)
                .getJsonObject("log");
        assertEquals("WARN", JsonKit.str(fromFunction, "severity_text"));
        assertEquals(13L, JsonKit.num(fromFunction, "severity_number"));
        assertEquals("o-1", JsonKit.str(fromFunction, "attributes.order_id"));
        assertEquals(functionLogger.name(), JsonKit.str(fromFunction, "service_name"));

        JsonObject fromOtel = listener.await(e -> isLog(e, viaOtel), Duration.ofSeconds(20), "log " + viaOtel)
                .getJsonObject("log");
        assertEquals(17L, JsonKit.num(fromOtel, "severity_number"));
        assertEquals("ERROR", JsonKit.str(fromOtel, "severity_text"));
        assertTrue(JsonKit.num(fromOtel, "timestamp_unix_nano") > 0, () -> "record " + fromOtel);
    }

    private static boolean isLog(JsonObject event, String body) {
        return "log".equals(NodeWorker.type(event)) && body.equals(JsonKit.str(event, "log.body"));
    }
}
