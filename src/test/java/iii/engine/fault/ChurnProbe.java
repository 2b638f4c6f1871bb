package iii.engine.fault;

import iii.engine.bench.MiniJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * For T seconds workers connect, register a function, live 0.3–1.5 s and are killed (socket closed without a close
 * frame), while callers call the functions of live and dead workers. A dying worker answers only half of its calls,
 * so calls are pending when it dies. Every call must end (a result or an error), none more than 2 s after its
 * callee died; afterwards no churn function may be listed, the workers must be gone and the heap back near its
 * baseline.
 */
final class ChurnProbe implements Fault.Probe {

    private static final String PREFIX = "fault::churn-";
    private static final int LIVE = 8;
    private static final int CALLERS = 8;
    private static final long LATE_MS = 2_000;

    @Override
    public long deadlineSeconds(Fault.Options options) {
        return 120 + options.churnSeconds;
    }

    /** One churn worker; {@code diedAt} is 0 while it lives. */
    private static final class Doomed {
        final Peer peer;
        final long dueAt;
        volatile long diedAt;

        Doomed(Peer peer, long dueAt) {
            this.peer = peer;
            this.dueAt = dueAt;
        }
    }

    @Override
    public void run(Fault suite, Fault.Closer closer) throws Exception {
        var options = suite.options;
        int baselineWorkers = suite.observer.workerCount();
        var heapBefore = suite.heapAfterGc();
        var workers = new ConcurrentHashMap<String, Doomed>();
        var ids = new CopyOnWriteArrayList<String>();
        var calls = new AtomicLong();
        var results = new AtomicLong();
        var errors = new AtomicLong();
        var hung = new AtomicLong();
        var late = new AtomicLong();
        var slowestAfterDeath = new AtomicLong();
        var running = new AtomicBoolean(true);
        var callers = new ArrayList<Thread>();
        var callerPeers = new ArrayList<Peer>();
        for (int c = 0; c < CALLERS; c++) {
            var caller = closer.add(Peer.connect(suite.engine.port, "fault-churn-caller-" + c));
            callerPeers.add(caller);
            var thread = new Thread(() -> callLoop(caller, workers, ids, running, calls, results, errors, hung,
                    late, slowestAfterDeath), "fault-churn-caller");
            thread.setDaemon(true);
            callers.add(thread);
        }
        callers.forEach(Thread::start);
        var random = new Random(7);
        int spawned = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.churnSeconds);
        var live = new ArrayList<Doomed>();
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            for (var it = live.iterator(); it.hasNext(); ) {
                var doomed = it.next();
                if (now >= doomed.dueAt) {
                    doomed.diedAt = System.nanoTime();
                    doomed.peer.kill();
                    it.remove();
                }
            }
            while (live.size() < LIVE) {
                var id = PREFIX + spawned++;
                var peer = closer.add(Peer.connect(suite.engine.port, id,
                        invocation -> ThreadLocalRandom.current().nextBoolean()));
                peer.register(id);
                var doomed = new Doomed(peer, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300
                        + random.nextInt(1200)));
                workers.put(id, doomed);
                ids.add(id);
                live.add(doomed);
            }
            Thread.sleep(20);
        }
        for (var doomed : live) {
            doomed.diedAt = System.nanoTime();
            doomed.peer.kill();
        }
        running.set(false);
        for (var thread : callers) {
            thread.join(15_000);
        }
        long stale = -1;
        long staleBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < staleBy) {
            stale = MiniJson.count(suite.observer.listFunctions(), "\"" + PREFIX);
            if (stale == 0) {
                break;
            }
            Thread.sleep(100);
        }
        boolean gone = suite.awaitWorkers(baselineWorkers + CALLERS, 10_000);
        System.out.printf(Locale.ROOT, "    %d workers killed in %d s; %d calls: %d results, %d errors%n", spawned,
                options.churnSeconds, calls.get(), results.get(), errors.get());
        suite.row("calls to live and dying workers ended", String.format(Locale.ROOT, "%d calls, %d hung, %d ended"
                        + " > %d ms after the callee died (slowest %d ms after)", calls.get(), hung.get(), late.get(),
                LATE_MS, slowestAfterDeath.get()), "0 hung, 0 late", hung.get() == 0 && late.get() == 0
                && calls.get() > 0);
        suite.row("churn functions still listed after", Long.toString(stale), "0 within 5 s", stale == 0);
        suite.row("killed workers gone from engine::workers::list", gone ? "yes" : "still listed after 10 s",
                "10 s", gone);
        for (var caller : callerPeers) {
            caller.close();
        }
        suite.awaitWorkers(baselineWorkers, 10_000);
        suite.heapRow(heapBefore, options.heapSlackMib);
    }

    private static void callLoop(Peer caller, Map<String, Doomed> workers, List<String> ids,
                                 AtomicBoolean running, AtomicLong calls,
                                 AtomicLong results, AtomicLong errors, AtomicLong hung, AtomicLong late,
                                 AtomicLong slowestAfterDeath) {
        var random = ThreadLocalRandom.current();
        while (running.get()) {
            if (ids.isEmpty()) {
                Thread.onSpinWait();
                continue;
            }
            // mostly the newest workers (alive), sometimes any (likely dead)
            int n = ids.size();
            var id = ids.get(random.nextInt(4) == 0 ? random.nextInt(n) : Math.max(0, n - 1 - random.nextInt(LIVE)));
            var doomed = workers.get(id);
            long sent = System.nanoTime();
            try {
                var reply = caller.callAndWait(id, "{\"x\":1}", 10_000);
                if (MiniJson.member(reply, 0, "result") >= 0) {
                    results.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
            } catch (TimeoutException e) {
                hung.incrementAndGet();
            } catch (Exception e) {
                errors.incrementAndGet();
            }
            calls.incrementAndGet();
            long done = System.nanoTime();
            long died = doomed.diedAt;
            if (died != 0 && died < done) {
                long after = (done - Math.max(sent, died)) / 1_000_000;
                slowestAfterDeath.accumulateAndGet(after, Math::max);
                if (after > LATE_MS) {
                    late.incrementAndGet();
                }
            }
        }
    }
}
