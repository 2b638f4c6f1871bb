package iii.engine.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.config.EngineExecutors;
import iii.engine.external.ExternalError.Refused;
import iii.engine.protocol.RawJson;
import iii.engine.registry.RemoteFunction.Reply;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * External functions against a real HTTP server on loopback (allowed by configuration): what the engine sends
 * (method, body, {@code x-iii-*} headers, configured headers, auth) and how answers map to results and errors
 * (PROTOCOL.md §8.3, §8.4).
 */
class ExternalFunctionsTest {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Map<String, String> ENVIRONMENT = Map.of("HMAC_SECRET", "s3cr3t", "PAY_TOKEN", "tok-1",
            "API_KEY", "k-9");

    private ProbeServer server;
    private LinkedBlockingQueue<ProbeServer.Seen> seen;
    private ExecutorService pool;
    private ScheduledThreadPoolExecutor scheduler;
    private ExternalFunctions externals;

    @BeforeEach
    void start() throws IOException {
        server = ProbeServer.start(this::answer);
        seen = server.seen();
        pool = Executors.newCachedThreadPool();
        scheduler = new ScheduledThreadPoolExecutor(1);
        var config = new HttpFunctionsConfig(List.of("127.0.0.1"), false, true, 30_000);
        externals = new ExternalFunctions(config, new EngineExecutors(pool, scheduler), new UrlValidator(config),
                name -> Optional.ofNullable(ENVIRONMENT.get(name)));
    }

    @AfterEach
    void stop() {
        server.close();
        pool.shutdownNow();
        scheduler.shutdownNow();
    }

    /** Paths say what to answer: /json, /empty, /text, /error-json, /error-plain, /redirect-3xx, /slow. */
    private ProbeServer.Answer answer(ProbeServer.Seen request) {
        return switch (request.path()) {
            case "/json" -> ProbeServer.Answer.of(200, "{\"ok\":true,\"got\":" + request.body() + "}");
            case "/empty" -> ProbeServer.Answer.of(204, "");
            case "/text" -> ProbeServer.Answer.of(200, "plain words");
            case "/error-json" -> ProbeServer.Answer.of(402,
                    "{\"error\":{\"code\":\"card_declined\",\"message\":\"no funds\"}}");
            case "/error-plain" -> ProbeServer.Answer.of(503, "down");
            case "/redirect-301", "/redirect-302", "/redirect-307" -> new ProbeServer.Answer(
                    Integer.parseInt(request.path().substring("/redirect-".length())), "{\"moved\":true}",
                    Map.of("Location", url("/json"), "Content-Type", "application/json"));
            case "/slow" -> {
                server.awaitRelease(Duration.ofSeconds(10));
                yield ProbeServer.Answer.of(200, "{}");
            }
            default -> ProbeServer.Answer.of(404, "");
        };
    }

    private String url(String path) {
        return server.url(path);
    }

    private HttpFunction define(String id, String invocation) throws Refused {
        return externals.parse(id, RawJson.trusted(invocation));
    }

    private static JsonObject parse(RawJson json) {
        try (var reader = JSON.createReader(new StringReader(json.text()))) {
            return reader.readObject();
        }
    }

    private static Reply await(java.util.concurrent.CompletableFuture<Reply> reply) throws Exception {
        return reply.get(20, TimeUnit.SECONDS);
    }

    @Test
    void a_call_posts_the_data_as_json_with_the_iii_headers_and_returns_the_json_answer() throws Exception {
        var f = define("billing::charge", "{\"url\":\"" + url("/json") + "\",\"headers\":{\"x-tenant\":\"acme\"}}");

        var reply = await(f.call("billing::charge", RawJson.trusted("{\"amount\":42}")));

        assertNull(reply.error());
        assertEquals(42, parse(reply.result()).getJsonObject("got").getInt("amount"));
        var request = seen.take();
        assertEquals("POST", request.method());
        assertEquals("{\"amount\":42}", request.body());
        assertEquals("application/json", request.header("Content-Type"));
        assertEquals("billing::charge", request.header("x-iii-Function-Path"));
        assertNotNull(java.util.UUID.fromString(request.header("x-iii-Invocation-ID")));
        assertTrue(Math.abs(Long.parseLong(request.header("x-iii-Timestamp")) - System.currentTimeMillis() / 1000) < 5);
        assertEquals("acme", request.header("x-tenant"));
    }

    @Test
    void the_configured_method_is_used_and_get_also_carries_the_body() throws Exception {
        for (var method : List.of("PUT", "get", "PATCH", "DELETE")) {
            var f = define("m", "{\"url\":\"" + url("/json") + "\",\"method\":\"" + method + "\"}");
            assertNull(await(f.call("m", RawJson.trusted("{\"x\":1}"))).error());
            var request = seen.take();
            assertEquals(method.toUpperCase(), request.method());
            assertEquals("{\"x\":1}", request.body());
        }
    }

