package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTP requests that carry channels (PROTOCOL.md §6.4, §6.5): the request's body streams into its
 * {@code request_body} channel as it arrives (form and multipart bodies raw, {@code body} null; a JSON body parsed
 * and readable raw too), and a function that answers through its {@code response} channel has its status, headers
 * and bytes written to the client as they come, with real iii-sdk 0.11.6 and 0.22.1 workers and a real HTTP client.
 * Large bodies pass both ways without the engine holding them; a writer that dies, a client that leaves, a body over
 * the limit and a channel never written each end the request and leave no channel behind.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HttpStreamingIT extends E2eSupport {

    private static final int MIB = 1024 * 1024;
    private static final int MAX_BODY = 52 * MIB;
    private static final int REQUEST_TIMEOUT_MS = 8_000;
    private static final Duration LONG = Duration.ofSeconds(90);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment(Map.of("iii.http.max-body-bytes", String.valueOf(MAX_BODY),
                "iii.http.request-timeout-ms", String.valueOf(REQUEST_TIMEOUT_MS)));
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static URI trigger(String pathAndQuery) {
        return ArquillianEngine.httpTriggerUri().resolve("/" + pathAndQuery);
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request.timeout(LONG).build(), body);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Route registration is asynchronous: the first answer that is not the route-miss 404. */
    private void awaitServed(String pathAndQuery, String method) {
        Await.untilTrue(pathAndQuery + " served", MEDIUM, () -> {
            var r = send(HttpRequest.newBuilder(trigger(pathAndQuery)).method(method,
                    HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
            return !(r.statusCode() == 404 && r.body().contains("NOT_FOUND"));
        });
    }

    /**
     * Waits for a route whose function should not be called before the test: a probe route registered after it on
     * the same connection is served once both are.
     */
    private void awaitProbe(NodeWorker w, String path) {
        String probe = fid("probe");
        w.registerFunction(probe, "http-echo");
        w.registerTrigger("http", probe, route(path + "/probe", "GET"));
        awaitServed(path + "/probe", "GET");
    }

    /** Registers a function of this behaviour (and spec) on {@code w} with a route; returns the function's id. */
    private static String serve(NodeWorker w, String path, String method, String behaviour, Object... spec) {
        String fn = fid(path.substring(0, path.indexOf('-')));
        w.registerFunction(fn, behaviour, spec);
        w.registerTrigger("http", fn, route(path, method));
        return fn;
    }

    private static JsonObject route(String path, String method) {
        return JsonKit.obj("api_path", path, "http_method", method);
    }


    /** Reads {@code in} to its end: how many bytes and their SHA-256, or the failure when it was cut. */
    private record Drained(long bytes, String sha256, IOException failure) {
    }

    private static Drained drain(InputStream in) {
        var hash = sha256();
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                hash.update(buffer, 0, n);
                bytes += n;
            }
        } catch (IOException e) {
            return new Drained(bytes, null, e);
        }
        return new Drained(bytes, HexFormat.of().formatHex(hash.digest()), null);
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_11_6", "V0_22_1"})
    void a_50_mib_download_streams_from_the_response_channel_with_its_status_and_headers(Sdk sdk) {
        NodeWorker w = node(sdk);
        String path = "dl-" + shortId() + "/file";
        String fn = serve(w, path, "GET", "http-stream", "status_code", 201, "headers",
                JsonKit.obj("content-type", "application/octet-stream", "x-file", "random"));
        awaitServed(path + "?bytes=0", "GET");
        int mark = w.mark();

        var response = send(HttpRequest.newBuilder(trigger(path + "?bytes=" + 50 * MIB)),
                HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(201, response.statusCode());
        assertEquals(Optional.of("application/octet-stream"), response.headers().firstValue("content-type"));
        assertEquals(Optional.of("random"), response.headers().firstValue("x-file"));
        var got = drain(response.body());
        // the probe's own empty stream may be told after the mark
        var streamed = w.awaitFrom(mark, NodeWorker.event("httpStreamed").and(e -> JsonKit.num(e, "bytes") > 0), LONG,
                "the function's stream");
        assertEquals(50L * MIB, got.bytes());
        assertEquals(JsonKit.str(streamed, "sha256"), got.sha256(), "the bytes the function wrote, in order");
        awaitNoChannels();
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_11_6", "V0_22_1"})
    void a_50_mib_upload_streams_into_request_body_and_the_function_answers_through_its_response(Sdk sdk) {
        NodeWorker w = node(sdk);
        String path = "ul-" + shortId() + "/file";
        String fn = serve(w, path, "POST", "http-read-body");
        awaitServed(path, "POST");
        byte[] upload = new byte[50 * MIB];
        new Random(12).nextBytes(upload);

        var peak = new AtomicLong();
        var sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleWithFixedDelay(() -> peak.accumulateAndGet(number(channelsHealth(), "peak_buffered_bytes"),
                Math::max), 0, 50, TimeUnit.MILLISECONDS);
        HttpResponse<String> response;
        try {
            response = send(HttpRequest.newBuilder(trigger(path)).header("content-type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(upload)), HttpResponse.BodyHandlers.ofString());
        } finally {
            sampler.shutdownNow();
        }

        assertEquals(200, response.statusCode(), response.body());
        var answer = JsonKit.parseObject(response.body());
        assertEquals(50L * MIB, JsonKit.num(answer, "bytes"));
        assertEquals(sha256(upload), JsonKit.str(answer, "sha256"));
        assertEquals(JsonValue.NULL, answer.get("parsed_body"), "a body that is not JSON is not parsed");
        assertTrue(peak.get() > 0 && peak.get() < 16L * MIB, "a channel held " + peak + " bytes at most, not the"
                + " whole upload");
        awaitNoChannels();
    }

    @Test
    void server_sent_events_reach_the_client_one_by_one() throws IOException {
        NodeWorker w = node(Sdk.V0_22_1);
        String path = "sse-" + shortId() + "/events";
        String fn = fid("sse");
        int events = 100;
        w.registerFunction(fn, "http-sse", "events", events);
        w.registerTrigger("http", fn, route(path, "GET"));
        awaitProbe(w, path);

        var response = send(HttpRequest.newBuilder(trigger(path)), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals(Optional.of("text/event-stream"), response.headers().firstValue("content-type"));
        try (var lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (int n = 1; n <= events; n++) {
                // the function writes event n+1 only once the gate is opened, after the client read event n
                assertEquals("id: " + n, lines.readLine());
                assertEquals("data: event " + n, lines.readLine());
                assertEquals("", lines.readLine());
                if (n < events) {
                    w.requestOk(NodeWorker.command("openGate", "gate", fn + ":" + n));
                }
            }
            assertEquals(null, lines.readLine(), "the stream ends with the function's");
        }
        awaitNoChannels();
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_11_6", "V0_22_1"})
    void urlencoded_and_multipart_bodies_reach_the_function_raw_with_body_null(Sdk sdk) {
        NodeWorker w = node(sdk);
        String path = "form-" + shortId() + "/in";
        String fn = serve(w, path, "POST", "http-read-body");
        awaitServed(path, "POST");

        String form = "name=John+Doe&email=john%40example.com&age=30";
        var urlencoded = send(HttpRequest.newBuilder(trigger(path))
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, urlencoded.statusCode(), urlencoded.body());
        assertEquals(form, JsonKit.str(JsonKit.parseObject(urlencoded.body()), "text"));
        assertEquals(JsonValue.NULL, JsonKit.parseObject(urlencoded.body()).get("parsed_body"));

        byte[] file = new byte[300 * 1024];
        new Random(5).nextBytes(file);
        String boundary = "----e2e" + shortId();
        var multipart = new java.io.ByteArrayOutputStream();
        multipart.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n"
                + "Test Document\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"blob.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        multipart.writeBytes(file);
        multipart.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] sent = multipart.toByteArray();
        var uploaded = send(HttpRequest.newBuilder(trigger(path))
                .header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(sent)), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, uploaded.statusCode(), uploaded.body());
        var answer = JsonKit.parseObject(uploaded.body());
        assertEquals(sent.length, JsonKit.num(answer, "bytes"));
        assertEquals(sha256(sent), JsonKit.str(answer, "sha256"), "the multipart body, byte for byte");
        assertEquals(JsonValue.NULL, answer.get("parsed_body"));
        awaitNoChannels();
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_11_6", "V0_22_1"})
    void a_json_body_is_parsed_into_body_and_readable_raw_from_request_body(Sdk sdk) {
        NodeWorker w = node(sdk);
        String path = "json-" + shortId() + "/raw";
        String fn = serve(w, path, "POST", "http-read-body", "buffered", true);
        awaitServed(path, "POST");

        String raw = "{\"z\":2, \"a\":1}";
        var response = send(HttpRequest.newBuilder(trigger(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(raw)), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        var answer = JsonKit.parseObject(response.body());
        assertEquals(raw, JsonKit.str(answer, "text"));
        assertEquals(JsonKit.obj("z", 2, "a", 1), answer.getJsonObject("parsed_body"));
        awaitNoChannels();
    }

    @Test
    void a_writer_that_dies_mid_stream_cuts_the_response_and_leaves_no_channel() {
        NodeWorker keeper = node(Sdk.V0_22_1);
        NodeWorker dying = node(Sdk.V0_22_1);
        String path = "die-" + shortId() + "/file";
        String fn = fid("dies");
        dying.registerFunction(fn, "http-stream", "exit_midway", true);
        dying.registerTrigger("http", fn, route(path, "GET"));
        awaitServed(path + "?bytes=0", "HEAD");

        var response = send(HttpRequest.newBuilder(trigger(path + "?bytes=" + 8 * MIB)),
                HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(200, response.statusCode());
        var got = drain(response.body());
        assertTrue(got.failure() != null && got.bytes() < 8L * MIB, "the response was cut with the writer: " + got);
        awaitNoChannels();
        assertTrue(keeper.isAlive(), "the other worker is undisturbed");
    }

    @Test
    void a_client_that_leaves_mid_download_frees_the_channel_and_the_writer_sees_the_end() throws IOException {
        NodeWorker w = node(Sdk.V0_22_1);
        String path = "leave-" + shortId() + "/file";
        String fn = serve(w, path, "GET", "http-stream");
        awaitServed(path + "?bytes=0", "GET");
        int mark = w.mark();

        URI uri = trigger(path + "?bytes=" + 512L * MIB);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.getInputStream().readNBytes(MIB); // the download has started
            socket.setSoLinger(true, 0);
        }

        var failed = w.awaitFrom(mark, NodeWorker.event("httpStreamFailed"), LONG, "the writer's end");
        assertEquals(fn, JsonKit.str(failed, "function_id"));
        awaitNoChannels();
    }

    @Test
    void a_body_over_the_limit_mid_stream_gets_413_and_frees_its_channels() {
        NodeWorker w = node(Sdk.V0_22_1);
        String path = "big-" + shortId() + "/in";
        String fn = serve(w, path, "POST", "http-read-body");
        awaitServed(path, "POST");
        byte[] chunk = new byte[MIB];
        int chunks = MAX_BODY / MIB + 4;
        // no Content-Length: the limit applies as the bytes pass
        var body = HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
            private int sent;
            private int position = chunk.length;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position == chunk.length) {
                    if (sent++ == chunks) {
                        return -1;
                    }
                    position = 0;
                }
                int n = Math.min(len, chunk.length - position);
                System.arraycopy(chunk, position, b, off, n);
                position += n;
                return n;
            }
        });

        var response = send(HttpRequest.newBuilder(trigger(path)).header("content-type", "application/octet-stream")
                .POST(body), HttpResponse.BodyHandlers.ofString());

        assertEquals(413, response.statusCode(), response.body());
        assertEquals("PAYLOAD_TOO_LARGE", JsonKit.str(JsonKit.parseObject(response.body()), "error.code"));
        awaitNoChannels();
        assertTrue(w.isAlive());
    }

    @Test
    void a_function_that_returns_nothing_and_never_writes_its_response_gets_504_at_the_timeout() {
        NodeWorker w = node(Sdk.V0_22_1);
        String path = "none-" + shortId() + "/in";
        String fn = fid("none");
        w.registerFunction(fn, "return-null");
        w.registerTrigger("http", fn, route(path, "GET"));
        awaitProbe(w, path);

        long started = System.nanoTime();
        var response = send(HttpRequest.newBuilder(trigger(path)), HttpResponse.BodyHandlers.ofString());

        assertEquals(504, response.statusCode(), response.body());
        assertTrue(System.nanoTime() - started >= (REQUEST_TIMEOUT_MS - 1000) * 1_000_000L, "at the timeout");
        awaitNoChannels();
    }

    @Test
    void text_frames_that_are_not_control_messages_are_ignored() {
        NodeWorker w = node(Sdk.V0_22_1);
        String path = "ctl-" + shortId() + "/in";
        String fn = serve(w, path, "GET", "http-stream", "bytes", 1000, "texts", JsonKit.arr("not json", "[1,2]",
                "{\"type\":\"set_status\",\"status_code\":42}", "{\"type\":\"set_headers\",\"headers\":{\"x-a\":1}}",
                "{\"type\":\"set_status\",\"status_code\":\"202\"}", "{\"type\":\"unknown\"}"));
        awaitServed(path, "GET");

        var response = send(HttpRequest.newBuilder(trigger(path)), HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, response.statusCode(), "the valid set_status, not the malformed ones");
        assertEquals(Optional.empty(), response.headers().firstValue("x-a"));
        assertEquals(1000, response.body().length);
        awaitNoChannels();
    }
}
