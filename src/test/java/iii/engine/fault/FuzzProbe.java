package iii.engine.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * N malformed frames over M connections at once, beside the well-behaved workers: random text, truncated JSON, wrong
 * types, huge ids, invalid UTF-8 (binary, and now and then as text, which the container answers by closing),
 * binary garbage (some behind telemetry prefixes), deep nesting, reserved opcodes, and well-formed frames with bad
 * fields (a reattach to a well-behaved worker without its token, a trigger the {@code http} type refuses, an
 * attempt to replace a built-in trigger type, …). Each connection ends with a {@code ping} and waits for its
 * {@code pong}, so every frame before it was handled. Measured: frames sent, connections that got their pong, log
 * bytes per bad frame, live heap after GC once the connections are gone.
 */
final class FuzzProbe implements Fault.Probe {

    static final String[] KINDS = {"garbage-text", "truncated-json", "wrong-types", "huge-ids",
            "bad-utf8-binary", "binary-garbage", "bad-fields", "deep-nesting", "bad-utf8-text", "reserved-opcode"};
    private static final int[] WEIGHTS = {10, 15, 15, 3, 10, 10, 30, 3, 1, 1};

    @Override
    public long deadlineSeconds(Fault.Options options) {
        return 120 + options.fuzzFrames / 250;
    }

