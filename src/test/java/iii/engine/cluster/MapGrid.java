package iii.engine.cluster;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The grid's maps in memory; its events are the tests' to deliver. Writes can be held ({@link #holdWrites}) and made
 * later ({@link #release}); removals and messages are recorded.
 */
class MapGrid implements Grid {

    private final EnumMap<Kind, Map<String, String>> maps = new EnumMap<>(Kind.class);
    private final List<Runnable> held = new ArrayList<>();
    /** The removals written, in order ({@code KIND id}). */
    final List<String> removals = new CopyOnWriteArrayList<>();
    /** The messages sent to engines ({@code node message}). */
    final List<String> sent = new CopyOnWriteArrayList<>();
    volatile boolean holdWrites;
    private final String self;
    /** The members; a test may change them, as a merge does. */
    volatile List<String> nodes;
    /** The members' addresses; a member without one here is at its node id. */
    final Map<String, String> addresses = new ConcurrentHashMap<>();

    /** The grid as engine {@code self} sees it, in a cluster of {@code nodes}. */
    MapGrid(String self, List<String> nodes) {
        this.self = self;
        this.nodes = nodes;
        for (var kind : Kind.values()) {
            maps.put(kind, new ConcurrentHashMap<>());
        }
    }

    Map<String, String> map(Kind kind) {
        return maps.get(kind);
    }

    /** Makes the writes held so far. */
    synchronized void release() {
        holdWrites = false;
        held.forEach(Runnable::run);
        held.clear();
    }

    @Override
    public String localNode() {
        return self;
    }

    @Override
    public void start(Inbound inbound) {
    }

    @Override
    public synchronized void put(Kind kind, Map<String, String> values) {
        Runnable write = () -> maps.get(kind).putAll(values);
        if (holdWrites) {
            held.add(write);
        } else {
            write.run();
        }
    }

    @Override
    public void remove(Kind kind, String id, String value) {
        removals.add(kind + " " + id);
        if (value == null) {
            maps.get(kind).remove(id);
        } else {
            maps.get(kind).remove(id, value);
        }
    }

    @Override
    public boolean contains(Kind kind, String id) {
        return maps.get(kind).containsKey(id);
    }

    @Override
    public void purge(boolean oldestOnly) {
    }

    @Override
    public boolean member(String node) {
        return nodes().contains(node);
    }

    @Override
    public void send(String node, String message) {
        sent.add(node + " " + message);
    }

    @Override
    public String address(String node) {
        return addresses.getOrDefault(node, node);
    }

    @Override
    public List<String> nodes() {
        return nodes;
    }

    @Override
    public void stop() {
    }
}
