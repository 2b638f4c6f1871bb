package iii.engine.config;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads everything runs on that must not run on a socket's thread: cleanups, built-in functions, discovery
 * events, timers.
 *
 * <p>The threads are the container's, made by its {@link ManagedThreadFactory}, so they carry the application's
 * context; the pools around them are the engine's. Payara's managed executors capture context on every task they
 * accept, and that capture searches the application's class path each time (milliseconds when many tasks come at
 * once), and the default one refuses work once its 200 threads are busy: during a burst of a thousand disconnects
 * it refused built-in calls, and a refused cleanup would be lost. Here a task costs a queue entry, and work waits in
 * the queue instead of being refused.
 */
@ApplicationScoped
public class EngineExecutors {

    /** Threads of the general pool; tasks are short, except DNS lookups of external functions and OTLP exports. */
    private static final int THREADS = 16;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    private ManagedThreadFactory threads;

    private Executor executor;
    private ScheduledExecutorService scheduler;

    protected EngineExecutors() {
    }

    /** For tests outside a container. */
    public EngineExecutors(Executor executor, ScheduledExecutorService scheduler) {
        this.executor = executor;
        this.scheduler = scheduler;
    }

    @PostConstruct
    void start() {
        var pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        pool.allowCoreThreadTimeOut(true);
        executor = pool;
        var timers = new ScheduledThreadPoolExecutor(1, threads);
        timers.setRemoveOnCancelPolicy(true);
        scheduler = timers;
    }

    @PreDestroy
    void stop() {
        ((ExecutorService) executor).shutdownNow();
        scheduler.shutdownNow();
    }

    public Executor executor() {
        return executor;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }
}