    @Override
    public void run(Fault suite, Fault.Closer closer) throws Exception {
        var options = suite.options;
        int baselineWorkers = suite.observer.workerCount();
        var heapBefore = suite.heapAfterGc();
        long logBefore = suite.logSize();
        var sent = new AtomicLong();
        var reconnects = new AtomicLong();
        var answered = new AtomicLong();
        var received = new AtomicLong();
        var byKind = new ConcurrentHashMap<String, AtomicLong>();
        var closeCodes = new ConcurrentHashMap<Integer, AtomicLong>();
        var peers = List.of(suite.traffic.a.workerId, suite.traffic.b.workerId);
        int m = options.fuzzConnections;
        var pool = Executors.newFixedThreadPool(m, r -> {
            var t = new Thread(r, "fault-fuzz");
            t.setDaemon(true);
            return t;
        });
        closer.add(pool::shutdownNow);
        suite.traffic.peak();
        long t0 = System.nanoTime();
        var tasks = new ArrayList<Future<?>>();
        for (int c = 0; c < m; c++) {
            int frames = options.fuzzFrames / m + (c < options.fuzzFrames % m ? 1 : 0);
            var random = new Random(c);
            tasks.add(pool.submit(() -> {
                var connection = new FuzzConnection(suite.engine.port, closer, received, closeCodes);
                for (int i = 0; i < frames; i++) {
                    var kind = pick(random, options.fuzzKinds);
                    if (connection.ended()) {
                        connection = new FuzzConnection(suite.engine.port, closer, received, closeCodes);
                        reconnects.incrementAndGet();
                    }
                    try {
                        send(connection.ws, kind, random, peers);
                    } catch (IOException e) {
                        connection.awaitEnd(5_000);
                        connection = new FuzzConnection(suite.engine.port, closer, received, closeCodes);
                        reconnects.incrementAndGet();
                        send(connection.ws, kind, random, peers);
                    }
                    sent.incrementAndGet();
                    byKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                    if (kind.equals("bad-utf8-text") || kind.equals("reserved-opcode")) {
                        connection.awaitEnd(5_000); // the container closes the connection
                    }
                }
                if (connection.ended()) {
                    connection = new FuzzConnection(suite.engine.port, closer, received, closeCodes);
                    reconnects.incrementAndGet();
                }
                boolean pong;
                try {
                    connection.ws.sendText("{\"type\":\"ping\"}");
                    pong = connection.awaitPong(60_000);
                } catch (IOException e) {
                    connection.awaitEnd(5_000);
                    pong = false;
                }
                if (!pong && connection.ended()) {
                    // the container closed it for the frame before (its close was late): ask on a fresh one
                    connection = new FuzzConnection(suite.engine.port, closer, received, closeCodes);
                    reconnects.incrementAndGet();
                    connection.ws.sendText("{\"type\":\"ping\"}");
                    pong = connection.awaitPong(60_000);
                }
                if (pong) {
                    answered.incrementAndGet();
                } else {
                    System.out.println("    no pong on a connection that is " + (connection.ended() ? "closed"
                            : "open"));
                }
                connection.ws.close();
                return null;
            }));
        }
        for (var task : tasks) {
            task.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double peak = suite.traffic.peak();
        boolean gone = suite.awaitWorkers(baselineWorkers, 30_000);
        long logBytes = suite.logSize() - logBefore;
        System.out.printf(Locale.ROOT, "    %d frames in %.1f s over %d connections (+%d reconnects after the"
                        + " container closed one); %d frames came back; by kind %s; closed by the server with %s;"
                        + " well-behaved calls' slowest meanwhile %s%n", sent.get(), seconds, m, reconnects.get(),
                received.get(), counts(byKind), counts(closeCodes), Fault.ms(peak));
        suite.row("bad frames sent", sent.get() + " over " + m + " connections in " + String.format(Locale.ROOT,
                "%.1f s", seconds), Integer.toString(options.fuzzFrames), sent.get() == options.fuzzFrames);
        suite.row("connections answered their last ping", answered.get() + " of " + m, Integer.toString(m),
                answered.get() == m);
        suite.row("fuzz workers gone from engine::workers::list", gone ? "yes" : "still listed after 30 s", "30 s",
                gone);
        double perFrame = (double) logBytes / Math.max(1, sent.get());
        suite.row("engine log bytes per bad frame", String.format(Locale.ROOT, "%.1f B (%d B in all)", perFrame,
                logBytes), String.format(Locale.ROOT, "%.0f B", options.logBytesPerFrame),
                perFrame <= options.logBytesPerFrame);
        suite.heapRow(heapBefore, options.heapSlackMib);
    }

    static <K> Map<K, Long> counts(Map<K, AtomicLong> map) {
        var counts = new TreeMap<K, Long>();
        map.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }

    /** A kind of frame among {@code kinds}, by weight. */
    static String pick(Random random, List<String> kinds) {
        int total = 0;
        for (int i = 0; i < KINDS.length; i++) {
            total += kinds.contains(KINDS[i]) ? WEIGHTS[i] : 0;
        }
        int r = random.nextInt(total);
        for (int i = 0; i < KINDS.length; i++) {
            r -= kinds.contains(KINDS[i]) ? WEIGHTS[i] : 0;
            if (r < 0) {
                return KINDS[i];
            }
        }
        throw new IllegalStateException("no kind");
    }

    static void send(RawWs ws, String kind, Random random, List<String> peers) throws IOException {
        switch (kind) {
            case "garbage-text" -> {
                var text = new StringBuilder();
                int n = 1 + random.nextInt(300);
                for (int i = 0; i < n; i++) {
                    text.append((char) (32 + random.nextInt(95)));
                }
                ws.sendText(text.toString());
            }
            case "truncated-json" -> {
                var frame = valid(random);
                ws.sendText(frame.substring(0, 1 + random.nextInt(frame.length() - 1)));
            }
            case "wrong-types" -> ws.sendText(wrongTypes(random));
            case "huge-ids" -> ws.sendText(hugeIds(random));
            case "bad-utf8-binary" -> ws.send(RawWs.BINARY, badUtf8(random));
            case "binary-garbage" -> {
                var bytes = new byte[1 + random.nextInt(2000)];
                random.nextBytes(bytes);
                if (random.nextInt(3) == 0) {
                    var prefix = new String[] {"MTRC", "OTLP", "LOGS"}[random.nextInt(3)];
                    System.arraycopy(prefix.getBytes(StandardCharsets.US_ASCII), 0, bytes, 0,
                            Math.min(4, bytes.length));
                }
                ws.send(RawWs.BINARY, bytes);
            }
            case "bad-fields" -> ws.sendText(badFields(random, peers));
            case "deep-nesting" -> {
                int depth = 1000 + random.nextInt(20_000);
                ws.sendText("{\"type\":\"invokefunction\",\"invocation_id\":\"" + UUID.randomUUID()
                        + "\",\"function_id\":\"fault::peer-a\",\"data\":" + "[".repeat(depth) + "]".repeat(depth)
                        + "}");
            }
            case "bad-utf8-text" -> ws.send(RawWs.TEXT, badUtf8(random));
            case "reserved-opcode" -> ws.send(3, "{\"type\":\"ping\"}".getBytes(StandardCharsets.US_ASCII));
            default -> throw new IllegalArgumentException(kind);
        }
    }

    /** A valid frame, to be cut short. */
    private static String valid(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> "{\"type\":\"invokefunction\",\"invocation_id\":\"" + UUID.randomUUID()
                    + "\",\"function_id\":\"fault::peer-a\",\"data\":{\"a\":[1,2,{\"b\":\"c\"}]}}";
            case 1 -> "{\"type\":\"registerfunction\",\"id\":\"fault::fuzz\",\"description\":\"x\"}";
            case 2 -> "{\"type\":\"registertrigger\",\"id\":\"t\",\"trigger_type\":\"http\",\"function_id\":"
                    + "\"fault::fuzz\",\"config\":{\"api_path\":\"fuzz\",\"http_method\":\"GET\"}}";
            default -> "{\"type\":\"invocationresult\",\"invocation_id\":\"" + UUID.randomUUID()
                    + "\",\"function_id\":\"fault::peer-a\",\"result\":{\"ok\":true}}";
        };
    }

