package iii.engine.lifecycle;

import iii.engine.channel.Channels;
import iii.engine.invocation.Invoker;
import iii.engine.registry.FunctionRegistry;
import iii.engine.registry.ServiceRegistry;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerDisconnected;
import iii.engine.registry.WorkerRegistry;
import iii.engine.registry.WorkerRetired;
import iii.engine.telemetry.EngineSpan;
import iii.engine.trigger.Triggers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/**
 * Removes everything a departed worker registered, once per connection, whether it closed, dropped or was retired
 * by a {@code reattach}. Every step is owner-aware: what another connection registered since (a reconnected worker
 * re-registering the same ids) survives a late cleanup.
 */
@ApplicationScoped
public class WorkerCleanup {

    private static final Logger LOG = Logger.getLogger(WorkerCleanup.class.getName());

    private WorkerRegistry workers;
    private FunctionRegistry functions;
    private ServiceRegistry services;
    private Triggers triggers;
    private Invoker invoker;
    private Channels channels;
    private Event<WorkerRetired> retired;

    protected WorkerCleanup() {
    }

    @Inject
    public WorkerCleanup(WorkerRegistry workers, FunctionRegistry functions, ServiceRegistry services,
                         Triggers triggers, Invoker invoker, Channels channels, Event<WorkerRetired> retired) {
        this.workers = workers;
        this.functions = functions;
        this.services = services;
        this.triggers = triggers;
        this.invoker = invoker;
        this.channels = channels;
        this.retired = retired;
    }

    @EngineSpan
    void onDisconnected(@ObservesAsync WorkerDisconnected event) {
        retire(event.worker());
    }

    /** Runs the cleanup if nobody has yet; returns at once otherwise. */
    @EngineSpan
    public void retire(Worker worker) {
        if (!worker.retire()) {
            return;
        }
        sweep(worker);
        invoker.haltAll(worker);
        channels.removeOwnedBy(worker);
        workers.remove(worker);
        LOG.info(() -> "Worker " + worker + " disconnected; its " + worker.functionIds().size()
                + " function(s) and triggers removed");
        retired.fire(new WorkerRetired(worker));
    }

    /**
     * Removes the functions, triggers, trigger types and services registered for {@code worker}: its cleanup's first
     * steps, and again for what came in for it after its cleanup ran.
     */
    public void sweep(Worker worker) {
        for (var id : worker.functionIds()) {
            functions.removeIfOwner(id, worker);
        }
        triggers.workerLeft(worker);
        services.removeWorker(worker);
    }
}
