package iii.engine.registry;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The always-on counters of one registered function, the ones NATS' service API keeps per endpoint: calls, errors,
 * calls in flight, and the processing time (from routing to answer) as a total and a histogram for percentiles.
 * Recording takes no lock and allocates nothing: adders and one atomic array of log-linear buckets (eight per power
 * of two of microseconds, so a percentile is read to within 1/16 of its value), made at the first call so that a
 * function never called costs no histogram.
 */
public final class FunctionStats {

    /** Eight buckets per power of two. */
    private static final int SUB_BITS = 3;
    private static final int SUBS = 1 << SUB_BITS;
    /** Microseconds up to 2^31 (about 36 minutes) have their own bucket; longer ones share the last. */
    private static final int MAX_EXPONENT = 31;
    static final int BUCKETS = (MAX_EXPONENT - SUB_BITS + 2) * SUBS;

    private final LongAdder inFlight = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    private final AtomicReference<AtomicLongArray> buckets = new AtomicReference<>();

    /** What the counters held when read; times in milliseconds, zero before the first call. */
    public record Snapshot(long calls, long errors, long inFlight, double averageMs, double p50Ms, double p99Ms) {
    }

    /** A call was routed to the function. */
    public void started() {
        inFlight.increment();
    }

    /** A call {@link #started()} {@code nanos} ago ended, with an error or not. */
    public void ended(long nanos, boolean error) {
        inFlight.decrement();
        if (error) {
            errors.increment();
        }
        var elapsed = Math.max(0, nanos);
        totalNanos.add(elapsed);
        histogram().incrementAndGet(bucket(elapsed / 1000));
    }

    public Snapshot snapshot() {
        var histogram = buckets.get();
        var counts = new long[BUCKETS];
        long calls = 0;
        if (histogram != null) {
            for (var i = 0; i < BUCKETS; i++) {
                counts[i] = histogram.get(i);
                calls += counts[i];
            }
        }
        var average = calls == 0 ? 0 : totalNanos.sum() / 1e6 / calls;
        return new Snapshot(calls, errors.sum(), Math.max(0, inFlight.sum()), average,
                percentile(counts, calls, 0.50), percentile(counts, calls, 0.99));
    }

    private AtomicLongArray histogram() {
        var histogram = buckets.get();
        if (histogram == null) {
            buckets.compareAndSet(null, new AtomicLongArray(BUCKETS));
            histogram = buckets.get();
        }
        return histogram;
    }

    /** The bucket of a time in microseconds: exact below 8, then eight per power of two. */
    static int bucket(long micros) {
        if (micros < SUBS) {
            return (int) micros;
        }
        var exponent = 63 - Long.numberOfLeadingZeros(micros);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        var sub = (int) (micros >>> (exponent - SUB_BITS)) & (SUBS - 1);
        return (exponent - SUB_BITS + 1) * SUBS + sub;
    }

    /** The middle of a bucket, in microseconds. */
    static double middle(int bucket) {
        if (bucket < SUBS) {
            return bucket;
        }
        var shift = bucket / SUBS - 1;
        var lower = (long) (SUBS + bucket % SUBS) << shift;
        return lower + ((1L << shift) - 1) / 2.0;
    }

    private static double percentile(long[] counts, long calls, double quantile) {
        if (calls == 0) {
            return 0;
        }
        var rank = (long) Math.ceil(quantile * calls);
        long seen = 0;
        for (var i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return middle(i) / 1000;
            }
        }
        return middle(counts.length - 1) / 1000;
    }
}
