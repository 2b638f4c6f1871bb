package iii.engine.cluster;

import iii.engine.badinput.BadInput;
import iii.engine.badinput.BadInputLog;
import iii.engine.channel.Channels;
import iii.engine.config.EngineExecutors;
import iii.engine.invocation.Call;
import iii.engine.invocation.Invoker;
import iii.engine.lifecycle.WorkerCleanup;
import iii.engine.protocol.Codec;
import iii.engine.protocol.Message.InvocationResult;
import iii.engine.protocol.Message.InvokeFunction;
import iii.engine.protocol.Message.RegisterTrigger;
import iii.engine.protocol.Message.RegisterTriggerType;
import iii.engine.protocol.Message.TriggerRegistrationResult;
import iii.engine.protocol.Message.UnregisterTrigger;
import iii.engine.registry.FunctionEntry;
import iii.engine.registry.FunctionRegistry;
import iii.engine.registry.Node;
import iii.engine.registry.ServiceEntry;
import iii.engine.registry.ServiceRegistry;
import iii.engine.registry.Trigger;
import iii.engine.registry.TriggerRegistry;
import iii.engine.registry.TriggerType;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerChannel;
import iii.engine.registry.WorkerConnected;
import iii.engine.registry.WorkerMetadataUpdated;
import iii.engine.registry.WorkerRegistry;
import iii.engine.registry.WorkerRetired;
import iii.engine.trigger.Triggers;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This engine as one of several (when {@code III_CLUSTER_MEMBERS} is set; {@code III_CLUSTER_ENABLED} says so where
 * that variable always has a value for Payara's sake): what its own workers register goes into the {@link Grid}, and
 * what the other engines' workers register comes back out of it into this engine's registries, where calls find it
 * with the same lock-free lookup as a local entry. A worker of another engine is a {@link Worker#mirror mirror} here:
 * a call routed to it is forwarded to its engine (one message), which calls the function there and sends the answer
 * back (one message). A worker's trigger type and its triggers are registered on every engine, for the mirrors of
 * the workers that registered them: every engine lists them, and the engine of a type's provider tells it of the
 * triggers of its type, wherever they were registered. Of the engine's own types, each engine serves the triggers it
 * holds for what happens on it (every engine serves an HTTP route, and fires a {@code log} trigger for the records
 * logged on it), but a discovery event, which every engine sees, fires only on the engine of its trigger's worker. A
 * provider's refusal of a trigger parks it on every engine, and the engine of the trigger's worker tells that worker.
 * When an engine leaves the cluster, its mirrors are retired like disconnected workers: their functions and routes
 * go, and calls waiting on them stop. A channel socket may connect to any engine: one for another engine's channel
 * is relayed to it ({@link ChannelRelay}), so that HTTP routes that stream work through every engine too.
 *
 * <p>Function ids and trigger type ids keep the engine's rule cluster-wide: the newest registration wins. The grid's
 * map holds the one registration of each id; every engine follows that map's events in order, and a removal names the
 * registration it removes, so a late cleanup never removes a newer one. An engine whose own registration of a type is
 * not yet back from the map does not apply another engine's the map reports before it: that one is the older.
 */
@ApplicationScoped
public class Cluster implements Grid.Inbound, FunctionRegistry.EntryListener, Triggers.Listener {

    private static final Logger LOG = Logger.getLogger(Cluster.class.getName());
    private static final String CALL = "call\n";
    private static final String RESULT = "result\n";
    private static final String REFUSED = "refused\n";
    private static final String REATTACH = "reattach\n";
    /** Most function registrations sent to the grid in one write. */
    private static final int BATCH = 1000;
    /** How often {@link #watch} compares the grid's members with the engines this one knows of. */
    private static final long WATCH_MILLIS = 200;
    /** How long a refusal of another engine's provider waits here for its trigger and type to come. */
    private static final long REFUSAL_HOLD_NANOS = 10_000_000_000L;

    private FunctionRegistry functions;
    private Triggers triggers;
    private TriggerRegistry triggerRegistry;
    private ServiceRegistry services;
    private WorkerRegistry workers;
    private WorkerCleanup cleanup;
    private Invoker invoker;
    private EngineExecutors executors;
    private Event<WorkerConnected> connected;
    private Event<WorkerMetadataUpdated> metadataUpdated;
    private Channels channels;
    private BadInputLog badInput;
    private boolean enabled;
    private String name;

    private volatile Grid grid;
    private volatile ChannelRelay relay;
    private final ConcurrentHashMap<UUID, Worker> mirrors = new ConcurrentHashMap<>();
    /** The other engines, as the membership events and {@link #watch} found them. */
    private final Set<String> others = ConcurrentHashMap.newKeySet();
    private volatile ScheduledFuture<?> watching;
    /** The latest registration of each id by a worker of this engine, while that worker is connected. */
    private final ConcurrentHashMap<String, FunctionEntry> own = new ConcurrentHashMap<>();
    /** The latest registration of each trigger id by a worker of this engine, while it is registered. */
    private final ConcurrentHashMap<String, Trigger> ownTriggers = new ConcurrentHashMap<>();
    /** The services this engine's workers registered. */
    private final ConcurrentHashMap<String, ServiceEntry> ownServices = new ConcurrentHashMap<>();
    /** The trigger types this engine's workers provide. */
    private final ConcurrentHashMap<String, TriggerType> ownTypes = new ConcurrentHashMap<>();
    /** How many of this engine's writes of each trigger type the grid has not reported back yet. */
    private final ConcurrentHashMap<String, Integer> typeWrites = new ConcurrentHashMap<>();
    /** This engine's workers the other engines know of. */
    private final Set<UUID> announced = ConcurrentHashMap.newKeySet();
    /**
     * Refusals by other engines' providers of triggers this engine does not have yet as live triggers of their type
     * (the maps and the messages between engines have no order between them), by trigger id, each until its trigger
     * and type come or for {@link #REFUSAL_HOLD_NANOS}.
     */
    private final ConcurrentHashMap<String, HeldRefusal> heldRefusals = new ConcurrentHashMap<>();
    /** Mirrors made for a registration before their worker's own entry came, until they are checked. */
    private final Set<Worker> unconfirmed = ConcurrentHashMap.newKeySet();
    /** This engine's writes to the grid, in the order they are made. */
    private final Lane writes = new Lane();
    /**
     * The removals of the functions and triggers of this engine's workers that have left, once each worker's own
     * entry is gone: the other engines dropped those with it, so these only clear the maps, and never hold up the
     * writes that come after them (a put of one of the ids by another worker stays, as these removals are
     * conditional).
     */
    private final Lane departures = new Lane();
    /**
     * The removals of the functions and triggers of this engine's workers that are leaving, held until the worker's
     * own entry is removed (by {@link #retired}): the other engines then drop all of them at once, not one grid
     * removal at a time (a worker with 10,000 functions was gone from another engine's listing only after 3 s and
     * more). Guarded by itself, as are the changes of {@link #announced} and the writes of worker entries.
     */
    private final Map<Worker, List<Runnable>> leaving = new HashMap<>();

    protected Cluster() {
    }

    @Inject
    public Cluster(FunctionRegistry functions, Triggers triggers, TriggerRegistry triggerRegistry,
                   ServiceRegistry services, WorkerRegistry workers, WorkerCleanup cleanup, Invoker invoker,
                   EngineExecutors executors, Event<WorkerConnected> connected,
                   Event<WorkerMetadataUpdated> metadataUpdated, Channels channels, BadInputLog badInput,
                   @ConfigProperty(name = "iii.cluster.members") Optional<String> members,
                   @ConfigProperty(name = "iii.cluster.enabled") Optional<Boolean> enabled,
                   @ConfigProperty(name = "iii.cluster.name", defaultValue = "iii-engine") String name) {
        this.functions = functions;
        this.triggers = triggers;
        this.triggerRegistry = triggerRegistry;
        this.services = services;
        this.workers = workers;
        this.cleanup = cleanup;
        this.invoker = invoker;
        this.executors = executors;
        this.connected = connected;
        this.metadataUpdated = metadataUpdated;
        this.channels = channels;
        this.badInput = badInput;
        // bin/run and the tests' servers say it (and give III_CLUSTER_MEMBERS a value for Payara either way)
        this.enabled = enabled.orElseGet(() -> members.filter(list -> !list.isBlank()).isPresent());
        this.name = name;
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        if (!enabled) {
            LOG.info("One engine: no cluster (III_CLUSTER_MEMBERS is not set)");
            return;
        }
        if (!hazelcastPresent()) {
            LOG.warning("III_CLUSTER_MEMBERS is set, but this server has no Hazelcast: the engine runs as one node");
            return;
        }
        Grid found;
        try {
            found = HazelcastGrid.lookup();
        } catch (javax.naming.NamingException | RuntimeException e) {
            LOG.log(Level.WARNING, "III_CLUSTER_MEMBERS is set, but the server's Hazelcast is not there ("
                    + e.getMessage() + "): the engine runs as one node", e);
            return;
        }
        join(found);
        LOG.info(() -> "Engine " + Node.local() + " is in the cluster " + name + " with " + found.nodes().size()
                + " engine(s): " + found.nodes());
    }

    /** Follows {@code found} and puts this engine's registrations into it from now on. */
    void join(Grid found) {
        Node.local(found.localNode());
        grid = found;
        relay = new ChannelRelay(found, channels);
        relay.start(Node.local());
        functions.onEntry(this);
        triggers.onTrigger(this);
        services.onRegister(this::serviceRegistered);
        found.start(this);
        knowOthers();
        try {
            watching = executors.scheduler().scheduleWithFixedDelay(this::watch, WATCH_MILLIS, WATCH_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the engine is stopping
        }
        write(() -> found.purge(true));
    }

    private void knowOthers() {
        others.clear();
        grid.nodes().stream().filter(node -> !node.equals(Node.local())).forEach(others::add);
    }

    /**
     * Compares the grid's members with the engines this one knows of, for the membership events that come late:
     * Hazelcast delivers them on event threads that other listeners of the server's instance share, and a member's
     * removal came there seconds after the member list had it, when a member had stopped answering.
     */
    private void watch() {
        try {
            var now = grid.nodes();
            for (var node : List.copyOf(others)) {
                if (!now.contains(node)) {
                    nodeLeft(node);
                }
            }
            now.forEach(this::nodeJoined); // once for each engine it does not know yet
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "The cluster's members could not be read", e);
        }
    }

    private static boolean hazelcastPresent() {
        try {
            Class.forName("com.hazelcast.core.HazelcastInstance", false, Cluster.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @PreDestroy
    void stop() {
        var watch = watching;
        if (watch != null) {
            watch.cancel(false);
        }
        var current = grid;
        if (current != null) {
            current.stop();
        }
    }

    /** Whether this engine is one of a cluster's. */
    public boolean clustered() {
        return grid != null;
    }

    // ---- this engine's registrations, out to the grid

    @Override
    public void registered(FunctionEntry entry) {
        if (!ownsHere(entry) || own.put(entry.id(), entry) == entry) {
            // a mirror's entry, or one of ours put back by functionPut
            return;
        }
        announce(entry.owner());
        write(new FunctionPut(entry.id(), Registrations.function(Node.local(), entry)));
    }

    /** A function put, which {@link #drain} sends together with the ones queued right after it. */
    private record FunctionPut(String id, String text) implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("sent by drain");
        }
    }

    @Override
    public void removed(FunctionEntry entry) {
        if (!ownsHere(entry)) {
            return;
        }
        own.remove(entry.id(), entry);
        var text = Registrations.function(Node.local(), entry);
        Runnable removal = () -> grid.remove(Grid.Kind.FUNCTIONS, entry.id(), text);
        if (!heldForDeparture(entry.owner(), removal)) {
            write(removal);
        }
    }

    /**
     * Holds {@code removal}, of a registration of {@code owner}, if the owner is leaving: {@link #retired} writes it
     * once the owner's own entry is gone. False when it is to be written now.
     */
    private boolean heldForDeparture(Worker owner, Runnable removal) {
        if (!owner.isRetired()) {
            return false;
        }
        synchronized (leaving) {
            if (!announced.contains(owner.id())) {
                return false;
            }
            leaving.computeIfAbsent(owner, w -> new ArrayList<>()).add(removal);
            return true;
        }
    }

    @Override
    public void registered(Trigger trigger, TriggerType type) {
        if (shared(trigger) && ownTriggers.put(trigger.id(), trigger) != trigger) { // not one put back by triggerPut
            announce(trigger.owner());
            var text = Registrations.trigger(Node.local(), trigger);
            put(Grid.Kind.TRIGGERS, trigger.id(), text);
        }
    }

    @Override
    public void removed(Trigger trigger, TriggerType type) {
        var now = triggerRegistry.trigger(trigger.id());
        // one that another registration of its id replaced stays in the grid: the map says which is the newest
        if (shared(trigger) && (now == null || now == trigger) && ownTriggers.remove(trigger.id(), trigger)) {
            var text = Registrations.trigger(Node.local(), trigger);
            Runnable removal = () -> grid.remove(Grid.Kind.TRIGGERS, trigger.id(), text);
            if (!heldForDeparture(trigger.owner(), removal)) {
                write(removal);
            }
        }
    }

    /** A provider of this engine refused a trigger: the other engines park it too (and tell its worker). */
    @Override
    public void refused(Trigger trigger, Worker provider, TriggerRegistrationResult result) {
        if (provider.isMirror()) {
            return;
        }
        var message = REFUSED + Node.local() + "\n" + Codec.encode(result);
        write(() -> grid.nodes().stream().filter(node -> !node.equals(Node.local()))
                .forEach(node -> grid.send(node, message)));
    }

    private void serviceRegistered(ServiceEntry service) {
        if (service.owner() != null && !service.owner().isMirror()) {
            announce(service.owner());
            ownServices.put(service.id(), service);
            var text = Registrations.service(Node.local(), service);
            put(Grid.Kind.SERVICES, service.id(), text);
        }
    }

    @Override
    public void typeRegistered(TriggerType type) {
        if (!provides(type)) {
            // another engine's registration is the newest now
            ownTypes.remove(type.id());
            return;
        }
        announce(type.provider());
        ownTypes.put(type.id(), type);
        writeType(type);
    }

    /** Writes one of this engine's types; its write counts until the map reports it back. */
    private void writeType(TriggerType type) {
        write(putting(Grid.Kind.TYPES, Map.of(type.id(), Registrations.type(Node.local(), type))));
    }

    /**
     * The write of entries of this engine into one map. A type's write counts from now until the map reports it back
     * (while it counts, the map's events of the type from other engines are of older registrations).
     */
    private Runnable putting(Grid.Kind kind, Map<String, String> entries) {
        if (kind == Grid.Kind.TYPES) {
            entries.keySet().forEach(id -> typeWrites.merge(id, 1, Integer::sum));
        }
        return () -> {
            try {
                grid.put(kind, entries);
            } catch (RuntimeException e) {
                if (kind == Grid.Kind.TYPES) {
                    entries.keySet().forEach(this::typeWritten);
                }
                throw e;
            }
        };
    }

    /**
     * The grid texts of this engine's own registrations of {@code kind} (workers announced, functions, services,
     * types provided, triggers in place) of the workers {@code of} accepts.
     */
    private Map<String, String> ownEntries(Grid.Kind kind, Predicate<Worker> of) {
        var entries = new LinkedHashMap<String, String>();
        var node = Node.local();
        switch (kind) {
            case WORKERS -> announced.stream().map(workers::get).filter(worker -> worker != null && of.test(worker))
                    .forEach(worker -> entries.put(worker.id().toString(), Registrations.worker(node, worker)));
            case FUNCTIONS -> own.values().stream().filter(entry -> of.test(entry.owner()))
                    .forEach(entry -> entries.put(entry.id(), Registrations.function(node, entry)));
            case SERVICES -> ownServices.values().stream().filter(service -> of.test(service.owner()))
                    .forEach(service -> entries.put(service.id(), Registrations.service(node, service)));
            case TYPES -> ownTypes.values().stream().filter(type -> of.test(type.provider()))
                    .forEach(type -> entries.put(type.id(), Registrations.type(node, type)));
            case TRIGGERS -> ownTriggers.values().stream()
                    .filter(trigger -> of.test(trigger.owner()) && triggerRegistry.trigger(trigger.id()) == trigger)
                    .forEach(trigger -> entries.put(trigger.id(), Registrations.trigger(node, trigger)));
        }
        return entries;
    }

    /** One of this engine's writes of type {@code id} is in the grid's map (or failed). */
    private void typeWritten(String id) {
        typeWrites.computeIfPresent(id, (key, count) -> count > 1 ? count - 1 : null);
    }

    @Override
    public void typeUnregistered(TriggerType type) {
        if (provides(type)) {
            ownTypes.remove(type.id(), type);
            var text = Registrations.type(Node.local(), type);
            write(() -> grid.remove(Grid.Kind.TYPES, type.id(), text));
        }
    }

    private static boolean provides(TriggerType type) {
        return type.provider() != null && !type.provider().isMirror();
    }

    /** Whether the other engines are to know of a trigger: one of this engine's workers'. */
    private static boolean shared(Trigger trigger) {
        return trigger.owner() != null && !trigger.owner().isMirror();
    }

    private static boolean ownsHere(FunctionEntry entry) {
        return entry.builtin() == null && entry.owner() != null && !entry.owner().isMirror();
    }

    /**
     * Other engines learn of a worker of this one as it connects (so that their listings and discovery events have it
     * as this engine's do), or, if that write has not happened yet, when it registers something.
     */
    private void announce(Worker worker) {
        announce(worker, false);
    }

    void connected(@Observes WorkerConnected event) {
        var worker = event.worker();
        if (grid != null && !worker.isMirror()) {
            announce(worker);
        }
    }

    /**
     * Writes the worker's entry the first time (or {@code again}), never once it has left: a registration that races
     * its worker's cleanup must not leave the entry behind. With {@link #retired}, which takes it out of
     * {@link #announced} under the same lock, the put is queued before the removal or not at all.
     */
    private void announce(Worker worker, boolean again) {
        synchronized (leaving) {
            if (worker.isRetired() || !announced.add(worker.id()) && !again) {
                return;
            }
            var text = Registrations.worker(Node.local(), worker);
            put(Grid.Kind.WORKERS, worker.id().toString(), text);
        }
    }

    void metadataUpdated(@Observes WorkerMetadataUpdated event) {
        var worker = event.worker();
        if (grid != null && !worker.isMirror()) {
            announce(worker, true);
        }
    }

    void retired(@Observes WorkerRetired event) {
        var worker = event.worker();
        if (grid == null) {
            return;
        }
        if (worker.isMirror()) {
            mirrors.remove(worker.id(), worker);
            return;
        }
        own.values().removeIf(entry -> entry.owner() == worker);
        ownTriggers.values().removeIf(trigger -> trigger.owner() == worker);
        for (var service : ownServices.values()) {
            if (service.owner() == worker && ownServices.remove(service.id(), service)) {
                var text = Registrations.service(Node.local(), service);
                write(() -> grid.remove(Grid.Kind.SERVICES, service.id(), text));
            }
        }
        for (var type : ownTypes.values()) {
            if (type.provider() == worker && ownTypes.remove(type.id(), type)) {
                var text = Registrations.type(Node.local(), type);
                write(() -> grid.remove(Grid.Kind.TYPES, type.id(), text));
            }
        }
        synchronized (leaving) {
            var removals = leaving.remove(worker);
            if (announced.remove(worker.id())) { // held removals are only ever those of a worker announced
                write(() -> {
                    grid.remove(Grid.Kind.WORKERS, worker.id().toString(), null);
                    if (removals != null) {
                        removals.forEach(departures::add);
                    }
                });
            }
        }
    }

    private void write(Runnable operation) {
        writes.add(operation);
    }

    /** Writes one entry. */
    private void put(Grid.Kind kind, String id, String text) {
        write(() -> grid.put(kind, Map.of(id, text)));
    }

    /** Grid writes run one at a time, in order, on the engine's executor (they may wait for the network). */
    private final class Lane {

        private final ConcurrentLinkedQueue<Runnable> operations = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean();

        void add(Runnable operation) {
            operations.add(operation);
            if (running.compareAndSet(false, true)) {
                try {
                    executors.executor().execute(this::drain);
                } catch (RejectedExecutionException e) {
                    // the engine is stopping: the other engines remove this one's entries when it leaves
                    running.set(false);
                    operations.clear();
                }
            }
        }

        private void drain() {
            do {
                Runnable operation;
                while ((operation = operations.poll()) != null) {
                    try {
                        if (operation instanceof FunctionPut put) {
                            // a burst of registrations goes out as one putAll (later puts of an id win, as they
                            // would)
                            var batch = new LinkedHashMap<String, String>();
                            batch.put(put.id(), put.text());
                            while (batch.size() < BATCH && operations.peek() instanceof FunctionPut next) {
                                operations.poll();
                                batch.put(next.id(), next.text());
                            }
                            grid.put(Grid.Kind.FUNCTIONS, batch);
                        } else {
                            operation.run();
                        }
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "A write to the cluster failed", e);
                    }
                }
                running.set(false);
            } while (!operations.isEmpty() && running.compareAndSet(false, true));
        }
    }

    // ---- the other engines' registrations, in from the grid

    /**
     * Whether an entry of {@code node} belongs to another engine of the cluster now: not to this one, nor to one
     * that has left (an entry written just before its engine left, or one that a merge brings back under an
     * engine's former id, is not made a mirror; the purge removes it).
     */
    private boolean elsewhere(String node) {
        return !node.equals(Node.local()) && grid.member(node);
    }

    @Override
    public void workerPut(String id, String value) {
        var row = Registrations.worker(id, value);
        if (!elsewhere(row.node())) {
            return;
        }
        var mirror = mirror(row.node(), row.id(), row.ipAddress(), row.connectedAt(), true);
        unconfirmed.remove(mirror);
        var before = mirror.metadata();
        mirror.metadata(row.metadata());
        // as on the worker's engine: an update when it describes itself, none for its entry written as it connected
        if (!row.metadata().equals(before)) {
            metadataUpdated.fire(new WorkerMetadataUpdated(mirror));
        }
    }

    @Override
    public void workerRemoved(String id, String value) {
        if (Node.local().equals(Registrations.node(value))) {
            var worker = workers.get(UUID.fromString(id));
            if (worker != null && !worker.isRetired() && announced.contains(worker.id())) {
                writtenAgain(Grid.Kind.WORKERS, id);
                announceWithEverything(worker);
            }
            return;
        }
        var mirror = mirrors.remove(UUID.fromString(id));
        if (mirror != null) {
            cleanup.retire(mirror);
        }
    }

    @Override
    public void functionPut(String id, String value) {
        if (Node.local().equals(Registrations.node(value))) {
            restoreOwn(id, value);
            return;
        }
        var row = Registrations.function(value);
        if (!elsewhere(row.node())) {
            return;
        }
        var mirror = mirror(row.node(), row.worker(), null, Instant.now());
        var entry = FunctionEntry.ofWorker(id, row.description(), row.requestFormat(), row.responseFormat(),
                row.metadata(), mirror);
        mirror.functionIds().add(id);
        var replaced = functions.register(entry);
        if (replaced != null && replaced.owner() != null && replaced.owner() != mirror) {
            replaced.owner().functionIds().remove(id);
            if (!replaced.owner().isMirror()) {
                LOG.warning(() -> "Function " + id + " moved from worker " + replaced.owner() + " to worker "
                        + mirror + " of engine " + row.node());
            }
        }
        settle(mirror);
    }

    /**
     * The map says a registration of this engine is the newest: put it back if another one came in before it. (The
     * text is read only then: each of this engine's registrations comes back here, and is usually still in place.)
     */
    private void restoreOwn(String id, String value) {
        var mine = own.get(id);
        if (mine == null || functions.get(id) == mine || mine.owner().isRetired()
                || !mine.owner().id().equals(Registrations.function(value).worker())) {
            return;
        }
        mine.owner().functionIds().add(id);
        var replaced = functions.register(mine);
        if (replaced != null && replaced.owner() != null && replaced.owner() != mine.owner()) {
            replaced.owner().functionIds().remove(id);
        }
    }

    @Override
    public void functionRemoved(String id, String value) {
        if (Node.local().equals(Registrations.node(value))) {
            var mine = own.get(id);
            if (mine != null && functions.get(id) == mine && value.equals(Registrations.function(Node.local(), mine))) {
                writtenAgain(Grid.Kind.FUNCTIONS, id);
                write(new FunctionPut(id, value));
            }
            return;
        }
        var row = Registrations.function(value);
        var mirror = mirrors.get(row.worker());
        if (mirror != null) {
            mirror.functionIds().remove(id);
            functions.removeIfOwner(id, mirror);
        }
    }

    /** A service goes with its worker, whose mirror takes it along; only one of this engine's is put back. */
    @Override
    public void serviceRemoved(String id, String value) {
        var mine = ownServices.get(id);
        if (Node.local().equals(Registrations.node(value)) && mine != null
                && value.equals(Registrations.service(Node.local(), mine))) {
            writtenAgain(Grid.Kind.SERVICES, id);
            put(Grid.Kind.SERVICES, id, value);
        }
    }

    @Override
    public void servicePut(String id, String value) {
        var row = Registrations.service(value);
        if (elsewhere(row.node())) {
            var mirror = mirror(row.node(), row.worker(), null, Instant.now());
            services.register(new ServiceEntry(id, row.name(), row.description(), row.parentServiceId(), mirror));
            settle(mirror);
        }
    }

    @Override
    public void typePut(String id, String value) {
        var row = Registrations.type(value);
        if (row.node().equals(Node.local())) {
            typeWritten(id);
            return;
        }
        if (!elsewhere(row.node())) {
            return;
        }
        var mirror = mirror(row.node(), row.worker(), null, Instant.now());
        // while a write of this engine's is on its way, the map's events before it are of older registrations
        triggers.registerType(mirror, new RegisterTriggerType(id, row.description(), row.triggerRequestFormat(),
                row.callRequestFormat()), () -> !typeWrites.containsKey(id));
        settle(mirror);
        applyHeldRefusals();
    }

    @Override
    public void typeRemoved(String id, String value) {
        var row = Registrations.type(value);
        var mine = ownTypes.get(id);
        if (row.node().equals(Node.local()) && mine != null && triggerRegistry.type(id) == mine
                && value.equals(Registrations.type(Node.local(), mine))) {
            writtenAgain(Grid.Kind.TYPES, id);
            writeType(mine);
        }
        var mirror = row.node().equals(Node.local()) ? null : mirrors.get(row.worker());
        if (mirror != null) {
            triggers.unregisterType(mirror, id);
        }
    }

    @Override
    public void triggerPut(String id, String value) {
        var row = Registrations.trigger(value);
        if (row.node().equals(Node.local())) {
            restoreOwn(id, row);
            return;
        }
        if (!elsewhere(row.node())) {
            return;
        }
        var mirror = mirror(row.node(), row.worker(), null, Instant.now());
        triggers.register(new Trigger(id, row.type(), row.functionId(), row.config(), row.metadata(), mirror,
                row.stamp()));
        settle(mirror);
        applyHeldRefusals();
    }

    /**
     * The map says a trigger of this engine is the newest of its id: put it back if another engine's came in before
     * it (both engines registered the id at once, and the other engine's write reached the map first).
     */
    private void restoreOwn(String id, Registrations.TriggerRow row) {
        var mine = ownTriggers.get(id);
        if (mine != null && triggerRegistry.trigger(id) != mine && !mine.owner().isRetired()
                && mine.owner().id().equals(row.worker())) {
            triggers.register(mine);
            if (mine.owner().isRetired()) {
                // its worker's cleanup may have run before it was put back
                cleanup.sweep(mine.owner());
            }
        }
    }

    @Override
    public void triggerRemoved(String id, String value) {
        var row = Registrations.trigger(value);
        var mine = ownTriggers.get(id);
        if (row.node().equals(Node.local()) && mine != null && triggerRegistry.trigger(id) == mine
                && value.equals(Registrations.trigger(Node.local(), mine))) {
            writtenAgain(Grid.Kind.TRIGGERS, id);
            put(Grid.Kind.TRIGGERS, id, value);
        }
        var mirror = row.node().equals(Node.local()) ? null : mirrors.get(row.worker());
        if (mirror != null) {
            triggers.unregister(mirror, new UnregisterTrigger(id, row.type()));
        }
    }

    /**
     * An entry of this engine's that is still registered here was removed from the grid by another engine (the last
     * removal of a purge begun while the engines were apart can reach the maps after they merged again): it is
     * written again.
     */
    private static void writtenAgain(Grid.Kind kind, String id) {
        LOG.info(() -> "The cluster's " + kind.name().toLowerCase(Locale.ROOT) + " entry " + id + " of this engine"
                + " was removed elsewhere while still registered here; written again");
    }

    /**
     * Writes a worker's entry and everything it registered again: the other engines dropped all of it with the
     * worker's entry, and take it back in this order.
     */
    private void announceWithEverything(Worker worker) {
        announce(worker, true);
        for (var kind : EnumSet.range(Grid.Kind.FUNCTIONS, Grid.Kind.TRIGGERS)) {
            var entries = ownEntries(kind, owner -> owner == worker);
            if (!entries.isEmpty()) {
                write(putting(kind, entries));
            }
        }
    }

    /** The mirror of a worker of engine {@code node}, made (and announced to this engine's workers) if new. */
    private Worker mirror(String node, UUID id, String ipAddress, Instant connectedAt) {
        return mirror(node, id, ipAddress, connectedAt, false);
    }

    /**
     * A mirror made for a registration before the worker's own entry came may be one of a worker that has left
     * already (the grid's maps have no order between them): it is checked, once what it came with is registered.
     */
    private Worker mirror(String node, UUID id, String ipAddress, Instant connectedAt, boolean listed) {
        var existing = mirrors.get(id);
        if (existing != null) {
            return existing;
        }
        var channel = new MirrorChannel(node);
        var made = Worker.mirror(id, node, connectedAt, ipAddress, channel);
        channel.worker = made;
        var mirror = mirrors.putIfAbsent(id, made);
        if (mirror != null) {
            return mirror;
        }
        if (!listed) {
            unconfirmed.add(made);
        }
        workers.add(made);
        connected.fire(new WorkerConnected(made));
        return made;
    }

    /**
     * After a registration for {@code mirror}: if its worker has left meanwhile, what came with it goes too; if the
     * mirror was made for it, it stays only if the worker's entry is in the grid (its removal, if it comes later,
     * retires the mirror then).
     */
    private void settle(Worker mirror) {
        if (mirror.isRetired()) {
            cleanup.sweep(mirror);
        } else if (unconfirmed.remove(mirror)) {
            try {
                executors.executor().execute(() -> {
                    if (!grid.contains(Grid.Kind.WORKERS, mirror.id().toString())
                            && mirrors.remove(mirror.id(), mirror)) {
                        cleanup.retire(mirror);
                    }
                });
            } catch (RejectedExecutionException e) {
                // the engine is stopping
            }
        }
    }

    @Override
    public void nodeJoined(String node) {
        if (!node.equals(Node.local()) && others.add(node)) {
            LOG.info(() -> "Engine " + node + " joined the cluster " + name);
        }
    }

    @Override
    public void nodeLeft(String node) {
        if (!others.remove(node)) {
            return; // the event and the watch both saw it go
        }
        var gone = mirrors.values().stream().filter(mirror -> mirror.node().equals(node)).toList();
        for (var mirror : gone) {
            mirrors.remove(mirror.id(), mirror);
            cleanup.retire(mirror);
        }
        heldRefusals.values().removeIf(held -> held.origin().equals(node));
        relay.nodeLeft(node);
        LOG.info(() -> "Engine " + node + " left the cluster " + name + "; its " + gone.size()
                + " worker(s) removed here");
        write(() -> grid.purge(true));
    }

    @Override
    public void merged() {
        var former = Node.local();
        Node.local(grid.localNode());
        knowOthers();
        relay.start(Node.local()); // the relays to other engines' channels start from the new id
        LOG.info(() -> "Back in the cluster " + name + " after a split, as engine " + Node.local()
                + (former.equals(Node.local()) ? "" : " (was " + former + ")")
                + "; this engine's registrations announced again");
        write(() -> {
            for (var kind : Grid.Kind.values()) {
                var entries = ownEntries(kind, worker -> true);
                if (!entries.isEmpty()) {
                    putting(kind, entries).run();
                }
            }
            // what the maps still hold of engines gone, this one's former id among them
            grid.purge(false);
        });
    }

    // ---- calls between engines

    /** A worker of another engine: what the engine sends it goes to that engine. */
    private final class MirrorChannel implements WorkerChannel {

        private final String node;
        private volatile Worker worker;

        MirrorChannel(String node) {
            this.node = node;
        }

        /** Only calls go to another engine's worker; the engine there sends it everything else. */
        @Override
        public void send(String frame) {
        }

        @Override
        public void sendCall(String frame, long timeoutMillis) {
            grid.send(node, CALL + Node.local() + "\n" + worker.id() + "\n" + timeoutMillis + "\n" + frame);
        }

        /** The grid watches the other engine; its worker is there as long as its registration is. */
        @Override
        public void ping() {
            worker.heard();
        }

        @Override
        public void close(String reason) {
            // the worker's own engine closes it
        }
    }

    @Override
    public void message(String message) {
        try {
            if (message.startsWith(ChannelRelay.PREFIX)) {
                relay.message(message);
            } else if (message.startsWith(REATTACH)) {
                var parts = message.substring(REATTACH.length()).split("\n", -1);
                reattached(parts[0], parts[1], parts[2].isEmpty() ? null : parts[2]);
            } else if (message.startsWith(CALL)) {
                var originEnd = message.indexOf('\n', CALL.length());
                var workerEnd = message.indexOf('\n', originEnd + 1);
                var timeoutEnd = message.indexOf('\n', workerEnd + 1);
                called(message.substring(CALL.length(), originEnd), message.substring(originEnd + 1, workerEnd),
                        Long.parseLong(message, workerEnd + 1, timeoutEnd, 10), message.substring(timeoutEnd + 1));
            } else if (message.startsWith(REFUSED)) {
                var originEnd = message.indexOf('\n', REFUSED.length());
                refusedThere(message.substring(REFUSED.length(), originEnd), message.substring(originEnd + 1));
            } else if (message.startsWith(RESULT)) {
                var workerEnd = message.indexOf('\n', RESULT.length());
                answered(UUID.fromString(message.substring(RESULT.length(), workerEnd)),
                        message.substring(workerEnd + 1));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A message from another engine was not understood", e);
        }
    }

    /**
     * Another engine sent a call to this engine's worker {@code workerId}: made here within the caller's deadline
     * ({@code timeoutMillis}, kept by the caller's engine, whatever this one's own), answered there.
     */
    private void called(String origin, String workerId, long timeoutMillis, String frame) {
        if (!(Codec.decode(frame) instanceof InvokeFunction call)) {
            return;
        }
        invoker.invoke(new Call(call.invocationId(), call.functionId(), call.data(), call.traceparent(),
                call.baggage(), call.metadata(), null, false), timeoutMillis).thenAccept(outcome -> grid.send(origin,
                RESULT + workerId + "\n" + Codec.encode(new InvocationResult(call.invocationId(), call.functionId(),
                        outcome.result(), outcome.error(), outcome.traceparent(), outcome.baggage()))));
    }

    /**
     * A worker reconnected through this engine names its previous connection, {@code previous}, of another engine:
     * that engine checks {@code token} (and {@code identity}, that of an RBAC session, when not null) and retires
     * the previous connection, as on one engine.
     */
    public void reattach(Worker previous, String token, String identity) {
        grid.send(previous.node(), REATTACH + previous.id() + "\n" + (token == null ? "" : token) + "\n"
                + (identity == null ? "" : identity));
    }

    /** A worker reconnected through another engine names this engine's {@code workerId} as its previous connection. */
    private void reattached(String workerId, String token, String identity) {
        Worker previous;
        try {
            previous = workers.get(UUID.fromString(workerId));
        } catch (IllegalArgumentException e) {
            return;
        }
        if (previous == null || previous.isMirror()) {
            return;
        }
        if (!previous.mayBeReplacedBy(token, identity)) {
            badInput.report(LOG, null, BadInput.REATTACH_REFUSED, () -> "A worker reconnected through another"
                    + " engine tried to reattach to " + previous + " without its token");
            return;
        }
        LOG.info(() -> "Worker " + previous + " was replaced by a new connection through another engine");
        cleanup.retire(previous);
        previous.close("replaced by a new connection of the same worker");
    }

    /**
     * The provider of a trigger's type on engine {@code origin} refused it: parked here too, as it is there, now or
     * once the trigger and its type's registration by that provider have come here.
     */
    private void refusedThere(String origin, String frame) {
        if (Codec.decode(frame) instanceof TriggerRegistrationResult result && !applied(origin, result)) {
            heldRefusals.put(result.id(), new HeldRefusal(origin, result, System.nanoTime() + REFUSAL_HOLD_NANOS));
        }
    }

    private record HeldRefusal(String origin, TriggerRegistrationResult result, long until) {
    }

    /** Parks the refused trigger, if this engine has it under the type of a provider of {@code origin}. */
    private boolean applied(String origin, TriggerRegistrationResult result) {
        var trigger = triggerRegistry.trigger(result.id());
        var type = trigger == null ? null : triggerRegistry.type(trigger.type());
        if (type == null || type.provider() == null || !type.provider().node().equals(origin)
                || !trigger.type().equals(result.triggerType())) {
            return false;
        }
        triggers.providerResult(type.provider(), result);
        return true;
    }

    /** After a trigger or type came: the refusals that were waiting for it, and those that waited too long, go. */
    private void applyHeldRefusals() {
        if (heldRefusals.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        heldRefusals.forEach((id, held) -> {
            if (now - held.until() > 0 || applied(held.origin(), held.result())) {
                heldRefusals.remove(id, held);
            }
        });
    }

    private void answered(UUID workerId, String frame) {
        var mirror = mirrors.get(workerId);
        if (mirror != null && Codec.decode(frame) instanceof InvocationResult result) {
            invoker.answer(mirror, result);
        }
    }
}
