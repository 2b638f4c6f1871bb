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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A benchmark, not a test (no {@code *Test}/{@code *IT} name, so {@code mvn verify} never runs it): the round trip of
 * an HTTP route (client → engine → {@code iii-sdk} 0.22.1 worker → engine → client) beside the same worker function
 * called over the WebSocket protocol by a Java caller, at 1 and 64 concurrent clients. Prints p50, p99 and requests
 * per second. Needs a running engine:
 *
 * <pre>
 * bin/run                       # in another terminal; workers at ws://127.0.0.1:49134/, routes at :3111
 * mvn -B -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=iii.engine.e2e.HttpRouteBenchmark \
 *     [-Dexec.args="ws://127.0.0.1:49134/ http://127.0.0.1:3111/ SECONDS_PER_RUN"]
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
                    print("http", concurrency, run("http", concurrency, seconds,
                            () -> status(client, route) == 200));
                    run("warm-up", concurrency, 3, () -> caller.call(fn));
                    print("websocket", concurrency, run("websocket", concurrency, seconds, () -> caller.call(fn)));
                }
            }
        }
        System.exit(0);
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
        double p50 = s.length == 0 ? Double.NaN : s[(int) (s.length * 0.50)] / 1e6;
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
