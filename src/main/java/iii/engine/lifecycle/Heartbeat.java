package iii.engine.lifecycle;

import iii.engine.config.EngineConfig;
import iii.engine.config.EngineExecutors;
import iii.engine.registry.WorkerRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Pings every worker at a fixed rate and retires those that stay silent, not even answering the pings, for two beats
 * in a row. A connection whose peer vanished without a FIN (a pulled cable, a frozen VM, a NAT that forgot it) would
 * otherwise keep its functions registered and its callers waiting; iii leaves this to the SDK 0.22.1 heartbeat,
 * which older SDKs lack.
 */
@ApplicationScoped
public class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class.getName());
    private static final int SILENT_BEATS = 2;

    private WorkerRegistry workers;
    private WorkerCleanup cleanup;
    private EngineConfig config;
    private EngineExecutors executors;

    protected Heartbeat() {
    }

    @Inject
    public Heartbeat(WorkerRegistry workers, WorkerCleanup cleanup, EngineConfig config, EngineExecutors executors) {
        this.workers = workers;
        this.cleanup = cleanup;
        this.config = config;
        this.executors = executors;
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        var interval = config.heartbeatMillis();
        if (interval > 0) {
            executors.scheduler().scheduleAtFixedRate(this::beat, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    /** One beat for every worker. */
    public void beat() {
        for (var worker : workers.all()) {
            if (worker.beat() >= SILENT_BEATS) {
                LOG.warning(() -> "Worker " + worker + " answered nothing for " + SILENT_BEATS
                        + " heartbeats; taking it as gone");
                cleanup.retire(worker);
                worker.close("no answer to pings");
            }
        }
    }
}
