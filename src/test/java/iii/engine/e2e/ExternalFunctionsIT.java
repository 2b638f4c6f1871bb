package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.external.ProbeServer;
import iii.engine.external.ProbeServer.Answer;
import iii.engine.external.ProbeServer.Seen;
import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * External (HTTP-invoked) functions registered by real SDK workers and called by other workers, against a test HTTP
 * server on loopback, which this deployment allows ({@code iii.http-functions.allowed-hosts=127.0.0.1},
 * {@code iii.http-functions.require-https=false}): method, body, {@code x-iii-*} headers, HMAC signature checked by
 * the server, bearer auth, error mapping, redirects (never followed), timeout, unregistration and owner departure
 * (PROTOCOL.md §8).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ExternalFunctionsIT extends E2eSupport {

    private static final String SECRET = "it-hmac-secret-" + "0123456789";

    @Deployment(testable = false)
    static WebArchive deployment() {
        // the secrets are looked up as environment variables, then as configuration properties (the deployment's)
        return ArquillianEngine.deployment(Map.of("iii.http-functions.allowed-hosts", "127.0.0.1",
                "iii.http-functions.require-https", "false", "IT_HMAC_SECRET", SECRET, "IT_BEARER_TOKEN", "tok-42"));
    }

    private ProbeServer server;
    private LinkedBlockingQueue<Seen> seen;

    @BeforeEach
    void startServer() throws IOException {
        server = ProbeServer.start(this::answer);
        seen = server.seen();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private Answer answer(Seen request) {
        return switch (request.path()) {
            case "/signed" -> Answer.json(200, JsonKit.obj("signature_ok", signatureOk(request), "got",
                    JsonKit.parse(request.body())).toString());
            case "/declined" -> Answer.json(402, "{\"error\":{\"code\":\"card_declined\",\"message\":\"no funds\"}}");
            case "/moved" -> new Answer(302, "{\"moved\":true}", Map.of("Location", url("/signed"),
                    "Content-Type", "application/json"));
            case "/slow" -> {
                server.awaitRelease(Duration.ofSeconds(20));
                yield Answer.json(200, "{}");
            }
            default -> Answer.json(200, JsonKit.obj("got", JsonKit.parse(request.body())).toString());
        };
    }

    /** The server's own check of {@code x-iii-Signature} (PROTOCOL.md §8.3). */
    private static boolean signatureOk(Seen request) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String signed = request.header("x-iii-Timestamp") + ":"
                    + Base64.getEncoder().encodeToString(request.body().getBytes(StandardCharsets.UTF_8));
            String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
            return expected.equals(request.header("x-iii-Signature"));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private String url(String path) {
        return server.url(path);
    }

    private static void registerHttpFunction(NodeWorker w, String fn, JsonObject invocation) {
        w.requestOk(NodeWorker.command("registerHttpFunction", "function_id", fn, "invocation", invocation));
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_11_6", "V0_22_1"})
    void a_worker_calls_an_sdk_registered_external_function_signed_with_hmac(Sdk sdk) throws Exception {
        NodeWorker owner = node(sdk);
        NodeWorker caller = node(Sdk.V0_2_1);
        String fn = fid("signed");
        registerHttpFunction(owner, fn, JsonKit.obj("url", url("/signed"), "method", "POST", "timeout_ms", 5000,
                "headers", JsonKit.obj("x-tenant", "acme"), "auth",
                JsonKit.obj("type", "hmac", "secret_key", "IT_HMAC_SECRET")));
        awaitFunctionListed(fn);

        JsonObject reply = assertCallOk(caller.call(fn, JsonKit.obj("amount", 42)));

        assertTrue(JsonKit.isTrue(reply, "result.signature_ok"), () -> "the server checked the signature: " + reply);
        assertEquals(42L, JsonKit.num(reply, "result.got.amount"));
        assertEquals(caller.workerId(), JsonKit.str(reply, "result.got._caller_worker_id"));
        Seen request = seen.poll(5, TimeUnit.SECONDS);
        assertNotNull(request);
        assertEquals("POST", request.method());
        assertEquals(fn, request.header("x-iii-Function-Path"));
        assertNotNull(request.header("x-iii-Invocation-ID"));
        assertEquals("acme", request.header("x-tenant"));
        assertTrue(request.header("Content-Type").startsWith("application/json"));
        assertTrue(owner.events(NodeWorker.invoked(fn)).isEmpty(), "the registering worker is not asked");
    }

    @Test
    void put_with_bearer_auth_reaches_the_server_and_its_error_body_reaches_the_caller() throws Exception {
        NodeWorker owner = node(Sdk.V0_22_1);
        NodeWorker caller = node(Sdk.V0_11_6);
        String ok = fid("put");
        String declined = fid("declined");
        registerHttpFunction(owner, ok, JsonKit.obj("url", url("/put"), "method", "PUT", "auth",
                JsonKit.obj("type", "bearer", "token_key", "IT_BEARER_TOKEN")));
        registerHttpFunction(owner, declined, JsonKit.obj("url", url("/declined")));
        awaitFunctionListed(declined);

        assertEquals("v", JsonKit.str(assertCallOk(caller.call(ok, JsonKit.obj("k", "v"))), "result.got.k"));
        Seen put = seen.poll(5, TimeUnit.SECONDS);
        assertEquals("PUT", put.method());
        assertEquals("Bearer tok-42", put.header("Authorization"));

        JsonObject error = assertCallError(caller.call(declined, JsonKit.obj()), "card_declined");
        assertTrue(JsonKit.str(error, "message").endsWith("no funds"), () -> "message " + error); // 0.11.6 prefixes the code
    }

    @Test
    void a_call_that_outlives_its_timeout_fails_with_http_request_failed() {
        NodeWorker owner = node(Sdk.V0_22_1);
        NodeWorker caller = node(Sdk.V0_22_1);
        String fn = fid("slow");
        registerHttpFunction(owner, fn, JsonKit.obj("url", url("/slow"), "timeout_ms", 500));
        awaitFunctionListed(fn);

        JsonObject reply = caller.call(fn, JsonKit.obj());

        assertCallError(reply, "http_request_failed");
        long elapsed = JsonKit.num(reply, "elapsed_ms");
        assertTrue(elapsed >= 400 && elapsed < 5000, "elapsed " + elapsed + " ms");
    }

    @Test
    void a_redirect_fails_the_call_with_http_request_failed_and_is_not_followed() throws Exception {
        NodeWorker owner = node(Sdk.V0_22_1);
        NodeWorker caller = node(Sdk.V0_22_1);
        String fn = fid("moved");
        registerHttpFunction(owner, fn, JsonKit.obj("url", url("/moved")));
        awaitFunctionListed(fn);

        JsonObject error = assertCallError(caller.call(fn, JsonKit.obj()), "http_request_failed");

        assertTrue(JsonKit.str(error, "message").contains("HTTP 302"), () -> "message " + error);
        assertEquals("/moved", seen.poll(5, TimeUnit.SECONDS).path());
        assertTrue(seen.isEmpty(), "the Location was not requested: " + seen);
    }

    @Test
    void after_unregistering_nothing_reaches_the_server_and_the_id_is_unknown() throws Exception {
        NodeWorker owner = node(Sdk.V0_11_6);
        NodeWorker caller = node(Sdk.V0_22_1);
        String fn = fid("temporary");
        registerHttpFunction(owner, fn, JsonKit.obj("url", url("/temporary")));
        awaitFunctionListed(fn);

        owner.unregisterFunction(fn);
        awaitFunctionGone(fn);

        assertCallError(caller.call(fn, JsonKit.obj()), "function_not_found");
        assertNull(seen.poll(500, TimeUnit.MILLISECONDS));
    }

    @Test
    void an_external_function_goes_away_when_its_owner_dies() {
        NodeWorker owner = node(Sdk.V0_22_1);
        String fn = fid("owned");
        registerHttpFunction(owner, fn, JsonKit.obj("url", url("/owned")));
        awaitFunctionListed(fn);

        owner.kill();

        awaitFunctionGone(fn);
        assertFalse(observer().functionListed(fn));
    }

    @Test
    void a_missing_secret_or_a_private_address_outside_the_allowed_hosts_registers_nothing() {
        JavaWorker w = java("refusals-" + shortId());
        String noSecret = fid("no-secret");
        int mark = w.mark();
        w.send(JsonKit.obj("type", "registerfunction", "id", noSecret, "invocation", JsonKit.obj("url",
                url("/x"), "auth", JsonKit.obj("type", "hmac", "secret_key", "IT_NO_SUCH_VARIABLE"))));
        assertEquals("secret_not_found", JsonKit.str(w.awaitFrameFrom(mark, "error", f -> true, SHORT), "error.code"));
        String metadata = fid("metadata");
        mark = w.mark();
        w.send(JsonKit.obj("type", "registerfunction", "id", metadata, "invocation",
                JsonKit.obj("url", "http://169.254.169.254/latest/meta-data")));
        assertEquals("url_validation_failed", JsonKit.str(w.awaitFrameFrom(mark, "error", f -> true, SHORT),
                "error.code"));
        assertEquals("function_not_found", JsonKit.str(w.call(noSecret, JsonKit.obj(), SHORT), "error.code"));
        assertEquals("function_not_found", JsonKit.str(w.call(metadata, JsonKit.obj(), SHORT), "error.code"));
    }
}
