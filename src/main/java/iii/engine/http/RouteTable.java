package iii.engine.http;

import iii.engine.registry.TriggerRejectedException;
import iii.engine.registry.Worker;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The live HTTP routes. Requests read an immutable snapshot without a lock; registrations and removals take one small
 * lock (they change three indexes together) and publish a new snapshot. Removal is owner-aware: a route goes only if
 * it still belongs to the same trigger id and the same worker connection, so a late cleanup of a departed connection
 * never removes the route its reconnected successor registered again (PROTOCOL.md §11, E22).
 */
@ApplicationScoped
public class RouteTable {

    private static final Logger LOG = Logger.getLogger(RouteTable.class.getName());

    /** A matched route and the parameters it captured. */
    record Match(Route route, Map<String, String> pathParams) {
    }

    /**
     * What {@link #add} did: whether the route is served, and the route of its shape with other parameter names it
     * displaced (a later registration, which reached this engine first), if any.
     */
    record Added(boolean served, Route displaced) {
    }

    private record Snapshot(Map<String, Route> byKey, Map<String, List<Route>> byShape) {
    }

    private final Object lock = new Object();
    private final Map<String, Route> byKey = new HashMap<>();
    private final Map<String, Route> byTrigger = new HashMap<>();
    private final Map<String, String> keyBySignature = new HashMap<>();
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    /**
     * Adds the route, replacing one of the same method and path and this trigger's previous route, if any; not served
     * when the one of the same method and path there is a later registration (in a cluster, another engine's, which
     * reached this engine first), so that every engine serves the same one. Of two routes of the same shape with
     * other parameter names the earlier registration is served, whichever came first.
     *
     * @throws TriggerRejectedException if an earlier route has the same shape with other parameter names
     */
    Added add(Route route) throws TriggerRejectedException {
        synchronized (lock) {
            Route displaced = null;
            var clash = keyBySignature.get(route.signature());
            var own = byTrigger.get(route.triggerId());
            if (clash != null && !clash.equals(route.key()) && !(own != null && own.key().equals(clash))) {
                var clashing = byKey.get(clash);
                if (clashing == null || !clashing.laterThan(route)) {
                    throw new TriggerRejectedException("Route " + describe(route)
                            + " conflicts with already-registered route " + describe(clashing));
                }
                // the route there is the later registration (another engine's, which reached this engine first):
                // the earlier one keeps the shape, as on the engines that got them in order
                drop(clashing);
                byTrigger.remove(clashing.triggerId(), clashing);
                displaced = clashing;
                LOG.info(() -> "HTTP route " + describe(clashing) + " of trigger " + clashing.triggerId()
                        + " no longer served: " + describe(route) + ", registered before it, has its shape");
            }
            var previous = byTrigger.remove(route.triggerId());
            if (previous != null && byKey.get(previous.key()) == previous) {
                drop(previous);
            }
            var current = byKey.get(route.key());
            if (current != null && !current.triggerId().equals(route.triggerId()) && current.laterThan(route)) {
                publish();
                return new Added(false, displaced);
            }
            var replaced = byKey.put(route.key(), route);
            if (replaced != null) {
                byTrigger.remove(replaced.triggerId(), replaced);
            }
            byTrigger.put(route.triggerId(), route);
            keyBySignature.put(route.signature(), route.key());
            publish();
            return new Added(true, displaced);
        }
    }

    /** Removes trigger {@code triggerId}'s route if it is still the one {@code owner} registered. */
    boolean remove(String triggerId, Worker owner) {
        synchronized (lock) {
            var route = byTrigger.get(triggerId);
            if (route == null || route.owner() != owner) {
                return false;
            }
            byTrigger.remove(triggerId);
            if (byKey.get(route.key()) == route) {
                drop(route);
            }
            publish();
            return true;
        }
    }

    /**
     * The most specific route of {@code method} matching the path (without its leading {@code /}, still
     * percent-encoded), or null; its parameters decoded ({@link Route#match}).
     *
     * @throws IllegalArgumentException if a parameter's escapes are not UTF-8
     */
    Match find(String method, String path) {
        var current = snapshot;
        var exact = current.byKey().get(Route.key(method, path));
        if (exact != null && exact.segments().stream().noneMatch(Route::isParameter)) {
            return new Match(exact, Map.of());
        }
        var request = path.split("/", -1);
        var candidates = current.byShape().get(Route.shape(method, request.length));
        if (candidates == null) {
            return null;
        }
        Match best = null;
        for (var route : candidates) {
            var parameters = route.match(request);
            if (parameters != null && (best == null || route.moreSpecificThan(best.route()))) {
                best = new Match(route, parameters);
            }
        }
        return best;
    }

    Collection<Route> all() {
        return snapshot.byKey().values();
    }

    private void drop(Route route) {
        byKey.remove(route.key());
        keyBySignature.remove(route.signature(), route.key());
    }

    private void publish() {
        var shapes = new HashMap<String, List<Route>>();
        for (var route : byKey.values()) {
            shapes.computeIfAbsent(route.shape(), k -> new ArrayList<>()).add(route);
        }
        shapes.replaceAll((k, routes) -> List.copyOf(routes));
        snapshot = new Snapshot(Map.copyOf(byKey), Map.copyOf(shapes));
    }

    /** {@code METHOD /path}, as the engine names a route in what it says. */
    static String describe(Route route) {
        return route == null ? "?" : route.method() + " /" + route.path();
    }
}
