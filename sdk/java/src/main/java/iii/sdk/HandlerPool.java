package iii.sdk;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker's own executor for its handlers. As many threads as the machine has cores take handlers from one queue:
 * a thread that finishes one takes the next without being woken, where a thread per waiting handler (a cached pool)
 * costs a wake-up each (small calls at 64 in flight went ~12 % faster with the queue). A handler that blocks (JDBC,
 * a call's result) must not hold up the rest, so while handlers wait in the queue a watch on the timer thread looks
 * every {@value #TICK_MS} ms: when the first of them has waited that long, the pool gets a thread for each waiting
 * handler (up to {@code max} threads); once the queue is empty, handlers queue again. A thread idle for {@code idle}
 * ends (the pool starts one again for the next handler), so the threads a burst of blocking handlers started do not
 * stay.
 */
final class HandlerPool implements Executor {

    static final long TICK_MS = 10;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MS);

    private final int base;
    private final int max;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean watching = new AtomicBoolean();

    HandlerPool(int base, int max, Duration idle, ThreadFactory threads, ScheduledExecutorService timer) {
        this.base = base;
        this.max = max;
        this.timer = timer;
        pool = new ThreadPoolExecutor(base, max, idle.toNanos(), TimeUnit.NANOSECONDS, new LinkedBlockingQueue<>(),
                threads);
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Runnable handler) {
        pool.execute(new Queued(handler, System.nanoTime()));
        if (!pool.getQueue().isEmpty() && watching.compareAndSet(false, true)) {
            watchLater();
        }
    }

    private void watchLater() {
        try {
            timer.schedule(this::watch, TICK_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            watching.set(false); // the worker is closing
        }
    }

    private void watch() {
        BlockingQueue<Runnable> queue = pool.getQueue();
        if (queue.peek() instanceof Queued first && System.nanoTime() - first.since >= TICK_NANOS) {
            // a whole tick without a thread free for it: every thread is busy, blocked perhaps
            int threads = Math.max(pool.getCorePoolSize(), pool.getPoolSize());
            int more = Math.min(max, threads + queue.size());
            if (more > pool.getCorePoolSize()) {
                pool.setCorePoolSize(more);
            }
        }
        if (queue.isEmpty()) {
            // handlers queue again behind the threads there are (which end once idle), rather than each starting one
            pool.setCorePoolSize(base);
            watching.set(false);
            // a handler queued after the look above found the watch still on and did not start one
            if (queue.isEmpty() || !watching.compareAndSet(false, true)) {
                return;
            }
        }
        watchLater();
    }

    /** How many threads run now (for tests). */
    int threads() {
        return pool.getPoolSize();
    }

    void shutdown() {
        pool.shutdown();
    }

    /** A handler and when it was queued. */
    private record Queued(Runnable handler, long since) implements Runnable {
        @Override
        public void run() {
            handler.run();
        }
    }
}
