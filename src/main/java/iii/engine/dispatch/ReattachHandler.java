package iii.engine.dispatch;

import iii.engine.badinput.BadInput;
import iii.engine.badinput.BadInputLog;
import iii.engine.cluster.Cluster;
import iii.engine.lifecycle.WorkerCleanup;
import iii.engine.protocol.Message.Reattach;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;
import java.util.logging.Logger;

/**
 * A reconnected worker (SDK 0.22.1) names its previous connection and proves it with that connection's token. The
 * previous connection is retired exactly as if it had disconnected, before this connection's next frame (its
 * replayed registrations) is handled, so a late cleanup of the old socket cannot remove the fresh registrations.
 * Worker ids are public, so without the right token nothing happens. In a cluster, a worker that reconnects through
 * another engine names a connection of that engine: the token goes there to be checked, and that engine retires it
 * ({@link Cluster#reattach}).
 */
@ApplicationScoped
public class ReattachHandler implements MessageHandler<Reattach> {

    private static final Logger LOG = Logger.getLogger(ReattachHandler.class.getName());

    private WorkerRegistry workers;
    private WorkerCleanup cleanup;
    private BadInputLog badInput;
    private Cluster cluster;

    protected ReattachHandler() {
    }

    @Inject
    public ReattachHandler(WorkerRegistry workers, WorkerCleanup cleanup, BadInputLog badInput, Cluster cluster) {
        this.workers = workers;
        this.cleanup = cleanup;
        this.badInput = badInput;
        this.cluster = cluster;
    }

    @Override
    public Class<Reattach> type() {
        return Reattach.class;
    }

    @Override
    public void handle(Worker from, Reattach message) {
        var previous = lookup(message.previousWorkerId());
        if (previous == null || previous == from) {
            return;
        }
        var identity = from.session() != null ? from.identity() : null;
        if (previous.isMirror()) {
            cluster.reattach(previous, message.reattachToken(), identity);
            return;
        }
        if (!previous.mayBeReplacedBy(message.reattachToken(), identity)) {
            badInput.report(LOG, from.badInput(), BadInput.REATTACH_REFUSED,
                    () -> "Worker " + from + " tried to reattach to " + previous + " without its token");
            return;
        }
        LOG.info(() -> "Worker " + from + " replaces its previous connection " + previous);
        cleanup.retire(previous);
        previous.close("replaced by a new connection of the same worker");
    }

    private Worker lookup(String id) {
        try {
            return id == null ? null : workers.get(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
