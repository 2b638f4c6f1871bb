package iii.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a worker sees when it cannot connect: a real HTTP server that refuses the WebSocket handshake (as the engine's
 * RBAC listener refuses a bad token) or no server at all, against the JDK's WebSocket client.
 */
class ConnectionFailuresTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private HttpServer server;
    private Iii iii;

    @BeforeEach
    void recordWarnings() {
        Logger.getLogger(Iii.class.getName()).addHandler(recorder);
    }

    @AfterEach
    void stop() {
        Logger.getLogger(Iii.class.getName()).removeHandler(recorder);
        if (iii != null) {
            iii.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    /** A server on a free loopback port that answers every request, the handshake too, with {@code status}. */
    private URI refusing(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return URI.create("ws://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private static URI nothingListening() throws IOException {
        try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return URI.create("ws://127.0.0.1:" + s.getLocalPort() + "/");
        }
    }

    private static IiiOptions.Builder quickRetries() {
        return IiiOptions.builder().reconnect(Duration.ofMillis(50), Duration.ofMillis(200), 2, 0);
    }

    private static Throwable failure(CompletionStage<?> stage) {
        // well within the calls' own 60 s timeout: a call that only timed out would fail this wait
        return assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get(20, TimeUnit.SECONDS))
                .getCause();
    }

    private String warned() {
        return warnings.stream().map(r -> new java.text.MessageFormat(r.getMessage()).format(r.getParameters()))
                .toList().toString();
    }

    @Test
    void a_handshake_refused_as_unauthorized_fails_calls_as_forbidden_and_is_said_at_warning() throws Exception {
        iii = Iii.connect(refusing(401), quickRetries().invocationTimeout(LONG).build());

        Throwable waiting = failure(iii.call("any::fn", null, JsonValue.class));
        Throwable later = failure(iii.call("any::fn", null, JsonValue.class));

        assertInstanceOf(ForbiddenException.class, waiting);
        assertInstanceOf(ForbiddenException.class, later);
        assertEquals("any::fn", ((IiiException) later).functionId());
        assertThrows(ForbiddenException.class, () -> iii.fire("any::fn", null));
        assertTrue(warned().contains("HTTP 401"), warned());
    }

    @Test
    void a_handshake_answered_not_found_is_said_at_warning_and_calls_wait_for_a_connection() throws Exception {
        iii = Iii.connect(refusing(404), quickRetries().build());

        Throwable t = failure(iii.call("any::fn", null, JsonValue.class, Duration.ofMillis(500)));

        assertInstanceOf(IiiTimeoutException.class, t);
        assertTrue(warned().contains("HTTP 404"), warned());
    }

    @Test
    void giving_up_reconnecting_fails_the_waiting_calls_and_the_later_ones_as_stopped() throws Exception {
        iii = Iii.connect(nothingListening(), quickRetries().maxReconnectAttempts(2).invocationTimeout(LONG).build());

        Throwable waiting = failure(iii.call("any::fn", null, JsonValue.class));
        Throwable later = failure(iii.call("any::fn", null, JsonValue.class));

        assertInstanceOf(InvocationStoppedException.class, waiting);
        assertTrue(waiting.getMessage().contains("gave up"), waiting.getMessage());
        assertInstanceOf(InvocationStoppedException.class, later);
        assertThrows(InvocationStoppedException.class, () -> iii.fire("any::fn", null));
        assertTrue(warned().contains("Gave up"), warned());
    }

    @Test
    void a_closed_worker_refuses_registrations_and_fires_and_fails_its_waiting_calls_as_closed() throws Exception {
        iii = Iii.connect(nothingListening(), quickRetries().invocationTimeout(LONG).build());
        CompletionStage<JsonValue> waiting = iii.call("any::fn", null, JsonValue.class);

        iii.close();

        Throwable t = failure(waiting);
        assertInstanceOf(InvocationStoppedException.class, t);
        assertTrue(t.getMessage().contains("closed"), t.getMessage());
        assertThrows(IllegalStateException.class, () -> iii.registerFunction("any::fn", v -> v));
        assertThrows(IllegalStateException.class, () -> iii.registerTrigger("http", "any::fn", null));
        assertThrows(IllegalStateException.class, () -> iii.registerService("svc", null, null));
        assertThrows(IllegalStateException.class, () -> iii.fire("any::fn", null));
    }

    @Test
    void an_url_that_is_not_a_websocket_one_is_refused_at_once() {
        assertThrows(IllegalArgumentException.class, () -> Iii.connect(URI.create("http://127.0.0.1:49134/")));
    }
}
