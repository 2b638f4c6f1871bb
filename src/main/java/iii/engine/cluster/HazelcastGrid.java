package iii.engine.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.topic.ITopic;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * The {@link Grid} on Payara's Hazelcast instance ({@code payara/Hazelcast} in JNDI): {@link IMap}s of
 * registrations with entry listeners, one {@link ITopic} per engine for the messages to it (a message goes from the
 * sending member straight to the one subscriber), and the cluster's membership events.
 */
final class HazelcastGrid implements Grid {

    static final String JNDI_NAME = "payara/Hazelcast";
    private static final String PREFIX = "iii-engine.";
    /** The topic of engine {@code <node>} is {@code iii-engine.node.<node>}. */
    private static final String TOPIC_PREFIX = PREFIX + "node.";

    private final HazelcastInstance hazelcast;
    private final EnumMap<Kind, IMap<String, String>> maps = new EnumMap<>(Kind.class);
    private final ConcurrentHashMap<String, ITopic<String>> topics = new ConcurrentHashMap<>();
    private final List<Runnable> stops = new ArrayList<>();
    private volatile String subscribedNode;
    private volatile UUID subscription;

    HazelcastGrid(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        openMaps();
    }

    /**
     * Opens the maps on a thread outside any application context. Payara's Hazelcast ties a map to the application
     * that first opens it and enters that application's context (its class loader and CDI request scope) around each
     * of the map's operations, on every member, backups included: a few microseconds each, for maps that hold only
     * strings and need no application class. A map first opened outside any application's context runs its
     * operations as they are; every engine opens them so.
     */
    private void openMaps() {
        var open = new FutureTask<Void>(() -> {
            for (var kind : Kind.values()) {
                maps.put(kind, hazelcast.getMap(PREFIX + kind.name().toLowerCase(Locale.ROOT)));
            }
            return null;
        });
        // a thread that inherits nothing from this one, the application's invocation included
        new Thread(null, open, "iii-cluster-maps", 0, false).start();
        try {
            open.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while opening the cluster's maps", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The cluster's maps could not be opened", e.getCause());
        }
    }

    /** Payara's Hazelcast instance; fails when the server has none or it is not running. */
    static Grid lookup() throws NamingException {
        var found = new InitialContext().lookup(JNDI_NAME);
        if (!(found instanceof HazelcastInstance hazelcast) || !hazelcast.getLifecycleService().isRunning()) {
            throw new NamingException(JNDI_NAME + " is no running Hazelcast instance: " + found);
        }
        return new HazelcastGrid(hazelcast);
    }

