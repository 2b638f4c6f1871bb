package iii.engine.e2e;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A benchmark, not a test (no {@code *Test}/{@code *IT} name, so {@code mvn verify} never runs it): the round trip of
 * an HTTP route (client → engine → {@code iii-sdk} 0.22.1 worker → engine → client) beside the same worker function
 * called over the WebSocket protocol by a Java caller, at 1 and 64 concurrent clients, with p50, p99, requests per
 * second and the route's p50 as a ratio to the WebSocket call's; then streaming throughput in MB/s: 1 GiB through a
 * channel from one worker to another, and 1 GiB as an HTTP response streamed from a worker's {@code response}
 * channel, each with the engine's heap after GC sampled while it passes (its {@code iii-channels} liveness data).
 * Needs a running engine:
 *
 * <pre>
 * bin/run                       # in another terminal; workers at ws://127.0.0.1:49134/, routes at :3111
 * mvn -B -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=iii.engine.e2e.HttpRouteBenchmark \
 *     [-Dexec.args="ws://127.0.0.1:49134/ http://127.0.0.1:3111/ SECONDS_PER_RUN [no-streams]"]
 * </pre>
 */
public final class HttpRouteBenchmark {

    private HttpRouteBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        URI ws = URI.create(args.length > 0 ? args[0] : "ws://127.0.0.1:49134/");
        URI http = URI.create(args.length > 1 ? args[1] : "http://127.0.0.1:3111/");
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        String path = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "/ping/:n";
        String fn = "bench::ping";