    private static String wrongTypes(Random random) {
        var id = UUID.randomUUID();
        return switch (random.nextInt(9)) {
            case 0 -> "{\"type\":123}";
            case 1 -> "{\"type\":null}";
            case 2 -> "[\"type\",\"invokefunction\"]";
            case 3 -> "\"just a string\"";
            case 4 -> Long.toString(random.nextLong());
            case 5 -> "{\"type\":\"invokefunction\",\"invocation_id\":12,\"function_id\":true,\"data\":[]}";
            case 6 -> "{\"type\":\"registerfunction\",\"id\":{\"a\":1}}";
            case 7 -> "{\"type\":\"registertrigger\",\"id\":[],\"trigger_type\":1,\"function_id\":null,"
                    + "\"config\":\"x\"}";
            default -> "{\"type\":\"invocationresult\",\"invocation_id\":\"" + id + "\",\"function_id\":7,"
                    + "\"error\":\"str\"}";
        };
    }

    private static String hugeIds(Random random) {
        var huge = String.valueOf((char) ('a' + random.nextInt(26))).repeat(65536);
        return switch (random.nextInt(4)) {
            case 0 -> "{\"type\":\"invokefunction\",\"invocation_id\":\"" + huge
                    + "\",\"function_id\":\"fault::peer-a\",\"data\":{}}";
            case 1 -> "{\"type\":\"invokefunction\",\"invocation_id\":\"" + UUID.randomUUID()
                    + "\",\"function_id\":\"fault::" + huge + "\",\"data\":{}}";
            case 2 -> "{\"type\":\"unregisterfunction\",\"id\":\"" + huge + "\"}";
            default -> "{\"type\":\"invocationresult\",\"invocation_id\":\"" + UUID.randomUUID()
                    + "\",\"function_id\":\"" + huge + "\",\"result\":null}";
        };
    }

    private static byte[] badUtf8(Random random) {
        var text = ("{\"type\":\"invokefunction\",\"function_id\":\"fault::peer-a\",\"data\":\"")
                .getBytes(StandardCharsets.US_ASCII);
        var bytes = new byte[text.length + 8];
        System.arraycopy(text, 0, bytes, 0, text.length);
        var bad = new byte[][] {{(byte) 0xC3, 0x28}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0xED, (byte) 0xA0,
                (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80}}[random.nextInt(4)];
        System.arraycopy(bad, 0, bytes, text.length, bad.length);
        bytes[bytes.length - 2] = '"';
        bytes[bytes.length - 1] = '}';
        return bytes;
    }

