package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTP-trigger middleware with real SDK workers and a real HTTP client (PROTOCOL.md §6.7): the global middleware
 * ({@code iii.http.middleware}), the route's condition, the route's {@code middleware_function_ids} in order, then
 * the handler; each middleware gets iii's {@code preHandler} input; one that answers {@code respond} ends the request
 * with its response, one that fails ends it with a 500 envelope, and nothing after it is called.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HttpMiddlewareIT extends E2eSupport {

    /** Called before every route; each test registers it (answering continue) on its own worker. */
    private static final String GLOBAL = "e2e::global-middleware";
    private static final JsonObject CONTINUE = JsonKit.obj("action", "continue");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment(Map.of("iii.http.middleware", GLOBAL,
                "iii.http.request-timeout-ms", "5000"));
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(ArquillianEngine.httpTriggerUri().resolve(path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Route registration is asynchronous: the first answer that is not the route-miss 404. */
    private HttpResponse<String> awaitServed(String path) {
        return Await.until(path + " served", MEDIUM, () -> {
            var r = get(path);
            return r.statusCode() == 404 && r.body().contains("NOT_FOUND") ? Optional.empty() : Optional.of(r);
        });
    }

    private static JsonObject route(String path, Object... extra) {
        return JsonKit.with(JsonKit.obj("api_path", path, "http_method", "GET"), extra);
    }

    /** The function ids invoked on {@code w}, in the order the worker ran them. */
    private static List<String> invocations(NodeWorker w) {
        return w.events(NodeWorker.event("invoked")).stream().map(e -> JsonKit.str(e, "function_id")).toList();
    }

    private NodeWorker workerWithGlobalMiddleware(Sdk sdk) {
        NodeWorker w = node(sdk);
        w.registerFunction(GLOBAL, "constant", "result", CONTINUE);
        return w;
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_11_6", "V0_22_1"})
    void middleware_runs_in_order_before_the_handler_with_the_prehandler_request(Sdk sdk) {
        NodeWorker w = workerWithGlobalMiddleware(sdk);
        String prefix = "mw-" + shortId();
        String mw1 = fid("mw1");
        String mw2 = fid("mw2");
        String handler = fid("handler");
        w.registerFunction(mw1, "constant", "result", CONTINUE);
        w.registerFunction(mw2, "return-null"); // no answer: the request goes on, as in iii
        w.registerFunction(handler, "http-echo");
        w.registerTrigger("http", handler, route(prefix + "/items/:id", "middleware_function_ids",
                JsonKit.arr(mw1, mw2)));

        var served = awaitServed(prefix + "/items/42?q=hello");

        assertEquals(200, served.statusCode(), served.body());
        assertEquals("42", JsonKit.str(JsonKit.parse(served.body()), "received.path_params.id"));
        assertEquals(List.of(GLOBAL, mw1, mw2, handler), invocations(w));
        var input = (JsonObject) w.awaitInvoked(mw1, SHORT).get("data");
        assertEquals("preHandler", JsonKit.str(input, "phase"));
        assertEquals("GET", JsonKit.str(input, "request.method"));
        assertEquals("42", JsonKit.str(input, "request.path_params.id"));
        assertEquals("hello", JsonKit.str(input, "request.query_params.q"));
        assertTrue(JsonKit.str(input, "request.headers.host").startsWith("127.0.0.1:"), input::toString);
        assertEquals(JsonKit.empty(), input.getJsonObject("context"));
        assertFalse(input.getJsonObject("request").containsKey("body"), "middleware sees no body");
        assertEquals(input, w.awaitInvoked(GLOBAL, SHORT).get("data"), "global and route middleware see the same");
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_11_6", "V0_22_1"})
    void a_middleware_that_responds_ends_the_request_with_its_response(Sdk sdk) {
        NodeWorker w = workerWithGlobalMiddleware(sdk);
        String prefix = "mw-" + shortId();
        String block = fid("block");
        String after = fid("after");
        String handler = fid("handler");
        w.registerFunction(block, "constant", "result", JsonKit.obj("action", "respond", "response",
                JsonKit.obj("status_code", 403, "headers", JsonKit.obj("X-Reason", "blocked"),
                        "body", JsonKit.obj("error", "Forbidden by middleware"))));
        w.registerFunction(after, "constant", "result", CONTINUE);
        w.registerFunction(handler, "http-echo");
        w.registerTrigger("http", handler, route(prefix + "/blocked", "middleware_function_ids",
                JsonKit.arr(block, after)));

        var blocked = awaitServed(prefix + "/blocked");

        assertEquals(403, blocked.statusCode());
        assertEquals(JsonKit.obj("error", "Forbidden by middleware"), JsonKit.parse(blocked.body()));
        assertEquals(Optional.of("blocked"), blocked.headers().firstValue("x-reason"));
        assertTrue(blocked.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        assertEquals(List.of(GLOBAL, block), invocations(w), "neither the next middleware nor the handler ran");
    }

    @Test
    void a_failing_middleware_answers_500_and_a_closed_condition_stops_before_the_route_middleware() {
        NodeWorker w = workerWithGlobalMiddleware(Sdk.V0_22_1);
        String prefix = "mw-" + shortId();
        String fails = fid("fails");
        String no = fid("no");
        String mw = fid("mw");
        String handler = fid("handler");
        w.registerFunction(fails, "fail", "message", "middleware kaput");
        w.registerFunction(no, "constant", "result", false);
        w.registerFunction(mw, "constant", "result", CONTINUE);
        w.registerFunction(handler, "http-echo");
        w.registerTrigger("http", handler, route(prefix + "/fails", "middleware_function_ids", JsonKit.arr(fails)));
        w.registerTrigger("http", handler, route(prefix + "/closed", "condition_function_id", no,
                "middleware_function_ids", JsonKit.arr(mw)));

        var failed = awaitServed(prefix + "/fails");
        assertEquals(500, failed.statusCode());
        var body = JsonKit.parse(failed.body());
        assertEquals("invocation_failed", JsonKit.str(body, "error.code"));
        assertEquals("middleware kaput", JsonKit.str(body, "error.message"));
        assertTrue(JsonKit.str(body, "error.error_id").matches("[0-9a-f]{32}"), failed::body);

        var closed = awaitServed(prefix + "/closed");
        assertEquals(422, closed.statusCode());
        assertEquals("CONDITION_NOT_MET", JsonKit.str(JsonKit.parse(closed.body()), "error.code"));

        assertEquals(List.of(GLOBAL, fails, GLOBAL, no), invocations(w), "the global middleware runs before the "
                + "condition, the route's middleware after it; nothing runs after a failure");
    }

    @Test
    void a_route_whose_global_middleware_is_missing_answers_500_and_calls_nothing_else() {
        NodeWorker w = node(Sdk.V0_22_1);
        String prefix = "mw-" + shortId();
        String handler = fid("handler");
        w.registerFunction(handler, "http-echo");
        w.registerTrigger("http", handler, route(prefix + "/orphan"));

        // an earlier test's worker registered the global middleware; its cleanup may still be under way
        var orphan = Await.until(prefix + "/orphan answers function_not_found", MEDIUM, () -> {
            var r = get(prefix + "/orphan");
            return r.statusCode() == 500 && r.body().contains("function_not_found") ? Optional.of(r)
                    : Optional.empty();
        });

        assertEquals("function_not_found", JsonKit.str(JsonKit.parse(orphan.body()), "error.code"));
        assertEquals(List.of(), invocations(w), "the handler never ran");
    }
}
