package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.JsonString;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URL;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What every end-to-end test class shares: the engine's worker URL, per-test resources (processes, sockets) that
 * are always closed after the test, unique ids, and a Java observer worker for the engine's listings.
 *
 * <p>Subclasses are Arquillian client tests ({@code @RunAsClient}) with their own {@code @Deployment}; Arquillian
 * injects the deployment's URL here. A subclass that starts its engine itself overrides {@link #ws()} instead.
 */
abstract class E2eSupport {

    static final Duration SHORT = Duration.ofSeconds(5);
    static final Duration MEDIUM = Duration.ofSeconds(15);

    private static final HttpClient HEALTH_CLIENT = HttpClient.newHttpClient();

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private JavaWorker observer;

    /** The URL Arquillian injected for the deployment. */
    @ArquillianResource
    URL base;

    /** The worker socket of the engine under test: {@code ws://127.0.0.1:<port>/}. */
    protected URI ws() {
        return ArquillianEngine.workerUri(base);
    }

    @AfterEach
    void closeResources() {
        RuntimeException first = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = new RuntimeException("closing test resources", e);
                }
            }
        }
        observer = null;
        if (first != null) {
            throw first;
        }
    }

    /** Closes {@code r} after the test, in reverse order of registration. */
    protected <T extends AutoCloseable> T closeLater(T r) {
        resources.push(r);
        return r;
    }

    protected NodeWorker node(Sdk sdk) {
        return node(sdk, "e2e-" + sdk.version() + "-" + shortId());
    }

    protected NodeWorker node(Sdk sdk, String name) {
        NodeWorker w = closeLater(NodeWorker.start(sdk, ws(), NodeWorker.options().name(name)));
        w.awaitReady(Duration.ofSeconds(60));
        return w;
    }

    protected NodeWorker node(Sdk sdk, URI url, NodeWorker.Options options) {
        NodeWorker w = closeLater(NodeWorker.start(sdk, url, options));
        w.awaitReady(Duration.ofSeconds(60));
        return w;
    }

    protected Peer peer(Peer.Kind kind) {
        return closeLater(Peer.start(kind, ws(), "e2e-" + kind + "-" + shortId()));
    }

    protected JavaWorker java(String name) {
        return closeLater(JavaWorker.connectRegistered(ws(), name));
    }

    /** A Java worker used only to read the engine's built-in listings. */
    protected JavaWorker observer() {
        if (observer == null) {
            observer = java("observer-" + shortId());
        }
        return observer;
    }

    /** Every ordered pair (a, b) of the items, a and b alike included: the arguments of a version matrix. */
    static <T> Stream<Arguments> pairs(List<T> items) {
        return items.stream().flatMap(a -> items.stream().map(b -> Arguments.of(a, b)));
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** A unique function id in the current style ({@code service::name}). */
    static String fid(String what) {
        return "e2e-" + shortId() + "::" + what;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Engine state, observed through the built-ins

    protected void awaitFunctionListed(String functionId) {
        Await.untilTrue(functionId + " in engine::functions::list", MEDIUM, () -> observer().functionListed(functionId));
    }

    protected void awaitFunctionGone(String functionId) {
        Await.untilTrue(functionId + " gone from engine::functions::list", MEDIUM,
                () -> !observer().functionListed(functionId));
    }

    protected Optional<JsonObject> workerRow(String workerId) {
        return observer().listWorkers().stream().filter(w -> workerId.equals(JsonKit.str(w, "id"))).findFirst();
    }

    protected JsonObject awaitWorkerRow(String workerId) {
        return Await.until("worker " + workerId + " in engine::workers::list", MEDIUM, () -> workerRow(workerId));
    }

    protected void awaitWorkerGone(String workerId) {
        Await.untilTrue("worker " + workerId + " gone from engine::workers::list", MEDIUM,
                () -> workerRow(workerId).isEmpty());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Assertions on agent replies

    /** The SDK call succeeded; returns the reply. */
    static JsonObject assertCallOk(JsonObject reply) {
        if (!reply.getBoolean("ok", false)) {
            fail("call failed: " + reply);
        }
        return reply;
    }

    /** The SDK call failed with {@code code} (0.2.1/0.3.0 see the raw wire object, later versions an Error). */
    static JsonObject assertCallError(JsonObject reply, String code) {
        if (reply.getBoolean("ok", false)) {
            fail("expected error " + code + " but the call succeeded: " + reply);
        }
        assertEquals(code, JsonKit.str(reply, "error.code"), () -> "error code in " + reply);
        return reply.getJsonObject("error");
    }

    static JsonValue result(JsonObject reply) {
        return reply.getOrDefault("result", JsonValue.NULL);
    }

    /** An object payload as the callee saw it: the caller's data plus {@code _caller_worker_id}. */
    static void assertPayloadWithCaller(JsonObject sent, JsonValue seen, String callerWorkerId) {
        assertTrue(seen instanceof JsonObject, () -> "callee saw a non-object: " + seen);
        JsonObject o = (JsonObject) seen;
        assertEquals(callerWorkerId, JsonKit.str(o, "_caller_worker_id"), () -> "_caller_worker_id in " + o);
        assertEquals(sent, JsonKit.without(o, "_caller_worker_id"), "the rest of the payload is unchanged");
    }

    static List<String> ids(List<JsonObject> rows, String key) {
        return rows.stream().map(r -> JsonKit.str(r, key)).toList();
    }

    /** A number of health data, which the server may write as a JSON number or as a string. */
    static long number(JsonObject data, String key) {
        return data.get(key) instanceof JsonString text ? Long.parseLong(text.getString())
                : data.getJsonNumber(key).longValue();
    }

    /** A new SHA-256 digest. */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The SHA-256 of {@code bytes}, in hex. */
    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /** The data of the engine's {@code iii-channels} liveness check. */
    protected JsonObject channelsHealth() {
        return channelsHealth(ArquillianEngine.httpUri(base));
    }

    /** The data of the {@code iii-channels} liveness check of the engine whose HTTP root is {@code engine}. */
    static JsonObject channelsHealth(URI engine) {
        try {
            HttpResponse<String> response = HEALTH_CLIENT.send(HttpRequest.newBuilder(
                    engine.resolve("/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            return JsonKit.objects(JsonKit.parseObject(response.body()), "checks").stream()
                    .filter(check -> "iii-channels".equals(check.getString("name")))
                    .findFirst().orElseThrow(() -> new AssertionError("no iii-channels check: " + response.body()))
                    .getJsonObject("data");
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until the engine holds no channel (every one finished or freed). */
    protected void awaitNoChannels() {
        Await.untilTrue("no channel left", MEDIUM,
                () -> number(channelsHealth(), "open") == 0);
    }
}
