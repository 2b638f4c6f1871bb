package iii.engine.telemetry;

import iii.engine.config.EngineExecutors;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A bounded queue that one task at a time drains on the engine's executor. {@link #offer} never blocks: what does not
 * fit is dropped and counted, with a warning at the first drop and at every thousandth. The drain takes items with
 * {@link #peek}/{@link #poll} and calls {@link #drained} when it stops; a drain that stops without calling it (to
 * retry later) keeps the queue to itself.
 */
final class Backlog<T> {

    private final ArrayBlockingQueue<T> queue;
    private final EngineExecutors executors;
    private final Runnable drain;
    private final Logger log;
    private final String behind;
    private final String items;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param behind what the warning says is behind ("Telemetry decoding")
     * @param items  what the warning counts ("frame(s)")
     */
    Backlog(int capacity, EngineExecutors executors, Runnable drain, Logger log, String behind, String items) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.executors = executors;
        this.drain = drain;
        this.log = log;
        this.behind = behind;
        this.items = items;
    }

    /** Queues an item and starts a drain unless one runs; false (and counted) when the queue is full. */
    boolean offer(T item) {
        if (!queue.offer(item)) {
            var count = dropped.incrementAndGet();
            if (count == 1 || count % 1000 == 0) {
                log.warning(() -> behind + " is behind: " + count + " " + items + " dropped so far");
            }
            return false;
        }
        if (draining.compareAndSet(false, true)) {
            executors.executor().execute(drain);
        }
        return true;
    }

    T peek() {
        return queue.peek();
    }

    T poll() {
        return queue.poll();
    }

    int size() {
        return queue.size();
    }

    /** Items dropped because the queue was full. */
    long dropped() {
        return dropped.get();
    }

    /** The drain stopped; another starts if items came in meanwhile. */
    void drained() {
        draining.set(false);
        if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
            executors.executor().execute(drain);
        }
    }
}
