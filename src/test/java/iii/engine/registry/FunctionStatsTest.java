package iii.engine.registry;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FunctionStatsTest {

    private static long micros(long value) {
        return TimeUnit.MICROSECONDS.toNanos(value);
    }

    @Test
    void a_function_never_called_reads_all_zero() {
        assertEquals(new FunctionStats.Snapshot(0, 0, 0, 0, 0, 0), new FunctionStats().snapshot());
    }

    @Test
    void calls_errors_and_in_flight_are_counted() {
        var stats = new FunctionStats();
        stats.started();
        stats.started();
        stats.started();
        stats.ended(micros(100), false);
        stats.ended(micros(300), true);
        var snapshot = stats.snapshot();
        assertEquals(2, snapshot.calls());
        assertEquals(1, snapshot.errors());
        assertEquals(1, snapshot.inFlight());
        assertEquals(0.2, snapshot.averageMs(), 1e-9);
    }

    @Test
    void percentiles_are_read_to_within_a_sixteenth() {
        var stats = new FunctionStats();
        for (var i = 1; i <= 1000; i++) {
            stats.started();
            stats.ended(micros(i * 10L), false);
        }
        var snapshot = stats.snapshot();
        assertEquals(5.0, snapshot.p50Ms(), 5.0 / 16);
        assertEquals(9.9, snapshot.p99Ms(), 9.9 / 16);
    }

    @Test
    void every_bucket_holds_the_times_around_its_middle() {
        for (long value : new long[] {0, 1, 7, 8, 9, 15, 16, 100, 1_000, 123_456, 1L << 30, (1L << 31) + 5}) {
            var middle = FunctionStats.middle(FunctionStats.bucket(value));
            assertTrue(Math.abs(middle - value) <= Math.max(0.5, value / 16.0), value + " read as " + middle);
        }
    }

    @Test
    void times_beyond_the_range_share_the_last_bucket() {
        assertEquals(FunctionStats.BUCKETS - 1, FunctionStats.bucket(Long.MAX_VALUE));
        assertEquals(FunctionStats.BUCKETS - 1, FunctionStats.bucket((1L << 32) - 1));
    }
}
