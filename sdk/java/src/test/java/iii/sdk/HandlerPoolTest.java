package iii.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HandlerPoolTest {

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final HandlerPool pool = new HandlerPool(2, 64, Duration.ofMillis(200), Thread::new, timer);

    @AfterEach
    void stop() {
        pool.shutdown();
        timer.shutdownNow();
    }

    @Test
    void handlers_that_wait_for_each_other_all_run_though_there_are_more_of_them_than_threads() throws Exception {
        var started = new CountDownLatch(8);
        var released = new AtomicInteger();
        for (int i = 0; i < 8; i++) {
            pool.execute(() -> {
                started.countDown();
                try {
                    if (started.await(20, TimeUnit.SECONDS)) {
                        released.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertTrue(started.await(20, TimeUnit.SECONDS), "8 handlers that wait for each other never all started");
        awaitThreads(0);
        assertEquals(8, released.get());
    }

    @Test
    void handler_queued_behind_blocked_ones_runs_and_extra_threads_end_once_they_are_released() throws Exception {
        var release = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            pool.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        var ran = new CountDownLatch(1);
        pool.execute(ran::countDown);
        assertTrue(ran.await(20, TimeUnit.SECONDS), "a handler behind three blocked ones never ran");
        assertTrue(pool.threads() > 2, "threads: " + pool.threads());
        release.countDown();
        awaitThreads(0);
    }

    @Test
    void handlers_that_each_block_briefly_get_more_threads_when_two_cannot_keep_up_with_them() throws Exception {
        // 200 handlers of 5 ms: two threads take one every 2.5 ms, so the first in the queue changes at every tick,
        // yet each waits far longer than one
        var done = new CountDownLatch(200);
        var most = new AtomicInteger();
        for (int i = 0; i < 200; i++) {
            pool.execute(() -> {
                most.accumulateAndGet(pool.threads(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.countDown();
            });
        }
        assertTrue(done.await(20, TimeUnit.SECONDS), "200 handlers of 5 ms did not finish");
        assertTrue(most.get() > 2, "threads at most: " + most.get());
        awaitThreads(0);
    }

    /** Waits until the pool is down to {@code n} threads; fails after 20 s. */
    private void awaitThreads(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (pool.threads() > n) {
            assertTrue(System.nanoTime() < deadline, "the pool kept " + pool.threads() + " threads");
            Thread.sleep(10);
        }
    }
}
