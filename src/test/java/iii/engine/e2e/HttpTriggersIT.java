package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The built-in {@code http} trigger type with real SDK workers and a real HTTP client on the HTTP-trigger listener
 * (PROTOCOL.md §6, Part A 9): routes appear when a worker registers them and go away when it unregisters them or
 * leaves; requests and answers map as iii maps them; failures get E22's envelopes; bad requests get a clear status
 * and disturb nobody. Also: external functions to private addresses are refused under the default settings (§8.5).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HttpTriggersIT extends E2eSupport {

    private static final int TIMEOUT_MS = 3000;
    private static final int MAX_BODY = 65536;
    private static final int LIMIT = 4;
    private static final int BODY_TIMEOUT_MS = 12_000;
    private static final int MAX_HEADERS = 150;
    /** More than Payara's http-thread-pool has threads (200, shared by both listeners). */
    private static final int SLOW_CLIENTS = 300;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment(Map.of("iii.http.request-timeout-ms", Integer.toString(TIMEOUT_MS),
                "iii.http.max-body-bytes", Integer.toString(MAX_BODY),
                "iii.http.max-headers", Integer.toString(MAX_HEADERS),
                "iii.http.body-timeout-ms", Integer.toString(BODY_TIMEOUT_MS),
                "iii.http.concurrent-request-limit", Integer.toString(LIMIT)));
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** HTTP/1.1 only: over HTTP/2 (which {@link #http} upgrades to) the container bounds the header list to 4 KiB. */
    private final HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static URI trigger(String path) {
        return ArquillianEngine.httpTriggerUri().resolve(path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return send(http, request);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(trigger(path)));
    }

    /** Route registration is asynchronous (fire-and-forget frames): wait until the path stops answering 404. */
    private HttpResponse<String> awaitServed(String path) {
        return Await.until(path + " served", MEDIUM, () -> {
            var r = get(path);
            return r.statusCode() == 404 ? Optional.empty() : Optional.of(r);
        });
    }

    /**
     * Exactly {@code n} invocations of {@code fn} so far. The worker tells of an invocation on its own output, which
     * may reach the test after the HTTP answer, so this first waits for {@code n}.
     */
    private static void assertInvocations(NodeWorker w, String fn, int n, String what) {
        var invocations = w.awaitCount(NodeWorker.invoked(fn), n, SHORT, "invocations");
        assertEquals(n, invocations.size(), () -> what + ": " + invocations);
    }

    private void awaitNotFound(String path) {
        Await.untilTrue(path + " answers 404", MEDIUM, () -> get(path).statusCode() == 404);
        assertEquals("NOT_FOUND", JsonKit.str(JsonKit.parse(get(path).body()), "error.code"));
    }

    private static JsonObject json(HttpResponse<String> r) {
        return JsonKit.parseObject(r.body());
    }

    private static JsonObject httpTrigger(String path, String method) {
        return JsonKit.obj("api_path", path, "http_method", method);
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void a_workers_routes_serve_get_and_post_with_parameters_headers_and_bodies_until_unregistered(Sdk sdk) {
        NodeWorker w = node(sdk);
        String prefix = "e2e-" + shortId();
        awaitNotFound(prefix + "/items/42");

        String getItem = fid("get-item");
        String createItem = fid("create-item");
        w.registerFunction(getItem, "http-echo");
        w.registerFunction(createItem, "http-echo", "status_code", 201, "headers",
                JsonKit.obj("Location", "/" + prefix + "/items/new"));
        String getHandle = w.registerTrigger("http", getItem, httpTrigger("/" + prefix + "/items/:id", "get"));
        w.registerTrigger("http", createItem, httpTrigger(prefix + "/items", "POST"));

        awaitServed(prefix + "/items/42");
        var got = send(HttpRequest.newBuilder(trigger(prefix + "/items/42?q=hello%20world&limit=10"))
                .header("X-Test", "v"));
        assertEquals(200, got.statusCode(), got::body);
        assertTrue(got.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonObject received = json(got).getJsonObject("received");
        assertEquals("42", JsonKit.str(received, "path_params.id"));
        assertEquals("hello world", JsonKit.str(received, "query_params.q"));
        assertEquals("10", JsonKit.str(received, "query_params.limit"));
        assertEquals("v", JsonKit.str(received, "headers.x-test"), "header names are lower-case");
        assertEquals("GET", JsonKit.str(received, "method"));
        assertEquals(prefix + "/items/:id", JsonKit.str(received, "path"), "the pattern, not the URL");
        assertEquals(JsonValue.NULL, received.get("body"));
        assertEquals("http", JsonKit.str(received, "trigger.type"));
        assertFalse(received.containsKey("_caller_worker_id"), "an engine-originated call");

        var created = send(HttpRequest.newBuilder(trigger(prefix + "/items"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"widget\",\"qty\":3}")));
        assertEquals(201, created.statusCode(), created::body);
        assertEquals("/" + prefix + "/items/new", created.headers().firstValue("Location").orElse(null));
        assertEquals("widget", JsonKit.str(json(created), "received.body.name"));
        assertEquals(3L, JsonKit.num(json(created), "received.body.qty"));
        assertEquals("POST", JsonKit.str(json(created), "received.method"));

        w.unregisterTrigger(getHandle);
        awaitNotFound(prefix + "/items/42");
        assertEquals(201, send(HttpRequest.newBuilder(trigger(prefix + "/items"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode(), "the other route stays");
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void text_and_xml_bodies_and_header_lists_go_out_verbatim(Sdk sdk) {
        NodeWorker w = node(sdk);
        String prefix = "e2e-" + shortId();
        String xml = fid("xml");
        String text = fid("text");
        w.registerFunction(xml, "constant", "result", JsonKit.obj("status_code", 200, "headers",
                JsonKit.obj("Content-Type", "text/xml"), "body", "<order id=\"1\"/>"));
        w.registerFunction(text, "constant", "result", JsonKit.obj("status_code", 418, "headers",
                JsonKit.arr("Content-Type: text/plain; charset=utf-8", "X-Brew: tea"), "body", "short and stout"));
        w.registerTrigger("http", xml, httpTrigger(prefix + "/xml", "GET"));
        w.registerTrigger("http", text, httpTrigger(prefix + "/text", "GET"));

        var r = awaitServed(prefix + "/xml");
        assertEquals(200, r.statusCode());
        assertEquals("text/xml", r.headers().firstValue("content-type").orElse(null));
        assertEquals("<order id=\"1\"/>", r.body());
        var t = awaitServed(prefix + "/text");
        assertEquals(418, t.statusCode());
        assertEquals("tea", t.headers().firstValue("x-brew").orElse(null));
        assertEquals("short and stout", t.body());
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void a_route_answers_404_once_its_worker_is_gone(Sdk sdk) {
        NodeWorker w = node(sdk);
        String path = "e2e-" + shortId() + "/health";
        String fn = fid("health");
        w.registerFunction(fn, "constant", "result", JsonKit.obj("status_code", 200, "body", JsonKit.obj("ok", true)));
        w.registerTrigger("http", fn, httpTrigger(path, "GET"));
        awaitServed(path);

        w.kill();

        awaitNotFound(path);
    }

    @Test
    void cors_is_permissive_by_default_and_head_is_answered_by_a_get_route_without_a_body() {
        NodeWorker w = node(Sdk.V0_22_1);
        String path = "e2e-" + shortId() + "/cors";
        String fn = fid("cors");
        w.registerFunction(fn, "http-echo");
        w.registerTrigger("http", fn, httpTrigger(path, "GET"));
        awaitServed(path);

        var preflight = send(HttpRequest.newBuilder(trigger(path)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example").header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "x-custom"));
        assertEquals(204, preflight.statusCode());
        assertEquals("*", preflight.headers().firstValue("access-control-allow-origin").orElse(null));
        assertEquals("x-custom", preflight.headers().firstValue("access-control-allow-headers").orElse(null));
        var simple = send(HttpRequest.newBuilder(trigger(path)).header("Origin", "https://app.example"));
        assertEquals(200, simple.statusCode());
        assertEquals("*", simple.headers().firstValue("access-control-allow-origin").orElse(null));

        var head = send(HttpRequest.newBuilder(trigger(path)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void a_conflicting_route_is_refused_and_the_first_route_keeps_working() {
        NodeWorker first = node(Sdk.V0_11_6);
        NodeWorker second = node(Sdk.V0_22_1);
        String prefix = "e2e-" + shortId();
        String a = fid("xy");
        String b = fid("yx");
        first.registerFunction(a, "http-echo");
        second.registerFunction(b, "http-echo");
        first.registerTrigger("http", a, httpTrigger(prefix + "/:x/:y", "GET"));
        awaitServed(prefix + "/1/2");

        second.registerTrigger("http", b, httpTrigger(prefix + "/:y/:x", "GET"));

        second.await(e -> "console".equals(NodeWorker.type(e))
                && String.valueOf(JsonKit.str(e, "text")).contains("conflict"), SHORT, "the 0.22.1 SDK logs the refusal");
        var r = get(prefix + "/1/2");
        assertEquals(200, r.statusCode());
        assertEquals("1", JsonKit.str(json(r), "received.path_params.x"));
        assertTrue(second.events(NodeWorker.invoked(b)).isEmpty());
    }

    @Test
    void a_failing_handler_answers_500_with_the_error_envelope_and_a_silent_one_504() {
        NodeWorker w = node(Sdk.V0_22_1);
        String prefix = "e2e-" + shortId();
        String fails = fid("fails");
        String silent = fid("silent");
        String missing = fid("missing");
        w.registerFunction(fails, "fail", "message", "kaput");
        w.registerFunction(silent, "never-answer");
        w.registerTrigger("http", fails, httpTrigger(prefix + "/fails", "GET"));
        w.registerTrigger("http", silent, httpTrigger(prefix + "/silent", "GET"));
        w.registerTrigger("http", missing, httpTrigger(prefix + "/missing", "GET"));

        var failed = awaitServed(prefix + "/fails");
        assertEquals(500, failed.statusCode());
        assertEquals("invocation_failed", JsonKit.str(json(failed), "error.code"));
        assertEquals("kaput", JsonKit.str(json(failed), "error.message"));
        assertTrue(JsonKit.str(json(failed), "error.error_id").matches("[0-9a-f]{32}"), failed::body);

        var notThere = get(prefix + "/missing");
        assertEquals(500, notThere.statusCode());
        assertEquals("function_not_found", JsonKit.str(json(notThere), "error.code"));

        long started = System.nanoTime();
        var timedOut = get(prefix + "/silent");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(504, timedOut.statusCode());
        assertTrue(tookMs >= TIMEOUT_MS - 100 && tookMs < TIMEOUT_MS + 5000, "took " + tookMs + " ms");
    }

    @Test
    void requests_over_the_concurrency_limit_get_503_and_capacity_returns_when_they_end() {
        NodeWorker w = node(Sdk.V0_11_6);
        String prefix = "e2e-" + shortId();
        String silent = fid("hold");
        String quick = fid("quick");
        w.registerFunction(silent, "never-answer");
        w.registerFunction(quick, "http-echo");
        w.registerTrigger("http", silent, httpTrigger(prefix + "/hold", "GET"));
        w.registerTrigger("http", quick, httpTrigger(prefix + "/quick", "GET"));
        awaitServed(prefix + "/quick");

        var held = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < LIMIT; i++) {
            held.add(http.sendAsync(HttpRequest.newBuilder(trigger(prefix + "/hold")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        w.awaitCount(NodeWorker.invoked(silent), LIMIT, MEDIUM, "held requests at the worker");

        var refused = get(prefix + "/quick");
        assertEquals(503, refused.statusCode());
        assertEquals("SERVICE_UNAVAILABLE", JsonKit.str(json(refused), "error.code"));

        for (var request : held) {
            assertEquals(504, request.join().statusCode());
        }
        assertEquals(200, get(prefix + "/quick").statusCode());
    }

    @Test
    void a_condition_returning_false_answers_422_and_any_other_answer_lets_the_request_through() {
        NodeWorker w = node(Sdk.V0_11_6);
        String prefix = "e2e-" + shortId();
        String handler = fid("guarded");
        String no = fid("no");
        String yes = fid("yes");
        w.registerFunction(handler, "http-echo");
        w.registerFunction(no, "constant", "result", false);
        w.registerFunction(yes, "constant", "result", true);
        w.registerTrigger("http", handler, JsonKit.obj("api_path", prefix + "/closed", "condition_function_id", no));
        w.registerTrigger("http", handler, JsonKit.obj("api_path", prefix + "/open", "_condition_path", yes));

        var closed = awaitServed(prefix + "/closed");
        assertEquals(422, closed.statusCode());
        assertEquals("CONDITION_NOT_MET", JsonKit.str(json(closed), "error.code"));
        assertTrue(JsonKit.isTrue(json(closed), "skipped"));
        var open = awaitServed(prefix + "/open");
        assertEquals(200, open.statusCode());
        assertEquals(prefix + "/open", JsonKit.str(json(open), "received.path"));
        assertEquals(1, w.events(NodeWorker.invoked(handler)).size(), "the handler ran for the open route only");
    }

    @Test
    void bad_requests_get_a_clear_status_and_do_not_disturb_the_worker() throws IOException {
        NodeWorker w = node(Sdk.V0_22_1);
        String prefix = "e2e-" + shortId();
        String fn = fid("sturdy");
        w.registerFunction(fn, "http-echo");
        w.registerTrigger("http", fn, httpTrigger(prefix + "/in", "POST"));
        Await.untilTrue("route served", MEDIUM, () -> send(HttpRequest.newBuilder(trigger(prefix + "/in"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode() == 200);
        w.awaitInvoked(fn, SHORT);
        int before = w.events(NodeWorker.invoked(fn)).size();

        var malformed = send(HttpRequest.newBuilder(trigger(prefix + "/in")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"unterminated\":")));
        assertEquals(200, malformed.statusCode());
        assertEquals(JsonValue.NULL, json(malformed).getJsonObject("received").get("body"));

        var big = send(HttpRequest.newBuilder(trigger(prefix + "/in")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("\"" + "x".repeat(MAX_BODY) + "\"")));
        assertEquals(413, big.statusCode());
        assertEquals("PAYLOAD_TOO_LARGE", JsonKit.str(json(big), "error.code"));

        // more headers than Grizzly's own default limit (100), which would answer 400 before the engine sees them
        var flood = HttpRequest.newBuilder(trigger(prefix + "/in")).POST(HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < MAX_HEADERS + 10; i++) {
            flood.header("X-Flood-" + i, "v");
        }
        var flooded = send(http1, flood);
        assertEquals(431, flooded.statusCode(), "header flood");
        assertEquals("REQUEST_HEADER_FIELDS_TOO_LARGE", JsonKit.str(json(flooded), "error.code"));
        var many = HttpRequest.newBuilder(trigger(prefix + "/in")).POST(HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < MAX_HEADERS - 20; i++) {
            many.header("X-Many-" + i, "v");
        }
        assertEquals(200, send(http1, many).statusCode(), "headers up to the limit pass");

        assertEquals(404, send(HttpRequest.newBuilder(trigger(prefix + "/in"))
                .method("BREW", HttpRequest.BodyPublishers.noBody())).statusCode());
        for (String line : new String[] {"GET /" + prefix + "/in/../in HTTP/1.1", "POST //" + prefix + "/in HTTP/1.1",
            "POST /" + prefix + "/%00 HTTP/1.1", "GET /%2e%2e/x HTTP/1.1", "OPTIONS * HTTP/1.1"}) {
            int status = raw(line);
            assertTrue(status >= 400 && status < 500, line + " -> " + status);
        }
        // A broken %-escape never reaches the application: Payara logs an IllegalArgumentException and answers an
        // empty 200 itself, on both listeners. It must at least not reach the worker.
        raw("POST /" + prefix + "/%ZZ HTTP/1.1");

        var after = send(HttpRequest.newBuilder(trigger(prefix + "/in")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"still\":\"fine\"}")));
        assertEquals(200, after.statusCode());
        assertEquals("fine", JsonKit.str(json(after), "received.body.still"));
        assertTrue(w.isAlive());
        assertInvocations(w, fn, before + 3, "only the three routed requests reached it");
    }

    @Test
    void slow_bodies_hold_no_thread_and_one_not_whole_by_the_body_timeout_gets_408_and_a_closed_connection()
            throws Exception {
        NodeWorker w = node(Sdk.V0_22_1);
        String prefix = "e2e-" + shortId();
        String fn = fid("patient");
        w.registerFunction(fn, "http-echo");
        w.registerTrigger("http", fn, httpTrigger(prefix + "/in", "POST"));
        Await.untilTrue("route served", MEDIUM, () -> send(HttpRequest.newBuilder(trigger(prefix + "/in"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode() == 200);
        w.awaitInvoked(fn, SHORT);
        int before = w.events(NodeWorker.invoked(fn)).size();

        List<Socket> slow = new ArrayList<>();
        var trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            long opened = System.nanoTime();
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                slow.add(startBody(prefix + "/in", "application/json", 1000, "["));
            }
            // one more byte of each body ten times a second, far from the 1,000 each one announced: bytes keep
            // arriving while the 408s are written, and none of them may be taken for a new request
            trickle.scheduleWithFixedDelay(() -> slow.forEach(s -> {
                try {
                    s.getOutputStream().write('1');
                    s.getOutputStream().flush();
                } catch (IOException gone) {
                    // answered and closed by the server
                }
            }), 100, 100, TimeUnit.MILLISECONDS);

            // a generous bound for a loaded machine: without the fix it is not answered until the slow ones go
            var quick = HttpRequest.newBuilder(trigger(prefix + "/in")).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"q\":1}"));
            HttpResponse<String> answered;
            // on a new HTTP/1.1 connection, as a new client's would be
            HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            try {
                answered = fresh.send(quick.build(), HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException e) {
                throw new AssertionError("a normal request was not answered within 5 s while " + SLOW_CLIENTS
                        + " slow bodies were arriving", e);
            }
            assertEquals(200, answered.statusCode(), answered::body);
            assertEquals(1L, JsonKit.num(json(answered), "received.body.q"));
            assertTrue(System.nanoTime() - opened < TimeUnit.MILLISECONDS.toNanos(BODY_TIMEOUT_MS),
                    "answered while every slow body was still arriving");

            for (Socket s : slow) {
                s.setSoTimeout(BODY_TIMEOUT_MS + 10_000);
                InputStream in = s.getInputStream();
                String head = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
                if (!head.equals("HTTP/1.1 408")) {
                    head += rest(s); // the whole answer, to say what came instead
                }
                assertEquals("HTTP/1.1 408", head, "a body not whole by the body timeout");
                assertTrue(closedAfterAnswer(in), "the connection of a timed-out body is closed");
            }
            assertInvocations(w, fn, before + 1, "only the normal request reached it");
        } finally {
            trickle.shutdownNow();
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void json_bodies_cut_off_mid_way_reach_no_function_and_leave_the_listener_serving() throws Exception {
        NodeWorker w = node(Sdk.V0_22_1);
        String prefix = "e2e-" + shortId();
        String fn = fid("cut");
        w.registerFunction(fn, "http-echo");
        w.registerTrigger("http", fn, httpTrigger(prefix + "/in", "POST"));
        Await.untilTrue("route served", MEDIUM, () -> send(HttpRequest.newBuilder(trigger(prefix + "/in"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode() == 200);
        w.awaitInvoked(fn, SHORT);
        int before = w.events(NodeWorker.invoked(fn)).size();

        for (int i = 0; i < 50; i++) {
            // (other bodies are streamed: the function is called at once and its request_body ends broken)
            Socket s = startBody(prefix + "/in", "application/json", 1000, "{\"a\":");
            s.setSoLinger(true, 0); // a reset, as a client that dies does
            s.close();
        }

        var after = send(HttpRequest.newBuilder(trigger(prefix + "/in")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"still\":\"fine\"}")));
        assertEquals(200, after.statusCode());
        assertEquals("fine", JsonKit.str(json(after), "received.body.still"));
        assertInvocations(w, fn, before + 1, "no cut-off body reached the function");
    }

    /** Opens a connection and sends a request head announcing {@code length} body bytes, then {@code first}. */
    private static Socket startBody(String path, String contentType, int length, String first) throws IOException {
        URI uri = ArquillianEngine.httpTriggerUri();
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST /" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + length + "\r\n\r\n" + first).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return socket;
    }

    /** What is left of an answer, up to 4,000 bytes, until the server closes or two seconds pass without a byte. */
    private static String rest(Socket socket) throws IOException {
        socket.setSoTimeout(2000);
        var out = new ByteArrayOutputStream();
        try {
            for (int b; out.size() < 4000 && (b = socket.getInputStream().read()) >= 0; ) {
                out.write(b);
            }
        } catch (SocketTimeoutException | SocketException stopped) {
            // what came is enough
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads the rest of an answer: true when the server then closes the connection (end of stream or reset). */
    private static boolean closedAfterAnswer(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // the rest of the head and the body
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Test
    void path_parameters_reach_the_function_percent_decoded_once() throws IOException {
        NodeWorker w = node(Sdk.V0_22_1);
        String prefix = "e2e-" + shortId();
        String fn = fid("files");
        w.registerFunction(fn, "http-echo");
        w.registerTrigger("http", fn, httpTrigger(prefix + "/files/:name", "GET"));
        awaitServed(prefix + "/files/x");
        w.awaitInvoked(fn, SHORT);
        int before = w.events(NodeWorker.invoked(fn)).size();

        assertEquals("a b+c", pathParam(prefix, "a%20b+c"));
        assertEquals("caf\u00e9", pathParam(prefix, "caf%C3%A9"));
        assertEquals("%41", pathParam(prefix, "%2541"), "decoded once only");
        assertEquals("..", pathParam(prefix, "%2e%2e"));
        assertEquals("a/b", pathParam(prefix, "a%2Fb"), "matched on the encoded path: one segment");
        // escapes that are not UTF-8: Payara answers 400 itself (the engine would too)
        String notUtf8 = rawAnswer("GET /" + prefix + "/files/%ff HTTP/1.1");
        assertEquals("400", notUtf8.substring(9, 12), notUtf8);
        assertInvocations(w, fn, before + 5, "the refused one reached no function");
    }

    /** The {@code name} parameter the function received for {@code GET /<prefix>/files/<raw>}. */
    private String pathParam(String prefix, String raw) throws IOException {
        String answer = rawAnswer("GET /" + prefix + "/files/" + raw + " HTTP/1.1");
        assertEquals("200", answer.substring(9, 12), answer);
        return JsonKit.str(JsonKit.parse(answer.substring(answer.indexOf("\r\n\r\n") + 4)),
                "received.path_params.name");
    }

    /** Sends one request line by hand and returns the whole answer (head and body). */
    private static String rawAnswer(String requestLine) throws IOException {
        URI uri = ArquillianEngine.httpTriggerUri();
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Sends one request line by hand and returns the status code. */
    private static int raw(String requestLine) throws IOException {
        URI uri = ArquillianEngine.httpTriggerUri();
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void health_on_the_trigger_listener_is_a_workers_route_or_404_and_microprofile_health_stays_on_the_worker_port(
            Sdk sdk) {
        var none = get("health");
        assertEquals(404, none.statusCode(), none::body);
        assertEquals("NOT_FOUND", JsonKit.str(json(none), "error.code"), "iii's route-miss 404, not the server's");
        assertEquals(404, get("health/live").statusCode());

        NodeWorker w = node(sdk);
        String fn = fid("healthcheck");
        w.registerFunction(fn, "constant", "result", JsonKit.obj("status_code", 200, "body",
                JsonKit.obj("status", "healthy", "service", "iii-sdk-test")));
        String handle = w.registerTrigger("http", fn, JsonKit.obj("api_path", "health", "http_method", "GET",
                "description", "Healthcheck endpoint"));

        var served = awaitServed("health");
        assertEquals(200, served.statusCode());
        assertEquals(JsonKit.obj("status", "healthy", "service", "iii-sdk-test"), json(served));
        var server = send(HttpRequest.newBuilder(ArquillianEngine.httpUri(base).resolve("/health")));
        assertEquals(200, server.statusCode(), server::body);
        assertEquals("UP", JsonKit.str(json(server), "status"), "MicroProfile Health on the worker port");
        assertInvocations(w, fn, 1, "the worker port's /health is not the route");

        w.unregisterTrigger(handle);
        awaitNotFound("health");
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void form_and_multipart_bodies_reach_the_handler_as_iii_maps_them_with_a_null_body(Sdk sdk) {
        NodeWorker w = node(sdk);
        String prefix = "e2e-" + shortId();
        String fn = fid("form");
        w.registerFunction(fn, "http-echo");
        w.registerTrigger("http", fn, httpTrigger(prefix + "/form", "POST"));
        Await.untilTrue(prefix + "/form served", MEDIUM, () -> send(HttpRequest.newBuilder(trigger(prefix + "/form"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode() != 404);
        w.awaitInvoked(fn, SHORT);
        int before = w.events(NodeWorker.invoked(fn)).size();

        var form = send(HttpRequest.newBuilder(trigger(prefix + "/form?via=form"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=John+Doe&email=john%40example.com&age=30&age=31")));
        assertEquals(200, form.statusCode(), form::body);
        var received = json(form).getJsonObject("received");
        assertEquals(JsonValue.NULL, received.get("body"), "iii parses no form into body");
        assertEquals("application/x-www-form-urlencoded", JsonKit.str(received, "headers.content-type"));
        assertEquals("form", JsonKit.str(received, "query_params.via"));

        String boundary = "----iii" + shortId();
        String multipart = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"title\"\r\n\r\nTest Document\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"handbook.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n\r\n%PDF-1.4 not really\r\n"
                + "--" + boundary + "--\r\n";
        var upload = send(HttpRequest.newBuilder(trigger(prefix + "/form"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(multipart)));
        assertEquals(200, upload.statusCode(), upload::body);
        received = json(upload).getJsonObject("received");
        assertEquals(JsonValue.NULL, received.get("body"), "iii parses no multipart into body");
        assertEquals("multipart/form-data; boundary=" + boundary, JsonKit.str(received, "headers.content-type"),
                "the boundary reaches the handler, which reads the parts from the raw body");

        var broken = send(HttpRequest.newBuilder(trigger(prefix + "/form"))
                .header("Content-Type", "multipart/form-data; boundary=")
                .POST(HttpRequest.BodyPublishers.ofString("--nothing like the boundary")));
        assertEquals(200, broken.statusCode(), "nothing is parsed, so nothing is refused: " + broken.body());
        assertInvocations(w, fn, before + 3, "the three requests, none refused");
    }

    @Test
    void the_trigger_listener_has_no_worker_socket_and_the_worker_listener_serves_no_routes() {
        NodeWorker w = node(Sdk.V0_11_6);
        String path = "e2e-" + shortId() + "/only-here";
        String fn = fid("only-here");
        w.registerFunction(fn, "http-echo");
        w.registerTrigger("http", fn, httpTrigger(path, "GET"));
        awaitServed(path);

        URI triggerWs = URI.create("ws://127.0.0.1:" + ArquillianEngine.httpTriggerUri().getPort() + "/");
        try {
            WebSocket socket = http.newWebSocketBuilder().buildAsync(triggerWs, new WebSocket.Listener() { }).join();
            socket.abort();
            throw new AssertionError("a WebSocket opened on the HTTP-trigger listener");
        } catch (CompletionException expected) {
            // refused: the upgrade got an ordinary 404
        }
        assertEquals(404, get("").statusCode());

        var onWorkerPort = send(HttpRequest.newBuilder(ArquillianEngine.httpUri(base).resolve(path)));
        assertNotEquals(200, onWorkerPort.statusCode(), onWorkerPort::body);
        assertInvocations(w, fn, 1, "only the trigger listener reached the handler");
    }

    @Test
    void external_functions_to_loopback_private_and_metadata_addresses_are_refused_under_the_defaults() {
        JavaWorker w = java("external-" + shortId());
        for (String url : new String[] {"http://127.0.0.1:8080/f", "https://127.0.0.1/f", "https://10.0.0.1/f",
            "https://169.254.169.254/latest/meta-data", "https://[::1]/f"}) {
            String fn = fid("refused");
            int mark = w.mark();
            w.send(JsonKit.obj("type", "registerfunction", "id", fn, "invocation", JsonKit.obj("url", url)));
            JsonObject error = w.awaitFrameFrom(mark, "error", f -> true, SHORT);
            assertEquals("url_validation_failed", JsonKit.str(error, "error.code"), url);
            assertEquals("function_not_found", JsonKit.str(w.call(fn, JsonKit.obj(), SHORT), "error.code"), url);
        }
    }

    @Test
    void an_sdk_worker_registering_a_loopback_external_function_under_the_defaults_registers_nothing() {
        NodeWorker w = node(Sdk.V0_22_1);
        String fn = fid("loopback");
        w.requestOk(NodeWorker.command("registerHttpFunction", "function_id", fn, "invocation",
                JsonKit.obj("url", "http://127.0.0.1:9/f", "method", "POST")));
        String marker = fid("marker");
        w.registerFunction(marker, "echo");
        awaitFunctionListed(marker); // frames of one connection are handled in order
        assertFalse(observer().functionListed(fn));
        assertCallError(w.call(fn, JsonKit.obj()), "function_not_found");
    }
}
