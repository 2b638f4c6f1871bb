package iii.engine.fault;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * K frames of 20–60 MiB, each an {@code invokefunction} on a fresh connection, in parallel batches: the engine must
 * answer each with an {@code invocationresult} error {@code payload_too_large} (over {@code iii.max-frame-bytes}),
 * then the connections close. One frame over the container's own 64 MiB buffer is answered the same way: the engine
 * reads frames before the container does.
 * Measured: the time to each answer, the well-behaved calls' slowest latency meanwhile, live heap after GC and RSS
 * once the connections are gone, against before.
 */
final class BigFramesProbe implements Fault.Probe {

    private static final long OVER_CAP = (64L << 20) + (1 << 20);

    @Override
    public long deadlineSeconds(Fault.Options options) {
        return 180 + 10L * options.bigFrames;
    }

    private record Answer(int mib, double sentMillis, double millis, boolean refused, String reply) {
    }

    @Override
    public void run(Fault suite, Fault.Closer closer) throws Exception {
        var options = suite.options;
        int baselineWorkers = suite.observer.workerCount();
        var heapBefore = suite.heapAfterGc();
        long rssBefore = suite.rss();
        suite.traffic.peak();
        var pool = Executors.newFixedThreadPool(options.bigParallel, r -> {
            var t = new Thread(r, "fault-big");
            t.setDaemon(true);
            return t;
        });
        closer.add(pool::shutdownNow);
        var answers = Collections.synchronizedList(new ArrayList<Answer>());
        for (int first = 0; first < options.bigFrames; first += options.bigParallel) {
            var batch = new ArrayList<Future<Answer>>();
            for (int i = first; i < Math.min(options.bigFrames, first + options.bigParallel); i++) {
                int mib = options.bigFrames == 1 ? options.bigMinMib : options.bigMinMib
                        + (options.bigMaxMib - options.bigMinMib) * i / (options.bigFrames - 1);
                batch.add(pool.submit((Callable<Answer>) () -> send(suite, closer, mib)));
            }
            for (var task : batch) {
                answers.add(task.get());
            }
        }
        double peak = suite.traffic.peak();
        String overCap;
        try (var ws = closer.add(RawWs.connect(suite.engine.port, 0))) {
            ws.awaitText(text -> text.contains("workerregistered"), 10_000);
            try {
                try {
                    ws.send(RawWs.TEXT, invoke(UUID.randomUUID(), OVER_CAP), 0);
                } catch (IOException e) {
                    throw new IOException("cut off while sending, " + ws.closeReason(2_000));
                }
                var reply = ws.awaitText(text -> true, 60_000);
                overCap = reply == null ? "nothing within 60 s"
                        : reply.contains("payload_too_large") ? "answered payload_too_large"
                        : "answered " + Fault.head(reply);
            } catch (EOFException e) {
                overCap = e.getMessage();
            } catch (IOException e) {
                overCap = "connection ended: " + e.getMessage();
            }
        }
        long refused = answers.stream().filter(Answer::refused).count();
        double slowest = answers.stream().mapToDouble(Answer::millis).max().orElse(Double.NaN);
        var times = answers.stream().map(a -> String.format(Locale.ROOT, "%d MiB sent in %.0f ms, answered at %.0f ms",
                a.mib(), a.sentMillis(), a.millis())).toList();
        System.out.println("    answers: " + String.join(", ", times));
        answers.stream().filter(a -> !a.refused()).findFirst()
                .ifPresent(a -> System.out.println("    first not refused: " + a.mib() + " MiB: " + a.reply()));
        suite.row("frames of " + options.bigMinMib + "-" + options.bigMaxMib + " MiB refused with"
                + " payload_too_large", refused + " of " + options.bigFrames, Integer.toString(options.bigFrames),
                refused == options.bigFrames);
        // the answer comes once the whole frame is in: a hang is what fails, the time is for reading
        suite.row("slowest answer to a big frame (from its first byte)", Fault.ms(slowest), "60000 ms",
                slowest <= 60_000);
        suite.row("frame of " + (OVER_CAP >> 20) + " MiB (over Tyrus' 64 MiB buffer)", overCap,
                "payload_too_large", overCap.contains("payload_too_large"));
        suite.row("well-behaved calls' slowest during the big frames", Fault.ms(peak), "1000 ms", peak <= 1000);
        boolean gone = suite.awaitWorkers(baselineWorkers, 30_000);
        if (!gone) {
            suite.row("big-frame connections gone from engine::workers::list", "still listed after 30 s", "30 s",
                    false);
        }
        suite.heapRow(heapBefore, options.bigHeapSlackMib);
        long rssAfter = suite.rss();
        System.out.println("    RSS " + Fault.mib(rssBefore) + " -> " + Fault.mib(rssAfter));
    }

    private static Answer send(Fault suite, Fault.Closer closer, int mib) throws IOException {
        try (var ws = closer.add(RawWs.connect(suite.engine.port, 0))) {
            ws.awaitText(text -> text.contains("workerregistered"), 10_000);
            var id = UUID.randomUUID();
            long t0 = System.nanoTime();
            try {
                ws.send(RawWs.TEXT, invoke(id, (long) mib << 20), 0);
            } catch (IOException e) {
                return new Answer(mib, Double.NaN, Double.POSITIVE_INFINITY, false, "cut off while sending ("
                        + e.getMessage()
                        + "), " + ws.closeReason(2_000));
            }
            double sentMillis = (System.nanoTime() - t0) / 1e6;
            var reply = ws.awaitText(text -> text.contains(id.toString()), 120_000);
            double millis = (System.nanoTime() - t0) / 1e6;
            return new Answer(mib, sentMillis, reply == null ? Double.POSITIVE_INFINITY : millis,
                    reply != null && reply.contains("payload_too_large"),
                    reply == null ? "no answer within 120 s" : Fault.head(reply));
        } catch (IOException e) {
            return new Answer(mib, Double.NaN, Double.POSITIVE_INFINITY, false, String.valueOf(e.getMessage()));
        }
    }

    /** An {@code invokefunction} of {@code size} bytes in all, made as it is sent. */
    static RawWs.Payload invoke(UUID id, long size) {
        var head = ("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":"
                + "\"fault::peer-a\",\"data\":{\"blob\":\"").getBytes(StandardCharsets.US_ASCII);
        var tail = "\"}}".getBytes(StandardCharsets.US_ASCII);
        return filler(head, tail, size);
    }

    /** {@code head}, then 'x' up to {@code size - tail.length} bytes, then {@code tail}. */
    static RawWs.Payload filler(byte[] head, byte[] tail, long size) {
        return new RawWs.Payload() {
            @Override
            public long length() {
                return size;
            }

            @Override
            public void fill(long offset, byte[] buffer, int n) {
                Arrays.fill(buffer, 0, n, (byte) 'x');
                copy(head, 0, offset, buffer, n);
                copy(tail, size - tail.length, offset, buffer, n);
            }

            /** Copies the part of {@code part} (at {@code at} in the payload) that falls in {@code buffer}. */
            private void copy(byte[] part, long at, long offset, byte[] buffer, int n) {
                long from = Math.max(at, offset);
                long to = Math.min(at + part.length, offset + n);
                if (from < to) {
                    System.arraycopy(part, (int) (from - at), buffer, (int) (from - offset), (int) (to - from));
                }
            }
        };
    }
}