    private static String badFields(Random random, List<String> peers) {
        var id = UUID.randomUUID();
        return switch (random.nextInt(12)) {
            case 0 -> "{\"type\":\"invokefunction\",\"invocation_id\":\"not-a-uuid\",\"function_id\":"
                    + "\"fault::peer-a\",\"data\":{}}";
            case 1 -> "{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":"
                    + "\"engine::functions::list\",\"data\":\"not an object\"}";
            case 2 -> "{\"type\":\"registertrigger\",\"id\":\"fz-" + id + "\",\"trigger_type\":\"http\","
                    + "\"function_id\":\"fault::none\",\"config\":{\"api_path\":5}}";
            case 3 -> "{\"type\":\"registertriggertype\",\"id\":\"http\",\"description\":\"mine now\"}";
            case 4 -> "{\"type\":\"reattach\",\"previous_worker_id\":\"" + peers.get(random.nextInt(peers.size()))
                    + "\",\"reattach_token\":\"" + id + "\"}";
            case 5 -> "{\"type\":\"frobnicate\",\"id\":1}";
            case 6 -> "{\"type\":\"registerfunction\"}";
            case 7 -> "{\"type\":\"invocationresult\",\"invocation_id\":\"" + id + "\",\"function_id\":"
                    + "\"fault::peer-a\",\"result\":1}";
            case 8 -> "{\"type\":\"invocationresult\",\"invocation_id\":\"" + id + "\"}";
            case 9 -> "{\"type\":\"unregistertrigger\"}";
            case 10 -> "{\"type\":\"registerservice\",\"id\":42}";
            default -> "{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":"
                    + "\"engine::workers::register\",\"data\":{\"name\":[1],\"pid\":\"x\"}}";
        };
    }

    /**
     * One fuzz connection and the thread that reads what the engine answers: text frames go to {@code texts} (if
     * any), then are discarded.
     */
    static final class FuzzConnection {
        final RawWs ws;
        private final CountDownLatch ended = new CountDownLatch(1);
        private final CountDownLatch pong = new CountDownLatch(1);

        FuzzConnection(int port, Fault.Closer closer, AtomicLong received, Map<Integer, AtomicLong> closeCodes)
                throws IOException {
            this(closer.add(RawWs.connect(port, 0)), received, closeCodes, null);
        }

        FuzzConnection(RawWs ws, AtomicLong received, Map<Integer, AtomicLong> closeCodes,
                       Consumer<String> texts) {
            this.ws = ws;
            var reader = new Thread(() -> {
                try {
                    while (true) {
                        var frame = ws.read(120_000);
                        if (frame == null) {
                            continue;
                        }
                        if (frame.opcode() == RawWs.CLOSE) {
                            closeCodes.computeIfAbsent(frame.closeCode(), k -> new AtomicLong()).incrementAndGet();
                            return;
                        }
                        if (frame.opcode() == RawWs.PING) {
                            ws.send(RawWs.PONG, frame.payload());
                        } else if (frame.opcode() == RawWs.TEXT) {
                            received.incrementAndGet();
                            if (texts != null) {
                                texts.accept(frame.text());
                            }
                            if (frame.text().contains("\"type\":\"pong\"")) {
                                pong.countDown();
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the connection ended
                } finally {
                    ended.countDown();
                    ws.abort();
                }
            }, "fault-fuzz-reader");
            reader.setDaemon(true);
            reader.start();
        }

        boolean ended() {
            return ended.getCount() == 0;
        }

        void awaitEnd(long millis) throws InterruptedException {
            ended.await(millis, TimeUnit.MILLISECONDS);
        }

        boolean awaitPong(long millis) throws InterruptedException {
            return pong.await(millis, TimeUnit.MILLISECONDS);
        }
    }
}
