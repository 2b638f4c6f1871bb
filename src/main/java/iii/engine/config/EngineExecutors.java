package iii.engine.config;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/** The container's threads, handed to everything that runs work off a socket's thread. */
@ApplicationScoped
public class EngineExecutors {

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    private Executor executor;

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    private ScheduledExecutorService scheduler;

    protected EngineExecutors() {
    }

    /** For tests outside a container. */
    public EngineExecutors(Executor executor, ScheduledExecutorService scheduler) {
        this.executor = executor;
        this.scheduler = scheduler;
    }

    public Executor executor() {
        return executor;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }
}
