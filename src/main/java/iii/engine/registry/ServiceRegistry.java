package iii.engine.registry;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;

/** Services by id; the newest registration of an id wins, and a service leaves with the worker that registered it. */
@ApplicationScoped
public class ServiceRegistry {

    private final ConcurrentHashMap<String, ServiceEntry> services = new ConcurrentHashMap<>();

    public void register(ServiceEntry service) {
        services.put(service.id(), service);
    }

    public Collection<ServiceEntry> all() {
        return Collections.unmodifiableCollection(services.values());
    }

    public void removeWorker(Worker worker) {
        services.values().removeIf(service -> service.owner() == worker);
    }
}
