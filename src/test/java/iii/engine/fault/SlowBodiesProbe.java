package iii.engine.fault;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * S requests to an HTTP-trigger route whose bodies arrive one byte every 2 s, while normal requests to another
 * route are timed: a slow client must not hold up anybody else. A worker registers both routes first (a function
 * and an {@code http} trigger each, as a worker's SDK does).
 */
final class SlowBodiesProbe implements Fault.Probe {

    @Override
    public long deadlineSeconds(Fault.Options options) {
        return 90 + options.slowBodySeconds;
    }

    @Override
    public void run(Fault suite, Fault.Closer closer) throws Exception {
        var options = suite.options;
        var worker = closer.add(Peer.connect(suite.engine.port, "fault-routes"));
        worker.route("fault::route-slow", "POST", "fault/slow");
        worker.route("fault::route-fast", "GET", "fault/fast");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int status = 0;
        while (System.nanoTime() < until && (status = get(suite.httpPort, "/fault/fast")) != 200) {
            Thread.sleep(100);
        }
        if (status != 200) {
            suite.row("route registered", "GET /fault/fast answered " + status, "200", false);
            return;
        }
        var slow = new ArrayList<Socket>();
        var refused = new AtomicLong();
        for (int i = 0; i < options.slowBodies; i++) {
            try {
                var socket = closer.add(new Socket());
                socket.connect(new InetSocketAddress("127.0.0.1", suite.httpPort), 5_000);
                socket.getOutputStream().write(("POST /fault/slow HTTP/1.1\r\nHost: 127.0.0.1:" + suite.httpPort
                        + "\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            } catch (IOException e) {
                refused.incrementAndGet();
            }
        }
        var cut = new AtomicLong();
        var trickle = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "fault-trickle");
            t.setDaemon(true);
            return t;
        });
        closer.add(trickle::shutdownNow);
        var alive = new ArrayList<>(slow);
        trickle.scheduleAtFixedRate(() -> {
            for (var it = alive.iterator(); it.hasNext(); ) {
                var socket = it.next();
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write('x');
                } catch (IOException e) {
                    cut.incrementAndGet();
                    it.remove();
                }
            }
        }, 2, 2, TimeUnit.SECONDS);
        var latencies = new ArrayList<Double>();
        int failed = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.slowBodySeconds);
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            int code = get(suite.httpPort, "/fault/fast");
            latencies.add((System.nanoTime() - t0) / 1e6);
            if (code != 200) {
                failed++;
            }
            Thread.sleep(250);
        }
        trickle.shutdownNow();
        trickle.awaitTermination(5, TimeUnit.SECONDS);
        for (var socket : slow) {
            socket.close();
        }
        var sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double max = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
        double p50 = sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
        System.out.printf(Locale.ROOT, "    %d slow requests open (%d refused at connect, %d cut off by the engine"
                + " meanwhile); normal requests: %s ms%n", slow.size(), refused.get(), cut.get(),
                Arrays.toString(Arrays.stream(sorted).mapToLong(Math::round).toArray()));
        suite.row("normal route request beside " + slow.size() + " slow bodies: slowest (p50)",
                String.format(Locale.ROOT, "%.0f ms (%.0f ms), %d requests", max, p50, sorted.length), "100 ms",
                max <= 100);
        suite.row("normal route requests answered 200", (sorted.length - failed) + " of " + sorted.length,
                Integer.toString(sorted.length), failed == 0 && sorted.length > 0);
    }

    /** One GET on a fresh connection; the status, or 0 when it failed or took over 10 s. */
    static int get(int port, String path) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            var response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            var parts = response.split(" ", 3);
            return parts.length > 1 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
