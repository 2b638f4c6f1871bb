package iii.engine.registry;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trigger types and trigger instances. An instance whose type is registered is live; one whose type is missing is
 * parked until a provider registers the type. Reads take no lock; the few writes that move instances between the
 * live and parked maps hold one small lock around those map operations only. Telling providers about the changes
 * is the caller's job, done after the lock is released.
 */
@ApplicationScoped
public class TriggerRegistry {

    private final ConcurrentHashMap<String, TriggerType> types = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Trigger> live = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Trigger> parked = new ConcurrentHashMap<>();
    private final Object lock = new Object();

    /**
     * Where a trigger went: live under {@code type}, or parked when {@code type} is null; {@code replaced} is the
     * instance of the same id it replaced, if any.
     */
    public record Placement(TriggerType type, Removal replaced) {
    }

    /** A removed instance, with the type whose provider must hear of it (null if it was parked). */
    public record Removal(Trigger trigger, TriggerType type) {
    }

    /** A type came (back): {@code deliver} are the instances its provider must now be told about. */
    public record Activation(TriggerType replaced, List<Trigger> deliver) {
    }

    /**
     * A worker left: the instances it registered (live and parked), and other workers' instances parked because it
     * provided their type.
     */
    public record Departure(List<Removal> removed, List<Trigger> parked) {
    }

    public TriggerType type(String id) {
        return types.get(id);
    }

    public Collection<TriggerType> types() {
        return Collections.unmodifiableCollection(types.values());
    }

    /** The instance {@code id}, live or parked, or null. */
    public Trigger trigger(String id) {
        var trigger = live.get(id);
        return trigger != null ? trigger : parked.get(id);
    }

    /** Whether {@code trigger} is live (a parked one waits for its type, or for its provider to accept it). */
    public boolean isLive(Trigger trigger) {
        return live.get(trigger.id()) == trigger;
    }

    public Collection<Trigger> live() {
        return Collections.unmodifiableCollection(live.values());
    }

    public Collection<Trigger> parked() {
        return Collections.unmodifiableCollection(parked.values());
    }

    /** Adds or replaces an instance (same id): live when its type is registered, else parked. */
    public Placement place(Trigger trigger) {
        synchronized (lock) {
            Removal replaced = null;
            var wasLive = live.remove(trigger.id());
            if (wasLive != null) {
                replaced = new Removal(wasLive, types.get(wasLive.type()));
            } else {
                var wasParked = parked.remove(trigger.id());
                replaced = wasParked == null ? null : new Removal(wasParked, null);
            }
            var type = types.get(trigger.type());
            (type != null ? live : parked).put(trigger.id(), trigger);
            return new Placement(type, replaced);
        }
    }

    /**
     * Removes an instance on its registering worker's request; engine-owned instances can be removed by anyone.
     * Returns null when there is no such instance or it belongs to another worker.
     */
    public Removal remove(String id, Worker requester) {
        synchronized (lock) {
            var trigger = live.get(id);
            var map = live;
            if (trigger == null) {
                trigger = parked.get(id);
                map = parked;
            }
            if (trigger == null || (trigger.owner() != null && trigger.owner() != requester)) {
                return null;
            }
            map.remove(id);
            return new Removal(trigger, map == live ? types.get(trigger.type()) : null);
        }
    }

    /**
     * Registers or replaces a type. Its live instances are to be re-delivered to the (new) provider and its parked
     * ones go live; parked instances of workers already gone are dropped.
     */
    public Activation addType(TriggerType type) {
        synchronized (lock) {
            var replaced = types.put(type.id(), type);
            var deliver = new ArrayList<Trigger>();
            for (var trigger : live.values()) {
                if (trigger.type().equals(type.id())) {
                    deliver.add(trigger);
                }
            }
            parked.values().removeIf(trigger -> {
                if (!trigger.type().equals(type.id())) {
                    return false;
                }
                if (trigger.owner() == null || !trigger.owner().isRetired()) {
                    live.put(trigger.id(), trigger);
                    deliver.add(trigger);
                }
                return true;
            });
            return new Activation(replaced, deliver);
        }
    }

    /** Removes a type if {@code provider} still provides it; its live instances are parked and returned. */
    public List<Trigger> removeType(String id, Worker provider) {
        synchronized (lock) {
            var type = types.get(id);
            if (type == null || type.provider() == null || type.provider() != provider) {
                return List.of();
            }
            types.remove(id);
            return parkInstancesOf(id);
        }
    }

    /** Parks a live instance its provider refused, if {@code provider} still provides its type. */
    public Trigger parkRefused(String id, Worker provider) {
        synchronized (lock) {
            var trigger = live.get(id);
            if (trigger == null) {
                return null;
            }
            var type = types.get(trigger.type());
            if (type == null || type.provider() != provider) {
                return null;
            }
            live.remove(id);
            parked.put(id, trigger);
            return trigger;
        }
    }

    /**
     * Everything a departing worker leaves behind: removes the instances it registered (live and parked) and the
     * types it still provides, parking other workers' instances of those types.
     */
    public Departure removeWorker(Worker worker) {
        synchronized (lock) {
            var removed = new ArrayList<Removal>();
            live.values().removeIf(trigger -> {
                if (trigger.owner() != worker) {
                    return false;
                }
                removed.add(new Removal(trigger, types.get(trigger.type())));
                return true;
            });
            parked.values().removeIf(trigger -> {
                if (trigger.owner() != worker) {
                    return false;
                }
                removed.add(new Removal(trigger, null));
                return true;
            });
            var parkedNow = new ArrayList<Trigger>();
            types.values().removeIf(type -> {
                if (type.provider() != worker) {
                    return false;
                }
                parkedNow.addAll(parkInstancesOf(type.id()));
                return true;
            });
            return new Departure(removed, parkedNow);
        }
    }

    private List<Trigger> parkInstancesOf(String typeId) {
        var moved = new ArrayList<Trigger>();
        live.values().removeIf(trigger -> {
            if (!trigger.type().equals(typeId)) {
                return false;
            }
            parked.put(trigger.id(), trigger);
            moved.add(trigger);
            return true;
        });
        return moved;
    }
}
