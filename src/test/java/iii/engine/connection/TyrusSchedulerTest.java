package iii.engine.connection;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TyrusSchedulerTest {

    private final TyrusScheduler.Scheduler scheduler = new TyrusScheduler.Scheduler();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aTaskDueNowRunsOnTheCallersThreadBeforeScheduleReturns() {
        var ranOn = new AtomicReference<Thread>();
        var future = scheduler.schedule(() -> ranOn.set(Thread.currentThread()), 0, TimeUnit.MILLISECONDS);
        assertSame(Thread.currentThread(), ranOn.get());
        assertTrue(future.isDone());
        assertFalse(future.cancel(true));
        assertEquals(0, scheduler.getQueue().size(), "nothing is queued for a task due now");
    }

    @Test
    void aFailingTaskDueNowDoesNotFailTheCaller() {
        Runnable broken = () -> {
            throw new IllegalStateException("broken task");
        };
        var future = scheduler.schedule(broken, -5, TimeUnit.MILLISECONDS);
        assertTrue(future.isDone());
    }

    @Test
    void aLaterTaskRunsOnTheSchedulersThreadWithTheSchedulingThreadsClassLoader() throws Exception {
        var loader = new URLClassLoader(new URL[0]);
        var previous = Thread.currentThread().getContextClassLoader();
        var seen = new CompletableFuture<ClassLoader>();
        var thread = new AtomicReference<Thread>();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            scheduler.schedule(() -> {
                thread.set(Thread.currentThread());
                seen.complete(Thread.currentThread().getContextClassLoader());
            }, 20, TimeUnit.MILLISECONDS);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        assertSame(loader, seen.get(5, TimeUnit.SECONDS));
        assertNotSame(Thread.currentThread(), thread.get());
        assertTrue(thread.get().isDaemon());
    }

    @Test
    void aCancelledLaterTaskLeavesTheQueueAndNeverRuns() throws Exception {
        var ran = new CountDownLatch(1);
        var future = scheduler.schedule(ran::countDown, 1, TimeUnit.HOURS);
        assertEquals(1, scheduler.getQueue().size());
        assertTrue(future.cancel(false));
        assertEquals(0, scheduler.getQueue().size(), "an idle timeout restarted on every frame must not pile up");
        assertFalse(ran.await(50, TimeUnit.MILLISECONDS));
    }

    @Test
    void aHeartbeatRunsRepeatedly() throws Exception {
        var beats = new CountDownLatch(3);
        scheduler.scheduleAtFixedRate(beats::countDown, 0, 5, TimeUnit.MILLISECONDS);
        assertTrue(beats.await(5, TimeUnit.SECONDS));
    }

    @Test
    void aContainerThatIsNotTyrusIsLeftAlone() {
        var listener = new TyrusScheduler();
        assertFalse(listener.install(new Object()));
        assertFalse(listener.install(null));
    }
}