    @Test
    void hmac_auth_signs_timestamp_and_base64_body_with_the_secret_from_the_environment() throws Exception {
        var f = define("signed", "{\"url\":\"" + url("/json") + "\",\"auth\":{\"type\":\"hmac\","
                + "\"secret_key\":\"HMAC_SECRET\"}}");

        await(f.call("signed", RawJson.trusted("{\"a\":\"b\"}")));

        var request = seen.take();
        var timestamp = Long.parseLong(request.header("x-iii-Timestamp"));
        // the server's own check: HMAC-SHA256("s3cr3t", "<ts>:<base64(body)>")
        var mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("s3cr3t".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        var expected = java.util.HexFormat.of().formatHex(mac.doFinal((timestamp + ":" + java.util.Base64.getEncoder()
                .encodeToString(request.body().getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8)));
        assertEquals("sha256=" + expected, request.header("x-iii-Signature"));
    }

    @Test
    void bearer_and_api_key_auth_add_their_headers() throws Exception {
        await(define("b", "{\"url\":\"" + url("/json") + "\",\"auth\":{\"type\":\"bearer\",\"token_key\":"
                + "\"PAY_TOKEN\"}}").call("b", RawJson.NULL));
        assertEquals("Bearer tok-1", seen.take().header("Authorization"));
        await(define("k", "{\"url\":\"" + url("/json") + "\",\"auth\":{\"type\":\"api_key\",\"header\":\"X-Api-Key\","
                + "\"value_key\":\"API_KEY\"}}").call("k", RawJson.NULL));
        assertEquals("k-9", seen.take().header("X-Api-Key"));
    }

    @Test
    void a_secret_missing_from_the_environment_refuses_the_registration() {
        assertEquals(ExternalError.SECRET_NOT_FOUND, assertThrows(Refused.class, () -> define("x", "{\"url\":\""
                + url("/json") + "\",\"auth\":{\"type\":\"hmac\",\"secret_key\":\"NOPE\"}}")).code());
        assertEquals(ExternalError.TOKEN_NOT_FOUND, assertThrows(Refused.class, () -> define("x", "{\"url\":\""
                + url("/json") + "\",\"auth\":{\"type\":\"bearer\",\"token_key\":\"NOPE\"}}")).code());
        assertEquals(ExternalError.API_KEY_NOT_FOUND, assertThrows(Refused.class, () -> define("x", "{\"url\":\""
                + url("/json") + "\",\"auth\":{\"type\":\"api_key\",\"header\":\"k\",\"value_key\":\"NOPE\"}}"))
                .code());
    }

    @Test
    void bad_invocations_are_refused() {
        for (var invocation : List.of("{}", "{\"url\":5}", "{\"url\":\"" + url("/") + "\",\"method\":\"BREW\"}",
                "{\"url\":\"" + url("/") + "\",\"timeout_ms\":-1}", "{\"url\":\"" + url("/") + "\",\"headers\":[1]}",
                "{\"url\":\"" + url("/") + "\",\"headers\":{\"a\":\"b\\r\\nc: d\"}}",
                "{\"url\":\"" + url("/") + "\",\"auth\":{\"type\":\"magic\"}}")) {
            assertEquals(ExternalError.INVALID_INVOCATION,
                    assertThrows(Refused.class, () -> define("x", invocation), invocation).code(), invocation);
        }
    }

    @Test
    void an_empty_2xx_is_no_result_and_a_non_json_2xx_is_invalid_response() throws Exception {
        var empty = await(define("e", "{\"url\":\"" + url("/empty") + "\"}").call("e", RawJson.NULL));
        assertNull(empty.result());
        assertNull(empty.error());
        var text = await(define("t", "{\"url\":\"" + url("/text") + "\"}").call("t", RawJson.NULL));
        assertEquals("invalid_response", parse(text.error()).getString("code"));
    }

    @Test
    void an_error_status_passes_the_bodys_error_through_or_becomes_http_error() throws Exception {
        var declined = await(define("d", "{\"url\":\"" + url("/error-json") + "\"}").call("d", RawJson.NULL));
        assertEquals("card_declined", parse(declined.error()).getString("code"));
        assertEquals("no funds", parse(declined.error()).getString("message"));
        var down = await(define("p", "{\"url\":\"" + url("/error-plain") + "\"}").call("p", RawJson.NULL));
        assertEquals("http_error", parse(down.error()).getString("code"));
        assertEquals("HTTP 503", parse(down.error()).getString("message"));
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 307})
    void a_redirect_fails_with_http_request_failed_and_its_target_is_never_requested(int status) throws Exception {
        var reply = await(define("r", "{\"url\":\"" + url("/redirect-" + status) + "\"}").call("r", RawJson.NULL));
        assertNull(reply.result());
        assertNotNull(reply.error(), "a redirect is not a success");
        assertEquals("http_request_failed", parse(reply.error()).getString("code"));
        assertTrue(parse(reply.error()).getString("message").contains("HTTP " + status), reply.error().text());
        // a followed redirect would have been requested before the reply came
        assertEquals(List.of("/redirect-" + status), seen.stream().map(ProbeServer.Seen::path).toList(),
                "the Location was not requested");
    }

    @Test
    void a_call_that_outlives_its_timeout_fails_with_http_request_failed() throws Exception {
        var f = define("slow", "{\"url\":\"" + url("/slow") + "\",\"timeout_ms\":300}");
        long started = System.nanoTime();
        var reply = await(f.call("slow", RawJson.NULL));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals("http_request_failed", parse(reply.error()).getString("code"));
        assertTrue(parse(reply.error()).getString("message").contains("timed out"), reply.error().text());
        assertTrue(tookMs < 3000, "took " + tookMs + " ms");
    }

    @Test
    void a_refused_connection_fails_with_http_request_failed() throws Exception {
        var f = define("gone", "{\"url\":\"" + url("/json") + "\"}");
        server.close();
        var reply = await(f.call("gone", RawJson.NULL));
        assertEquals("http_request_failed", parse(reply.error()).getString("code"));
    }

    @Test
    void the_url_is_checked_again_before_every_call() throws Exception {
        var f = define("x", "{\"url\":\"" + url("/json") + "\"}");
        var strict = new HttpFunctionsConfig(List.of(), false, true, 30_000);
        var strictExternals = new ExternalFunctions(strict, new EngineExecutors(pool, scheduler),
                new UrlValidator(strict), name -> Optional.empty());
        var reply = await(strictExternals.call(f, RawJson.NULL));
        assertEquals("url_validation_failed", parse(reply.error()).getString("code"));
        assertTrue(seen.isEmpty());
    }
}