        try (NodeWorker worker = NodeWorker.startReady(Sdk.V0_22_1, ws, "bench-worker")) {
            worker.registerFunction(fn, "constant", "result",
                    JsonKit.obj("status_code", 200, "body", JsonKit.obj("pong", true)));
            worker.registerTrigger("http", fn, JsonKit.obj("api_path", path, "http_method", "GET"));
            // the agent reports every invocation on stdout; that cost is part of the worker in both paths
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI route = http.resolve(path.replace(":n", "1"));
            Await.untilTrue("route served", Duration.ofSeconds(30), () -> status(client, route) == 200);
            try (WsCaller caller = WsCaller.connect(ws)) {
                System.out.printf("%-10s %6s %10s %10s %10s %8s%n", "path", "conc", "p50 ms", "p99 ms", "req/s",
                        "errors");
                for (int concurrency : new int[] {1, 64}) {
                    run("warm-up", concurrency, 3, () -> status(client, route) == 200);
                    var overHttp = run("http", concurrency, seconds, () -> status(client, route) == 200);
                    print("http", concurrency, overHttp);
                    run("warm-up", concurrency, 3, () -> caller.call(fn));
                    var overWs = run("websocket", concurrency, seconds, () -> caller.call(fn));
                    print("websocket", concurrency, overWs);
                    System.out.printf("ratio      %6d %10.2f  (route p50 / WebSocket call p50)%n", concurrency,
                            p50(overHttp) / p50(overWs));
                }
            }
            if (!(args.length > 3 && args[3].equals("no-streams"))) {
                streaming(ws, http, worker, client);
            }
        }
        System.exit(0);
    }

    private static final long GIB = 1L << 30;

    /** The two streaming cells: worker → channel → worker, and worker → response channel → HTTP client. */
    private static void streaming(URI ws, URI http, NodeWorker writer, HttpClient client) throws Exception {
        URI health = URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/health/live");
        System.out.printf("%n%-24s %8s %8s %22s %22s%n", "stream (1 GiB)", "seconds", "MB/s",
                "heap after GC MiB", "heap used MiB");
        try (NodeWorker reader = NodeWorker.startReady(Sdk.V0_22_1, ws, "bench-reader")) {
            String read = "bench::channel-read";
            reader.registerFunction(read, "channel-read");
            JsonObject channel = writer.requestOk(NodeWorker.command("channelCreate", "handle", "bench"));
            try (var heap = new HeapSampler(client, health)) {
                long started = System.nanoTime();
                var received = writer.callAsync(read, JsonKit.obj("reader", channel.get("reader_ref")));
                writer.request(NodeWorker.command("channelWrite", "handle", "bench", "bytes", GIB),
                        Duration.ofMinutes(10));
                received.get(10, TimeUnit.MINUTES);
                heap.print("channel worker→worker", System.nanoTime() - started);
            }
        }
        String path = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "/download";
        writer.registerFunction("bench::download", "http-stream");
        writer.registerTrigger("http", "bench::download", JsonKit.obj("api_path", path, "http_method", "GET"));
        URI zero = http.resolve(path + "?bytes=0");
        Await.untilTrue("download route served", Duration.ofSeconds(30), () -> status(client, zero) == 200);
        try (var heap = new HeapSampler(client, health)) {
            long started = System.nanoTime();
            var response = client.send(HttpRequest.newBuilder(http.resolve(path + "?bytes=" + GIB)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long bytes = 0;
            byte[] buffer = new byte[1 << 16];
            try (var in = response.body()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    bytes += n;
                }
            }
            if (bytes != GIB) {
                throw new IllegalStateException("downloaded " + bytes + " bytes, not " + GIB);
            }
            heap.print("HTTP streaming response", System.nanoTime() - started);
        }
    }

    /** Samples the engine's heap after GC every 100 ms while a stream passes. */
    private static final class HeapSampler implements AutoCloseable {

        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final List<Long> afterGc = Collections.synchronizedList(new ArrayList<>());
        private final List<Long> used = Collections.synchronizedList(new ArrayList<>());

        HeapSampler(HttpClient client, URI health) {
            timer.scheduleWithFixedDelay(() -> {
                try {
                    var body = client.send(HttpRequest.newBuilder(health).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    JsonKit.objects(JsonKit.parseObject(body), "checks").stream()
                            .filter(c -> "iii-channels".equals(c.getString("name"))).findFirst()
                            .ifPresent(c -> {
                                afterGc.add(number(c.getJsonObject("data"), "heap_after_gc_bytes"));
                                used.add(number(c.getJsonObject("data"), "heap_used_bytes"));
                            });
                } catch (Exception e) {
                    // a missed sample
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
        }

        void print(String cell, long nanos) {
            double seconds = nanos / 1e9;
            System.out.printf("%-24s %8.2f %8.1f %22s %22s%n", cell, seconds, GIB / 1e6 / seconds, range(afterGc),
                    range(used));
        }

        /** "min – max" of the samples in MiB. */
        private static String range(List<Long> samples) {
            synchronized (samples) {
                var stats = samples.stream().mapToLong(Long::longValue).summaryStatistics();
                return stats.getCount() == 0 ? "no samples" : String.format("%.0f – %.0f (%d)",
                        stats.getMin() / 1048576.0, stats.getMax() / 1048576.0, stats.getCount());
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** A number of health data, which the server may write as a JSON number or as a string. */
    private static long number(JsonObject data, String key) {
        return Long.parseLong(data.get(key).toString().replace("\"", ""));
    }

    private static double p50(Result r) {
        return r.nanos().length == 0 ? Double.NaN : r.nanos()[(int) (r.nanos().length * 0.50)] / 1e6;
    }

    private static int status(HttpClient client, URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    interface Probe {
        boolean once() throws Exception;
    }

    record Result(long[] nanos, long errors, long elapsedNanos) {
    }

    private static Result run(String name, int concurrency, int seconds, Probe probe) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<long[]> perThread = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        long started = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            perThread.add(null);
            int index = t;
            pool.execute(() -> {
                long[] samples = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    boolean ok;
                    try {
                        ok = probe.once();
                    } catch (Exception e) {
                        ok = false;
                    }
                    if (!ok) {
                        errors.incrementAndGet();
                        continue;
                    }
                    if (n == samples.length) {
                        samples = Arrays.copyOf(samples, n * 2);
                    }
                    samples[n++] = System.nanoTime() - t0;
                }
                synchronized (perThread) {
                    perThread.set(index, Arrays.copyOf(samples, n));
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
        long elapsed = System.nanoTime() - started;
        long[] all = perThread.stream().filter(a -> a != null).flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return new Result(all, errors.get(), elapsed);
    }

    private static void print(String name, int concurrency, Result r) {
        long[] s = r.nanos();
        double p50 = p50(r);
        double p99 = s.length == 0 ? Double.NaN : s[Math.min(s.length - 1, (int) (s.length * 0.99))] / 1e6;
        double rps = s.length / (r.elapsedNanos() / 1e9);
        System.out.printf("%-10s %6d %10.2f %10.2f %10.0f %8d%n", name, concurrency, p50, p99, rps, r.errors());
    }

    /** A bare protocol caller: one socket, many calls in flight, answers matched by invocation id. */
    static final class WsCaller implements WebSocket.Listener, AutoCloseable {

        private final Map<String, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static WsCaller connect(URI ws) {
            WsCaller caller = new WsCaller();
            caller.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, caller).join();
            return caller;
        }

        boolean call(String functionId) throws Exception {
            String id = UUID.randomUUID().toString();
            CompletableFuture<JsonObject> answer = new CompletableFuture<>();
            pending.put(id, answer);
            String frame = JsonKit.obj("type", "invokefunction", "invocation_id", id, "function_id", functionId,
                    "data", JsonKit.obj("n", 1)).toString();
            synchronized (this) {
                socket.sendText(frame, true).join();
            }
            JsonObject result = answer.get(30, TimeUnit.SECONDS);
            return !result.containsKey("error");
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject frame = JsonKit.parseObject(partial.toString());
                partial.setLength(0);
                if ("invocationresult".equals(JsonKit.str(frame, "type"))) {
                    CompletableFuture<JsonObject> f = pending.remove(JsonKit.str(frame, "invocation_id"));
                    if (f != null) {
                        f.complete(frame);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
