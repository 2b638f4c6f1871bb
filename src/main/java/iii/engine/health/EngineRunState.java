package iii.engine.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

/**
 * Whether the application is up: started once the application scope is initialized (the worker endpoint is deployed
 * with the application, and the engine's own functions are installed by the same event), stopping as it is destroyed.
 */
@ApplicationScoped
public class EngineRunState {

    private volatile boolean started;
    private volatile boolean stopping;
    private volatile String webSocketScheduler = "container";

    void started(@Observes @Initialized(ApplicationScoped.class) Object event) {
        started = true;
    }

    void stopping(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event) {
        stopping = true;
    }

    /** For tests outside a container. */
    public void started(boolean started, boolean stopping) {
        this.started = started;
        this.stopping = stopping;
    }

    public boolean isStarted() {
        return started;
    }

    /** Which scheduler the WebSocket container runs its per-frame tasks on: "plain" or "container". */
    public String webSocketScheduler() {
        return webSocketScheduler;
    }

    public void webSocketScheduler(String scheduler) {
        webSocketScheduler = scheduler;
    }

    /** Started and not shutting down: the worker endpoint takes connections. */
    public boolean acceptsWorkers() {
        return started && !stopping;
    }
}
