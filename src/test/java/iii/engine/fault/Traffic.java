package iii.engine.fault;

import iii.engine.bench.MiniJson;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two well-behaved workers that keep calling each other's function, one call in flight each, all through the
 * suite. Each probe reads (and resets) how many calls they made, how many failed and the slowest one: a probe must
 * not disturb them.
 */
final class Traffic implements AutoCloseable {

    static final String A = "fault::peer-a";
    static final String B = "fault::peer-b";

    /** What the calls did since the previous {@link #window()}. */
    record Window(long calls, long errors, double maxMs, String lastError) {
        String describe() {
            return errors + " errors of " + calls + " calls, slowest " + Fault.ms(maxMs)
                    + (lastError == null ? "" : " (" + Fault.head(lastError) + ")");
        }
    }

    final Peer a;
    final Peer b;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong maxNanos = new AtomicLong();
    private final AtomicLong peakNanos = new AtomicLong();
    private volatile String lastError;
    private volatile boolean running = true;

    Traffic(int port) throws Exception {
        a = Peer.connect(port, "fault-peer-a");
        b = Peer.connect(port, "fault-peer-b");
        a.register(A);
        b.register(B);
        a.send("{\"type\":\"invokefunction\",\"function_id\":\"engine::workers::register\",\"data\":{\"name\":"
                + "\"fault-peer-a\",\"runtime\":\"java\",\"version\":\"fault\"},\"action\":{\"type\":\"void\"}}");
        b.send("{\"type\":\"invokefunction\",\"function_id\":\"engine::workers::register\",\"data\":{\"name\":"
                + "\"fault-peer-b\",\"runtime\":\"java\",\"version\":\"fault\"},\"action\":{\"type\":\"void\"}}");
        // a's registration is handled before its call: one round trip each shows both are in place
        a.callAndWait(B, "{}", 10_000);
        b.callAndWait(A, "{}", 10_000);
        threads.add(start(a, B, "fault-traffic-a"));
        threads.add(start(b, A, "fault-traffic-b"));
    }

    private Thread start(Peer caller, String callee, String name) {
        var thread = new Thread(() -> {
            long n = 0;
            while (running) {
                var data = "{\"n\":" + n++ + ",\"pad\":\"" + "x".repeat(100) + "\"}";
                long t0 = System.nanoTime();
                try {
                    var reply = caller.callAndWait(callee, data, 5_000);
                    if (MiniJson.member(reply, 0, "result") < 0
                            || !reply.contains("\"n\":" + (n - 1) + ",")) {
                        errors.incrementAndGet();
                        lastError = reply;
                    }
                } catch (Exception e) {
                    if (!running) {
                        return;
                    }
                    errors.incrementAndGet();
                    lastError = callee + ": " + e;
                }
                calls.incrementAndGet();
                long took = System.nanoTime() - t0;
                maxNanos.accumulateAndGet(took, Math::max);
                peakNanos.accumulateAndGet(took, Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The figures since the previous call, and a fresh start. */
    Window window() {
        var last = lastError;
        lastError = null;
        return new Window(calls.getAndSet(0), errors.getAndSet(0), maxNanos.getAndSet(0) / 1e6, last);
    }

    /** The slowest call since the previous {@code peak()} (a probe's own window, apart from its GCs), in ms. */
    double peak() {
        return peakNanos.getAndSet(0) / 1e6;
    }

    /** Whether the engine lists both functions. */
    boolean listed(Peer observer) throws Exception {
        var list = observer.listFunctions();
        return list.contains("\"" + A + "\"") && list.contains("\"" + B + "\"");
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
        a.close();
        b.close();
    }
}
