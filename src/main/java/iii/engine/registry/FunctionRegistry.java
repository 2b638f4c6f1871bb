package iii.engine.registry;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Function id to function. Lookups are one lock-free map read; the newest registration of an id owns it, and removal
 * is owner-aware, so a stale connection can never remove a function that another connection registered since.
 */
@ApplicationScoped
public class FunctionRegistry {

    private final ConcurrentHashMap<String, FunctionEntry> functions = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<EntryListener> entryListeners = new CopyOnWriteArrayList<>();

    /** Told of each entry that comes or goes, on the thread that changed the registry. */
    public interface EntryListener {

        void registered(FunctionEntry entry);

        void removed(FunctionEntry entry);
    }

    public FunctionEntry get(String id) {
        return functions.get(id);
    }

    public Collection<FunctionEntry> all() {
        return Collections.unmodifiableCollection(functions.values());
    }

    /** Registers or replaces; returns the replaced entry, if any. */
    public FunctionEntry register(FunctionEntry entry) {
        var previous = functions.put(entry.id(), entry);
        entryListeners.forEach(listener -> listener.registered(entry));
        changed();
        return previous;
    }

    /** Removes the function only if {@code owner} still owns it; true if it was removed. */
    public boolean removeIfOwner(String id, Worker owner) {
        var removed = new FunctionEntry[1];
        functions.computeIfPresent(id, (key, entry) -> {
            if (entry.owner() != owner) {
                return entry;
            }
            removed[0] = entry;
            return null;
        });
        if (removed[0] == null) {
            return false;
        }
        entryListeners.forEach(listener -> listener.removed(removed[0]));
        changed();
        return true;
    }

    /** Called after every change of the set of functions, on the thread that changed it. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public void onEntry(EntryListener listener) {
        entryListeners.add(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }
}
