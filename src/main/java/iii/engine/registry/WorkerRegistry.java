package iii.engine.registry;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.Collections;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The connected workers by id. Reads take no lock. */
@ApplicationScoped
public class WorkerRegistry {

    private final ConcurrentHashMap<UUID, Worker> workers = new ConcurrentHashMap<>();

    public void add(Worker worker) {
        workers.put(worker.id(), worker);
    }

    /** Removes the worker if it is still registered under its id. */
    public void remove(Worker worker) {
        workers.remove(worker.id(), worker);
    }

    public Worker get(UUID id) {
        return workers.get(id);
    }

    public Collection<Worker> all() {
        return Collections.unmodifiableCollection(workers.values());
    }
}
