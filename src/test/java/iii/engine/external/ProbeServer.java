package iii.engine.external;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP server on loopback standing in for an external function's endpoint: it records every request it gets and
 * answers what its {@link Responder} says. A responder may hold a request with {@link #awaitRelease}; closing the
 * server releases it.
 */
public final class ProbeServer implements AutoCloseable {

    /** A request as the server received it. */
    public record Seen(String method, String path, Map<String, List<String>> headers, String body) {

        /** The first value of a header, by case-insensitive name, or null. */
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** An answer; an empty body is sent as none. */
    public record Answer(int status, String body, Map<String, String> headers) {

        public static Answer of(int status, String body) {
            return new Answer(status, body, Map.of());
        }

        public static Answer json(int status, String body) {
            return new Answer(status, body, Map.of("Content-Type", "application/json"));
        }
    }

    @FunctionalInterface
    public interface Responder {
        Answer answer(Seen request);
    }

    private final HttpServer server;
    private final Responder responder;
    private final LinkedBlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private boolean closed;

    private ProbeServer(Responder responder) throws IOException {
        this.responder = responder;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public static ProbeServer start(Responder responder) throws IOException {
        return new ProbeServer(responder);
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The requests received so far, oldest first; taking one removes it. */
    public LinkedBlockingQueue<Seen> seen() {
        return seen;
    }

    /** Holds the calling request until the server closes or the time is up. */
    public void awaitRelease(Duration atMost) {
        try {
            release.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        var request = new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                Map.copyOf(exchange.getRequestHeaders()),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        seen.add(request);
        var answer = responder.answer(request);
        answer.headers().forEach(exchange.getResponseHeaders()::add);
        var bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        release.countDown();
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
