package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.bench.Server;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine on Payara Micro with {@code III_TLS_KEYSTORE} set, as {@code bin/run} starts it, with a keystore this
 * test makes (a self-signed EC key for localhost and 127.0.0.1, by the JDK's keytool): real iii-sdk workers connect
 * over {@code wss://} (trusting the certificate through {@code NODE_EXTRA_CA_CERTS}) to the worker listener and to the
 * RBAC-gated listener, an HTTP route and health answer over {@code https://} to a client that trusts only that
 * certificate, and nothing answers in plaintext on any of the three listeners.
 */
class TlsIT extends E2eSupport {

    private static final String PASSWORD = "tls-it-" + shortId();
    /** Functions the RBAC-gated listener's sessions may call (no auth function: that is all they get). */
    private static final String EXPOSED = "tls-exposed::";

    private static Path dir;
    private static Path certificate;
    private static Server engine;
    private static int httpPort;
    private static int rbacPort;
    private static HttpClient https;

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    static void startEngineWithTls() throws Exception {
        dir = EngineProcess.scratchDirectory("tls");
        Path keystore = dir.resolve("engine.p12");
        certificate = dir.resolve("engine.pem");
        keytool("-genkeypair", "-alias", "engine", "-keyalg", "EC", "-groupname", "secp256r1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2");
        keytool("-exportcert", "-rfc", "-alias", "engine", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", certificate.toString());
        https = HttpClient.newBuilder().sslContext(trusting(certificate)).connectTimeout(Duration.ofSeconds(5))
                .build();

        httpPort = Server.freePort();
        rbacPort = Server.freePort();
        var root = NodeWorker.projectDir();
        engine = Server.start("tls", root, Path.of(System.getProperty("java.home")),
                root.resolve("target/payara-micro.jar"), EngineProcess.war(), Server.freePort(), httpPort, true,
                List.of("-Xmx1g"), Map.of(
                        "III_TLS_KEYSTORE", keystore.toString(),
                        "III_TLS_KEYSTORE_PASSWORD", PASSWORD,
                        "III_RBAC_PORT", Integer.toString(rbacPort),
                        "III_RBAC_EXPOSE_FUNCTIONS", "engine::workers::list," + EXPOSED + "*"),
                dir);
        engine.awaitReady(200);
    }

    @AfterAll
    static void stopEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @Override
    protected URI ws() {
        return URI.create("wss://127.0.0.1:" + engine.port + "/");
    }

    private URI rbac() {
        return URI.create("wss://127.0.0.1:" + rbacPort + "/");
    }

    @Test
    void workers_of_sdk_0_22_1_and_0_2_1_connect_over_wss_and_call_each_other() {
        NodeWorker current = worker(Sdk.V0_22_1, ws());
        NodeWorker legacy = worker(Sdk.V0_2_1, ws());
        String currentEcho = fid("echo-0.22.1");
        String legacyEcho = fid("echo-0.2.1");
        current.registerFunction(currentEcho, "echo");
        legacy.registerFunction(legacyEcho, "echo");

        for (var call : List.of(new Object[] {current, legacyEcho}, new Object[] {legacy, currentEcho})) {
            NodeWorker caller = (NodeWorker) call[0];
            String callee = (String) call[1];
            JsonObject payload = JsonKit.obj("nonce", shortId(), "from", caller.toString());

            JsonObject reply = callOnceRegistered(caller, callee, payload);

            assertPayloadWithCaller(payload, result(reply), caller.workerId());
        }
    }

    @Test
    void an_http_route_and_health_answer_over_https_to_a_client_trusting_only_the_keystores_certificate()
            throws Exception {
        NodeWorker w = worker(Sdk.V0_22_1, ws());
        String prefix = "tls-" + shortId();
        String fn = fid("get-item");
        w.registerFunction(fn, "http-echo");
        w.registerTrigger("http", fn, JsonKit.obj("api_path", prefix + "/items/:id", "http_method", "GET"));
        URI route = URI.create("https://127.0.0.1:" + httpPort + "/" + prefix + "/items/42");

        var served = Await.until(route + " served", MEDIUM, () -> {
            var r = get(https, route);
            return r.statusCode() == 404 ? Optional.empty() : Optional.of(r);
        });
        var health = get(https, URI.create("https://127.0.0.1:" + engine.port + "/health"));

        assertEquals(200, served.statusCode(), served::body);
        assertEquals("42", JsonKit.str(JsonKit.parseObject(served.body()), "received.path_params.id"), served::body);
        assertEquals(200, health.statusCode(), health::body);
        assertEquals("UP", JsonKit.str(JsonKit.parseObject(health.body()), "status"), health::body);
    }

    @Test
    void a_worker_of_the_rbac_listener_connects_over_wss_and_calls_an_exposed_function() {
        NodeWorker trusted = worker(Sdk.V0_22_1, ws());
        NodeWorker gated = worker(Sdk.V0_22_1, rbac());
        String exposed = EXPOSED + "echo-" + shortId();
        trusted.registerFunction(exposed, "echo");
        JsonObject payload = JsonKit.obj("nonce", shortId());

        JsonObject reply = callOnceRegistered(gated, exposed, payload);

        assertEquals(payload.getString("nonce"), JsonKit.str(result(reply).asJsonObject(), "nonce"),
                () -> "the exposed function's answer: " + reply);
    }

    @Test
    void no_listener_answers_plaintext_http_or_ws() {
        var plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        var answered = new ArrayList<String>();
        for (int port : List.of(engine.port, httpPort, rbacPort)) {
            URI health = URI.create("http://127.0.0.1:" + port + "/health");
            try {
                answered.add(health + " answered " + send(plain, health).statusCode());
            } catch (IOException expected) {
                // the listener closed the connection: it speaks only TLS
            }
            URI socket = URI.create("ws://127.0.0.1:" + port + "/");
            var upgrade = plain.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(socket, new WebSocket.Listener() { });
            try {
                upgrade.get(30, TimeUnit.SECONDS).abort();
                answered.add(socket + " upgraded");
            } catch (ExecutionException expected) {
                assertInstanceOf(IOException.class, expected.getCause(), socket.toString());
            } catch (Exception e) {
                throw new AssertionError(socket.toString(), e);
            }
        }

        assertEquals(List.of(), answered, "plaintext must get no answer on a TLS listener");
    }

    @Test
    void a_client_that_does_not_trust_the_certificate_is_refused() {
        var untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        var refused = assertThrows(IOException.class,
                () -> send(untrusting, URI.create("https://127.0.0.1:" + engine.port + "/health")));

        assertTrue(causes(refused, SSLHandshakeException.class), () -> "a certificate failure: " + refused);
    }

    // ---------------------------------------------------------------------------------------------------------

    private NodeWorker worker(Sdk sdk, URI url) {
        return node(sdk, url, NodeWorker.options().name("tls-" + sdk.version() + "-" + shortId())
                .env(Map.of("NODE_EXTRA_CA_CERTS", certificate.toString())));
    }

    /** Calls {@code functionId} until it is registered (registration is asynchronous), then requires success. */
    private static JsonObject callOnceRegistered(NodeWorker caller, String functionId, JsonObject payload) {
        return Await.until(functionId + " answers " + caller, MEDIUM, () -> {
            JsonObject reply = caller.call(functionId, payload);
            return reply.getBoolean("ok", false) ? Optional.of(reply) : Optional.empty();
        });
    }

    private static HttpResponse<String> get(HttpClient client, URI uri) {
        try {
            return send(client, uri);
        } catch (IOException e) {
            throw new AssertionError("GET " + uri, e);
        }
    }

    private static HttpResponse<String> send(HttpClient client, URI uri) throws IOException {
        try {
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("GET " + uri, e);
        }
    }

    private static boolean causes(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** An SSL context whose only trusted certificate is the one in the PEM file {@code certificate}. */
    private static SSLContext trusting(Path certificate) throws IOException, GeneralSecurityException {
        var trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("engine", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        var context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** Runs the running JDK's keytool with {@code args}; fails with its output if it does not succeed. */
    private static void keytool(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
