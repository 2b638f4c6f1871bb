package iii.engine.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One cell's closed loop of calls, whichever client makes them: what {@code Bench} reads of it (completed calls,
 * sorted latencies, errors) and the stop that waits for the calls still outstanding. A subclass records each
 * verified reply with {@link #sample} (from one thread at a time) and counts its calls in {@link #outstanding}.
 */
abstract class Driver {

    protected final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong errors = new AtomicLong();
    private final List<String> errorSamples = new ArrayList<>();
    private volatile boolean recording;
    protected volatile boolean stopping;
    private long[] samples = new long[1 << 16];
    private int sampleCount;
    private long completed;

    /** Starts (true) or stops (false) counting completed calls and recording latencies. */
    void record(boolean on) {
        recording = on;
    }

    /** A verified reply after {@code nanos}; counted while recording. */
    protected void sample(long nanos) {
        if (recording) {
            if (sampleCount == samples.length) {
                samples = Arrays.copyOf(samples, samples.length * 2);
            }
            samples[sampleCount++] = nanos;
            completed++;
        }
    }

    /** Sends no further calls; waits up to {@code millis} for the outstanding ones; returns how many never came. */
    int stop(long millis) throws InterruptedException {
        stopping = true;
        long deadline = System.currentTimeMillis() + millis;
        while (outstanding.get() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
        }
        int missing = Math.max(0, outstanding.get());
        if (missing > 0) {
            error(missing + " call(s) never answered");
            errors.addAndGet(missing - 1);
        }
        return missing;
    }

    long completed() {
        return completed;
    }

    long errors() {
        return errors.get();
    }

    synchronized List<String> errorSamples() {
        return List.copyOf(errorSamples);
    }

    /** Latencies in nanoseconds, sorted. Read after {@link #stop}. */
    long[] sortedSamples() {
        var sorted = Arrays.copyOf(samples, sampleCount);
        Arrays.sort(sorted);
        return sorted;
    }

    protected synchronized void error(String what) {
        errors.incrementAndGet();
        if (errorSamples.size() < 5) {
            errorSamples.add(what);
        }
    }
}
