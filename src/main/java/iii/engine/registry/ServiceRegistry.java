package iii.engine.registry;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Services by id; the newest registration of an id wins, and a service leaves with the worker that registered it. */
@ApplicationScoped
public class ServiceRegistry {

    private final ConcurrentHashMap<String, ServiceEntry> services = new ConcurrentHashMap<>();
    private final List<Consumer<ServiceEntry>> listeners = new CopyOnWriteArrayList<>();

    public void register(ServiceEntry service) {
        services.put(service.id(), service);
        listeners.forEach(listener -> listener.accept(service));
    }

    /** Told of each registration, on the thread that made it. */
    public void onRegister(Consumer<ServiceEntry> listener) {
        listeners.add(listener);
    }

    public Collection<ServiceEntry> all() {
        return Collections.unmodifiableCollection(services.values());
    }

    public void removeWorker(Worker worker) {
        services.values().removeIf(service -> service.owner() == worker);
    }
}