    @Override
    public String localNode() {
        return hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    @Override
    public void start(Inbound inbound) {
        var membership = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                inbound.nodeJoined(event.getMember().getUuid().toString());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                var node = event.getMember().getUuid().toString();
                topics.remove(node);
                inbound.nodeLeft(node);
            }
        });
        stops.add(() -> hazelcast.getCluster().removeMembershipListener(membership));
        var lifecycle = hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                subscribe(inbound);
                replay(inbound);
                inbound.merged();
            }
        });
        stops.add(() -> hazelcast.getLifecycleService().removeLifecycleListener(lifecycle));
        subscribe(inbound);
        stops.add(this::unsubscribe);
        listen(Kind.WORKERS, inbound::workerPut, inbound::workerRemoved);
        listen(Kind.FUNCTIONS, inbound::functionPut, inbound::functionRemoved);
        listen(Kind.SERVICES, inbound::servicePut, inbound::serviceRemoved);
        listen(Kind.TYPES, inbound::typePut, inbound::typeRemoved);
        listen(Kind.TRIGGERS, inbound::triggerPut, inbound::triggerRemoved);
        replay(inbound);
    }

    /** Gives the engine what the maps hold, as their events would. */
    private void replay(Inbound inbound) {
        maps.get(Kind.WORKERS).forEach(inbound::workerPut);
        maps.get(Kind.FUNCTIONS).forEach(inbound::functionPut);
        maps.get(Kind.SERVICES).forEach(inbound::servicePut);
        maps.get(Kind.TYPES).forEach(inbound::typePut);
        maps.get(Kind.TRIGGERS).forEach(inbound::triggerPut);
    }

    /** Listens to this engine's own topic (under its current node id). */
    private synchronized void subscribe(Inbound inbound) {
        var node = localNode();
        if (node.equals(subscribedNode)) {
            return;
        }
        unsubscribe();
        subscription = topic(node).addMessageListener(message -> inbound.message(message.getMessageObject()));
        subscribedNode = node;
    }

    private synchronized void unsubscribe() {
        if (subscription != null) {
            topic(subscribedNode).removeMessageListener(subscription);
            subscription = null;
        }
    }

    private void listen(Kind kind, BiConsumer<String, String> put, BiConsumer<String, String> removed) {
        var map = maps.get(kind);
        var id = map.addEntryListener(new Listener(put, removed), true);
        stops.add(() -> map.removeEntryListener(id));
    }

    private record Listener(BiConsumer<String, String> put, BiConsumer<String, String> removed)
            implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryRemovedListener<String, String> {

        @Override
        public void entryAdded(EntryEvent<String, String> event) {
            put.accept(event.getKey(), event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> event) {
            put.accept(event.getKey(), event.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<String, String> event) {
            removed.accept(event.getKey(), event.getOldValue());
        }
    }

    @Override
    public void put(Kind kind, Map<String, String> values) {
        var map = maps.get(kind);
        if (values.size() == 1) {
            var only = values.entrySet().iterator().next();
            map.set(only.getKey(), only.getValue());
        } else {
            map.putAll(values);
        }
    }

    @Override
    public void remove(Kind kind, String id, String value) {
        if (value == null) {
            maps.get(kind).delete(id);
        } else {
            maps.get(kind).remove(id, value);
        }
    }

    @Override
    public boolean contains(Kind kind, String id) {
        return maps.get(kind).containsKey(id);
    }

    /**
     * Removes what the members of now are not: it stops as soon as the membership changes. A purge begun while the
     * engines were apart (an engine alone takes the others for gone) may otherwise reach the cluster only once they
     * have merged again, and remove the entries and topics of engines that are members again.
     */
    @Override
    public void purge(boolean oldestOnly) {
        var members = hazelcast.getCluster().getMembers();
        if (oldestOnly && (members.isEmpty() || !members.iterator().next().localMember())) {
            return;
        }
        Set<String> nodes = nodeSet(members);
        // the worker entries last: another engine then has no entry of a worker it does not know
        for (var kind : List.of(Kind.TRIGGERS, Kind.TYPES, Kind.SERVICES, Kind.FUNCTIONS, Kind.WORKERS)) {
            for (var entry : maps.get(kind).entrySet()) {
                if (!nodes.contains(Registrations.node(entry.getValue()))) {
                    if (!stillTheMembers(nodes)) {
                        return;
                    }
                    maps.get(kind).remove(entry.getKey(), entry.getValue());
                }
            }
        }
        // each member keeps a proxy (and its statistics) of every topic until it is destroyed
        for (var object : hazelcast.getDistributedObjects()) {
            if (object instanceof ITopic<?> topic && topic.getName().startsWith(TOPIC_PREFIX)
                    && !nodes.contains(topic.getName().substring(TOPIC_PREFIX.length()))) {
                if (!stillTheMembers(nodes)) {
                    return;
                }
                topic.destroy();
            }
        }
    }

    private boolean stillTheMembers(Set<String> nodes) {
        return nodes.equals(nodeSet(hazelcast.getCluster().getMembers()));
    }

    private static Set<String> nodeSet(Set<Member> members) {
        return members.stream().map(member -> member.getUuid().toString()).collect(Collectors.toSet());
    }

    @Override
    public boolean member(String node) {
        return memberOf(node) != null;
    }

    /** The member whose node id is {@code node}, or null. */
    private Member memberOf(String node) {
        for (var member : hazelcast.getCluster().getMembers()) {
            if (member.getUuid().toString().equals(node)) {
                return member;
            }
        }
        return null;
    }

    /**
     * One message on the engine's topic, published on the calling thread: Hazelcast writes it to the member's
     * connection there and then (its write-through; with {@code hazelcast.io.write.through=false} an I/O thread
     * would take it over, one more thread hand-off per message, measured slower), and the target runs the listener
     * on the event thread of that topic, in the order sent. {@code publishAsync} is the same call for a plain topic.
     * A member-targeted executor cannot carry the message here: Payara's Hazelcast loads the classes of what it
     * reads with the server's common class loader, which does not see the engine's, so a task of the engine's
     * fails with ClassNotFoundException on the target (and it would add a response per message and a second
     * thread hand-off on the target).
     */
    @Override
    public void send(String node, String message) {
        topic(node).publish(message);
    }

    private ITopic<String> topic(String node) {
        return topics.computeIfAbsent(node, name -> hazelcast.getTopic(TOPIC_PREFIX + name));
    }

    @Override
    public String address(String node) {
        var member = memberOf(node);
        return member == null ? node : member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }

    @Override
    public List<String> nodes() {
        return hazelcast.getCluster().getMembers().stream().map(Member::getUuid).map(UUID::toString).toList();
    }

    @Override
    public void stop() {
        for (var stop : stops) {
            try {
                stop.run();
            } catch (RuntimeException e) {
                // the instance is going down with the server
            }
        }
    }
}
