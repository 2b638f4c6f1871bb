package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.e2e.Peer.Kind;
import iii.engine.e2e.Peer.Outcome;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the unchanged WAR must do on every server it deploys to, run against an engine that a subclass started as a
 * process of its own ({@link EngineProcess}): workers of old and new SDK versions call one another, an HTTP route is
 * served on the HTTP-trigger listener, a departed worker's functions and routes go away, each worker is known by the
 * address it connected from, and health is served where the server serves it.
 */
abstract class PortableEngineScenarios extends E2eSupport {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The engine under test, started by the subclass before its tests. */
    abstract EngineProcess engine();

    @Override
    protected URI ws() {
        return engine().workers();
    }

    @Test
    void workers_of_sdk_0_2_1_0_11_6_and_0_22_1_call_one_another_and_get_the_callees_results() {
        Map<Peer, String> echoes = new LinkedHashMap<>();
        for (Kind kind : List.of(Kind.SDK_0_2_1, Kind.SDK_0_11_6, Kind.SDK_0_22_1)) {
            Peer p = peer(kind);
            String fn = fid("echo-" + kind);
            p.register(fn, "echo");
            echoes.put(p, fn);
        }
        echoes.values().forEach(this::awaitFunctionListed);

        for (Peer caller : echoes.keySet()) {
            for (var callee : echoes.entrySet()) {
                JsonObject payload = JsonKit.obj("nonce", shortId(), "from", caller.toString(), "text", "grüße ✓");
                Outcome out = caller.call(callee.getValue(), payload, Duration.ofSeconds(20));

                assertTrue(out.ok(), () -> caller + " -> " + callee.getKey() + ": " + out.raw());
                assertPayloadWithCaller(payload, out.result(), caller.workerId());
            }
        }
    }

    @Test
    void an_http_route_is_served_on_the_trigger_listener_until_its_worker_leaves() {
        NodeWorker w = node(Sdk.V0_22_1);
        String prefix = "e2e-" + shortId();
        String fn = fid("get-item");
        w.registerFunction(fn, "http-echo");
        w.registerTrigger("http", fn, JsonKit.obj("api_path", prefix + "/items/:id", "http_method", "GET"));

        var served = Await.until(prefix + " served", MEDIUM, () -> {
            var r = get(engine().httpTriggers().resolve(prefix + "/items/42?q=hello"));
            return r.statusCode() == 404 ? Optional.empty() : Optional.of(r);
        });

        assertEquals(200, served.statusCode(), served::body);
        JsonObject received = JsonKit.parseObject(served.body()).getJsonObject("received");
        assertEquals("42", JsonKit.str(received, "path_params.id"), served::body);
        assertEquals("hello", JsonKit.str(received, "query_params.q"), served::body);
        w.exit();
        Await.untilTrue(prefix + " answers 404 once the worker left", MEDIUM,
                () -> get(engine().httpTriggers().resolve(prefix + "/items/42")).statusCode() == 404);
    }

    @Test
    void an_http_route_streams_its_request_body_and_its_response_through_channels() {
        NodeWorker w = node(Sdk.V0_22_1);
        String prefix = "e2e-" + shortId();
        String upload = fid("upload");
        String download = fid("download");
        w.registerFunction(upload, "http-read-body");
        w.registerTrigger("http", upload, JsonKit.obj("api_path", prefix + "/up", "http_method", "POST"));
        w.registerFunction(download, "http-stream");
        w.registerTrigger("http", download, JsonKit.obj("api_path", prefix + "/down", "http_method", "GET"));
        URI down = engine().httpTriggers().resolve(prefix + "/down?bytes=" + (4 << 20));
        URI probe = engine().httpTriggers().resolve(prefix + "/down?bytes=0");
        Await.untilTrue(prefix + " served", MEDIUM, () -> get(probe).statusCode() != 404);
        byte[] body = new byte[2 << 20];
        new java.util.Random(3).nextBytes(body);

        var uploaded = send(HttpRequest.newBuilder(engine().httpTriggers().resolve(prefix + "/up"))
                .header("content-type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                HttpResponse.BodyHandlers.ofString());
        var downloaded = send(HttpRequest.newBuilder(down), HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, uploaded.statusCode(), uploaded::body);
        assertEquals(body.length, JsonKit.num(JsonKit.parseObject(uploaded.body()), "bytes"), uploaded::body);
        assertEquals(200, downloaded.statusCode());
        assertEquals(4 << 20, downloaded.body().length);
        assertEquals(Optional.of("application/octet-stream"), downloaded.headers().firstValue("content-type"));
    }

    @Test
    void functions_of_workers_that_disconnect_or_die_leave_the_function_list() {
        NodeWorker leaving = node(Sdk.V0_22_1);
        NodeWorker dying = node(Sdk.V0_2_1);
        String left = fid("left");
        String died = fid("died");
        leaving.registerFunction(left, "echo");
        dying.registerFunction(died, "echo");
        awaitFunctionListed(left);
        awaitFunctionListed(died);

        leaving.exit();
        dying.kill();

        awaitFunctionGone(left);
        awaitFunctionGone(died);
        awaitWorkerGone(leaving.workerId());
        awaitWorkerGone(dying.workerId());
    }

    @Test
    void each_worker_is_listed_and_logged_with_the_address_it_connected_from() {
        NodeWorker sdk = node(Sdk.V0_22_1);
        JavaWorker raw = java("address-" + shortId());
        // a client cannot name its own address
        JavaWorker claiming = closeLater(JavaWorker.connectRegistered(
                URI.create(ws() + "?iii.peer-address=10.9.8.7"), "claiming-" + shortId()));

        for (String id : List.of(sdk.workerId(), raw.workerId(), claiming.workerId())) {
            assertEquals("127.0.0.1", JsonKit.str(awaitWorkerRow(id), "ip_address"), "ip_address of " + id);
            String line = "Worker " + id + " connected from 127.0.0.1";
            Await.untilTrue("'" + line + "' in " + engine().logFile(), SHORT, () -> engine().log().contains(line));
        }
    }

    @Test
    void the_engine_reports_ready_where_the_server_serves_health() {
        var ready = get(URI.create(engine().health() + "/ready"));

        assertEquals(200, ready.statusCode(), ready::body);
        var engineChecks = JsonKit.objects(JsonKit.parse(ready.body()), "checks").stream()
                .filter(c -> JsonKit.str(c, "name").startsWith("iii-")).toList();
        assertTrue(!engineChecks.isEmpty(), () -> "the engine's own readiness checks in " + ready.body());
        engineChecks.forEach(c -> assertEquals("UP", JsonKit.str(c, "status"), c::toString));
    }

    private HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri), HttpResponse.BodyHandlers.ofString());
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        var built = request.timeout(Duration.ofSeconds(30)).build();
        try {
            return http.send(built, body);
        } catch (IOException e) {
            throw new AssertionError(built.method() + " " + built.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(built.method() + " " + built.uri(), e);
        }
    }
}
