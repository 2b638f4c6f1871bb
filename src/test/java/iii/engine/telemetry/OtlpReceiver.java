package iii.engine.telemetry;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A real OTLP/HTTP receiver for tests: a JDK HTTP server on a free loopback port that accepts POSTs to
 * {@code /v1/traces}, {@code /v1/metrics} and {@code /v1/logs} and keeps every request. While {@link #away(boolean)}
 * it answers 503, as a collector that is down or overloaded.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** One export as received. */
    public record Export(String path, String contentType, byte[] body) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public boolean isJson() {
            return contentType != null && contentType.startsWith("application/json");
        }
    }

    private final HttpServer server;
    private final List<Export> exports = new ArrayList<>();
    private volatile boolean away;

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    public static OtlpReceiver start() {
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            var receiver = new OtlpReceiver(server);
            server.createContext("/v1/", exchange -> {
                var body = exchange.getRequestBody().readAllBytes();
                var status = 200;
                if (receiver.away) {
                    status = 503;
                } else if (!"POST".equals(exchange.getRequestMethod())) {
                    status = 405;
                } else {
                    receiver.add(new Export(exchange.getRequestURI().getPath(),
                            exchange.getRequestHeaders().getFirst("Content-Type"), body));
                }
                var answer = status == 200 && exchange.getRequestHeaders().getFirst("Content-Type") != null
                        && exchange.getRequestHeaders().getFirst("Content-Type").startsWith("application/json")
                        ? "{}".getBytes(StandardCharsets.UTF_8) : new byte[0];
                exchange.getResponseHeaders().set("Content-Type",
                        exchange.getRequestHeaders().getFirst("Content-Type") == null ? "application/x-protobuf"
                                : exchange.getRequestHeaders().getFirst("Content-Type"));
                exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
                if (answer.length > 0) {
                    exchange.getResponseBody().write(answer);
                }
                exchange.close();
            });
            server.setExecutor(Executors.newCachedThreadPool(runnable -> {
                var thread = new Thread(runnable, "otlp-receiver");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT}, the value of {@code otel.exporter.otlp.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void away(boolean away) {
        this.away = away;
    }

    private synchronized void add(Export export) {
        exports.add(export);
        notifyAll();
    }

    public synchronized List<Export> exports() {
        return List.copyOf(exports);
    }

    /** Waits until an export matches; fails after {@code timeout}. */
    public synchronized Export await(Predicate<Export> match, Duration timeout, String what) {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (var export : exports) {
                if (match.test(export)) {
                    return export;
                }
            }
            var left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + what + " within " + timeout.toMillis() + " ms; received "
                        + exports.stream().map(e -> e.path() + " " + e.contentType() + " " + e.body().length + " B")
                        .toList());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
