package iii.engine.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.badinput.BadInputLog;
import iii.engine.channel.Channels;
import iii.engine.config.EngineConfig;
import iii.engine.config.EngineExecutors;
import iii.engine.core.TestEngine.DirectEvent;
import iii.engine.invocation.Call;
import iii.engine.invocation.InvocationObserver;
import iii.engine.invocation.Invoker;
import iii.engine.lifecycle.WorkerCleanup;
import iii.engine.protocol.Codec;
import iii.engine.protocol.Message.InvokeFunction;
import iii.engine.protocol.Message.RegisterTrigger;
import iii.engine.protocol.Message.RegisterTriggerType;
import iii.engine.protocol.Message.TriggerRegistrationResult;
import iii.engine.protocol.RawJson;
import iii.engine.registry.FunctionEntry;
import iii.engine.registry.BuiltinTriggerType;
import iii.engine.registry.FunctionRegistry;
import iii.engine.registry.Node;
import iii.engine.registry.RecordingChannel;
import iii.engine.registry.ServiceEntry;
import iii.engine.registry.ServiceRegistry;
import iii.engine.registry.Trigger;
import iii.engine.registry.TriggerRegistry;
import iii.engine.registry.TriggerRejectedException;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerConnected;
import iii.engine.registry.WorkerRegistry;
import iii.engine.trigger.Triggers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * One engine's {@link Cluster} on a grid of maps in memory, whose events the tests deliver themselves, in the orders
 * the grid's unordered maps and racing engines can produce.
 */
class ClusterTest {

    private static final String THERE = "engine-there";

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final EngineExecutors executors = new EngineExecutors(Runnable::run, scheduler);
    private final BadInputLog badInput = new BadInputLog(executors);
    private final WorkerRegistry workers = new WorkerRegistry();
    private final FunctionRegistry functions = new FunctionRegistry();
    private final TriggerRegistry triggerRegistry = new TriggerRegistry();
    private final ServiceRegistry services = new ServiceRegistry();
    private final Triggers triggers = new Triggers(triggerRegistry, badInput);
    private final Invoker invoker = new Invoker(functions, new EngineConfig(1024 * 1024, 600_000, 10, 1 << 20, 0,
            1L << 26), executors, InvocationObserver.NONE, badInput);
    private final MapGrid grid = new MapGrid("engine-here", List.of("engine-here", THERE));
    /** The worker events this engine's subscribers were told of ({@code connected|updated id}). */
    private final List<String> told = new CopyOnWriteArrayList<>();
    private final Channels channels = new Channels(System::currentTimeMillis);
    private Cluster cluster;
    private WorkerCleanup cleanup;

    @BeforeEach
    void join() {
        var holder = new Cluster[1];
        cleanup = new WorkerCleanup(workers, functions, services, triggers, invoker,
                channels, new DirectEvent<>(event -> holder[0].retired(event)));
        cluster = new Cluster(functions, triggers, triggerRegistry, services, workers, cleanup, invoker, executors,
                new DirectEvent<>(event -> told.add("connected " + event.worker().id())),
                new DirectEvent<>(event -> told.add("updated " + event.worker().id())), channels, badInput, Optional.empty(),
                Optional.of(true),
                "test");
        holder[0] = cluster;
        cluster.join(grid);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static String workerText() {
        return "{\"node\":\"" + THERE + "\",\"name\":\"there\",\"connected_at_ms\":0}";
    }

    /** A worker of the other engine whose own entry is in the grid. */
    private UUID workerListedThere() {
        var there = UUID.randomUUID();
        grid.map(Grid.Kind.WORKERS).put(there.toString(), workerText());
        return there;
    }

    /** An engine type that records the ids of the instances it holds and refuses the one of id {@code refused}. */
    private static BuiltinTriggerType recordingType(List<String> registered, String refused) {
        return new BuiltinTriggerType() {
            @Override
            public void register(Trigger trigger) throws TriggerRejectedException {
                if (trigger.id().equals(refused)) {
                    throw new TriggerRejectedException("bad config");
                }
                registered.add(trigger.id());
            }

            @Override
            public void unregister(Trigger trigger) {
                registered.remove(trigger.id());
            }
        };
    }

    private static String entryText(UUID worker) {
        return "{\"node\":\"" + THERE + "\",\"worker\":\"" + worker + "\"}";
    }

    @Test
    void a_function_that_comes_after_its_worker_left_leaves_no_stand_in() {
        var worker = UUID.randomUUID();
        grid.map(Grid.Kind.WORKERS).put(worker.toString(), workerText());
        cluster.workerPut(worker.toString(), workerText());
        grid.map(Grid.Kind.WORKERS).remove(worker.toString());
        cluster.workerRemoved(worker.toString(), workerText());

        cluster.functionPut("late::f", entryText(worker));
        cluster.servicePut("late", "{\"node\":\"" + THERE + "\",\"worker\":\"" + worker + "\",\"name\":\"late\"}");

        assertNull(workers.get(worker), "no stand-in of the departed worker");
        assertNull(functions.get("late::f"));
        assertTrue(services.all().isEmpty());
    }

    @Test
    void a_function_that_comes_before_its_worker_keeps_the_mirror_until_the_worker_leaves() {
        var worker = UUID.randomUUID();
        grid.map(Grid.Kind.WORKERS).put(worker.toString(), workerText());

        cluster.functionPut("early::f", entryText(worker));
        assertNotNull(workers.get(worker));
        assertSame(workers.get(worker), functions.get("early::f").owner());
        cluster.workerPut(worker.toString(), workerText());
        assertEquals("there", workers.get(worker).metadata().name());

        grid.map(Grid.Kind.WORKERS).remove(worker.toString());
        cluster.workerRemoved(worker.toString(), workerText());
        assertNull(workers.get(worker));
        assertNull(functions.get("early::f"));
    }

    @Test
    void a_leaving_workers_entry_is_removed_before_its_functions_and_triggers_so_other_engines_drop_them_at_once() {
        var leaving = new Worker(new RecordingChannel(), "127.0.0.1");
        workers.add(leaving);
        var staying = new Worker(new RecordingChannel(), "127.0.0.1");
        workers.add(staying);
        for (var owner : List.of(leaving, staying)) {
            for (int i = 0; i < 3; i++) {
                var id = owner.id() + "::f" + i;
                owner.functionIds().add(id);
                functions.register(FunctionEntry.ofWorker(id, null, null, null, null, owner));
            }
        }
        triggers.register(leaving, new RegisterTrigger("t-leaving", "tick", leaving.id() + "::f0", null, null));
        assertEquals(6, grid.map(Grid.Kind.FUNCTIONS).size());
        assertTrue(grid.map(Grid.Kind.TRIGGERS).containsKey("t-leaving"));
        grid.removals.clear();

        cleanup.retire(leaving);

        assertEquals("WORKERS " + leaving.id(), grid.removals.get(0), "the worker's entry goes first");
        assertEquals(List.of("FUNCTIONS " + leaving.id() + "::f0", "FUNCTIONS " + leaving.id() + "::f1",
                "FUNCTIONS " + leaving.id() + "::f2", "TRIGGERS t-leaving"), grid.removals.subList(1,
                grid.removals.size()).stream().sorted().toList(), "then its functions and triggers");
        assertEquals(3, grid.map(Grid.Kind.FUNCTIONS).size(), "the other worker's stay");
        assertTrue(grid.map(Grid.Kind.WORKERS).containsKey(staying.id().toString()));

        // one that came in for it after its cleanup ran is removed at once
        var late = FunctionEntry.ofWorker(leaving.id() + "::late", null, null, null, null, leaving);
        grid.map(Grid.Kind.FUNCTIONS).put(late.id(), Registrations.function(Node.local(), late));
        cluster.removed(late);
        assertFalse(grid.map(Grid.Kind.FUNCTIONS).containsKey(late.id()));
    }

    @Test
    void a_registration_that_races_its_workers_cleanup_leaves_neither_the_worker_nor_the_function_in_the_grid() {
        var worker = new Worker(new RecordingChannel(), "127.0.0.1");
        workers.add(worker);
        var first = FunctionEntry.ofWorker("racing::first", null, null, null, null, worker);
        worker.functionIds().add(first.id());
        functions.register(first);
        cleanup.retire(worker);
        assertTrue(grid.map(Grid.Kind.WORKERS).isEmpty());

        // as RegisterFunctionHandler does with a frame that came in while the worker was being cleaned up
        var late = FunctionEntry.ofWorker("racing::late", null, null, null, null, worker);
        worker.functionIds().add(late.id());
        functions.register(late);
        functions.removeIfOwner(late.id(), worker);

        assertTrue(grid.map(Grid.Kind.WORKERS).isEmpty(), "the departed worker is not announced again");
        assertTrue(grid.map(Grid.Kind.FUNCTIONS).isEmpty(), "the late function's entry is removed");
    }

    @Test
    void functions_racing_their_workers_departure_never_leave_a_stand_in() throws Exception {
        for (int round = 0; round < 200; round++) {
            var worker = UUID.randomUUID();
            var id = "race::f" + round;
            grid.map(Grid.Kind.WORKERS).put(worker.toString(), workerText());
            cluster.workerPut(worker.toString(), workerText());
            var start = new CyclicBarrier(2);
            var registering = new Thread(() -> {
                await(start);
                cluster.functionPut(id, entryText(worker));
            });
            registering.start();
            await(start);
            grid.map(Grid.Kind.FUNCTIONS).remove(id);
            grid.map(Grid.Kind.WORKERS).remove(worker.toString());
            cluster.workerRemoved(worker.toString(), workerText());
            registering.join();

            assertNull(workers.get(worker), "round " + round);
            assertNull(functions.get(id), "round " + round);
        }
        assertTrue(workers.all().isEmpty());
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void another_engines_type_the_map_reports_before_this_engines_own_write_is_older_and_not_applied() {
        var provider = new RecordingChannel();
        var local = new Worker(provider, "127.0.0.1");
        workers.add(local);
        var consumer = new Worker(new RecordingChannel(), "127.0.0.1");
        workers.add(consumer);
        triggers.register(consumer, new RegisterTrigger("t1", "raced", "f", null, null));
        var there = workerListedThere();
        grid.holdWrites = true;

        triggers.registerType(local, new RegisterTriggerType("raced", "here", null, null));
        cluster.typePut("raced", entryText(there));
        assertSame(local, triggerRegistry.type("raced").provider(), "the older registration is not applied");
        grid.release();
        cluster.typePut("raced", grid.map(Grid.Kind.TYPES).get("raced"));

        assertSame(local, triggerRegistry.type("raced").provider());
        assertEquals(1, provider.frames("registertrigger").size(), provider.frames::toString);

        cluster.typePut("raced", entryText(there));
        var newer = triggerRegistry.type("raced").provider();
        assertEquals(there, newer.id(), "a registration after this engine's is the newest");
        assertTrue(newer.isMirror());
        assertEquals(1, provider.frames("registertrigger").size(), provider.frames::toString);
    }

    @Test
    void a_registration_of_another_engine_after_this_engines_own_one_is_applied() {
        var local = new Worker(new RecordingChannel(), "127.0.0.1");
        workers.add(local);
        var there = workerListedThere();

        triggers.registerType(local, new RegisterTriggerType("later", "here", null, null));
        cluster.typePut("later", grid.map(Grid.Kind.TYPES).get("later"));
        cluster.typePut("later", entryText(there));

        assertEquals(there, triggerRegistry.type("later").provider().id());
    }

    @Test
    void another_engines_type_the_map_reports_before_the_merges_rewrite_of_this_engines_own_is_older_and_not_applied() {
        var local = new Worker(new RecordingChannel(), "127.0.0.1");
        workers.add(local);
        var there = workerListedThere();
        triggers.registerType(local, new RegisterTriggerType("merged", "here", null, null));
        cluster.typePut("merged", grid.map(Grid.Kind.TYPES).get("merged"));
        grid.holdWrites = true;

        cluster.merged();
        cluster.typePut("merged", entryText(there));
        assertSame(local, triggerRegistry.type("merged").provider(), "older than the rewrite on its way");
        grid.release();
        cluster.typePut("merged", grid.map(Grid.Kind.TYPES).get("merged"));
        cluster.typePut("merged", entryText(there));

        assertEquals(there, triggerRegistry.type("merged").provider().id(), "one after the rewrite is the newest");
    }

    @Test
    void triggers_of_the_engines_own_types_go_to_the_other_engines_and_come_from_them() {
        var registered = new CopyOnWriteArrayList<String>();
        triggers.addBuiltinType("log", "the engine's own", recordingType(registered, null));
        var local = new Worker(new RecordingChannel(), "127.0.0.1");
        workers.add(local);
        triggers.register(local, new RegisterTrigger("t-here", "log", "here::logs", null, null));
        assertEquals(Node.local(), Registrations.trigger(grid.map(Grid.Kind.TRIGGERS).get("t-here")).node(),
                "the other engines list it, and serve it for what happens on them");

        var there = workerListedThere();
        var mirror = Worker.mirror(there, THERE, Instant.now(), null, new RecordingChannel());
        cluster.triggerPut("t-there", Registrations.trigger(THERE, new Trigger("t-there", "log", "there::logs", null,
                null, mirror)));
        assertTrue(triggerRegistry.isLive(triggerRegistry.trigger("t-there")));
        assertEquals(List.of("t-here", "t-there"), registered);

        cluster.workerRemoved(there.toString(), workerText());
        assertNull(triggerRegistry.trigger("t-there"));
        assertEquals(List.of("t-here"), registered);
    }

    @Test
    void triggers_of_an_engine_type_that_come_from_the_grid_before_the_type_is_in_place_go_to_it_when_it_is() {
        var there = workerListedThere();
        var mirror = Worker.mirror(there, THERE, Instant.now(), null, new RecordingChannel());
        for (var id : List.of("t-early", "t-bad")) {
            cluster.triggerPut(id, Registrations.trigger(THERE, new Trigger(id, "log", "there::logs", null, null,
                    mirror)));
        }
        assertFalse(triggerRegistry.isLive(triggerRegistry.trigger("t-early")), "no such type yet");

        var registered = new CopyOnWriteArrayList<String>();
        triggers.addBuiltinType("log", "the engine's own", recordingType(registered, "t-bad"));

        assertEquals(List.of("t-early"), registered);
        assertTrue(triggerRegistry.isLive(triggerRegistry.trigger("t-early")));
        assertFalse(triggerRegistry.isLive(triggerRegistry.trigger("t-bad")), "refused, so parked");
    }

    @Test
    void a_trigger_id_registered_here_and_on_another_engine_at_once_ends_as_the_map_has_it_on_both() {
        var provider = new RecordingChannel();
        var local = new Worker(provider, "127.0.0.1");
        workers.add(local);
        triggers.registerType(local, new RegisterTriggerType("x", "here", null, null));
        triggers.register(local, new RegisterTrigger("same", "x", "here::f", null, null));
        var mine = grid.map(Grid.Kind.TRIGGERS).get("same");
        var there = workerListedThere();
        var theirs = Registrations.trigger(THERE, new Trigger("same", "y", "there::f", null, null,
                Worker.mirror(there, THERE, Instant.now(), null, new RecordingChannel())));

        // the other engine's write reached the map first: the map reports it, then this engine's
        cluster.triggerPut("same", theirs);
        assertEquals(there, triggerRegistry.trigger("same").owner().id());
        cluster.triggerPut("same", mine);

        assertSame(local, triggerRegistry.trigger("same").owner(), "this engine's, which the map kept, is back");
        assertTrue(triggerRegistry.isLive(triggerRegistry.trigger("same")));
        assertEquals(mine, grid.map(Grid.Kind.TRIGGERS).get("same"), "and stays in the map");
        assertFalse(grid.removals.contains("TRIGGERS same"), grid.removals::toString);
        var delivered = provider.frames("registertrigger");
        assertTrue(delivered.get(delivered.size() - 1).contains("\"here::f\""), delivered::toString);

        // the map's order the other way round: the other engine's is the newest, and this one gives way
        cluster.triggerPut("same", theirs);
        assertEquals(there, triggerRegistry.trigger("same").owner().id());
        cluster.triggerPut("same", theirs.replace("there::f", "there::g"));
        assertEquals("there::g", triggerRegistry.trigger("same").functionId());
    }

    @Test
    void a_refusal_by_another_engines_provider_that_comes_before_the_trigger_and_its_type_parks_it_when_they_come() {
        var provider = UUID.randomUUID();
        var owner = UUID.randomUUID();
        for (var worker : List.of(provider, owner)) {
            grid.map(Grid.Kind.WORKERS).put(worker.toString(), workerText());
        }
        var refused = new TriggerRegistrationResult("t-refused", "ext", "there::f", RawJson.trusted("{\"code\":\"no\"}"));
        var ownerMirror = Worker.mirror(owner, THERE, Instant.now(), null, new RecordingChannel());

        cluster.message("refused\n" + THERE + "\n" + Codec.encode(refused));
        cluster.triggerPut("t-refused", Registrations.trigger(THERE, new Trigger("t-refused", "ext", "there::f", null,
                null, ownerMirror)));
        cluster.typePut("ext", entryText(provider));

        var trigger = triggerRegistry.trigger("t-refused");
        assertNotNull(trigger);
        assertFalse(triggerRegistry.isLive(trigger), "parked, as on the engine of the provider that refused it");
    }

    @Test
    void entries_of_this_engine_removed_elsewhere_while_still_registered_here_are_written_again() {
        var local = new Worker(new RecordingChannel(), "127.0.0.1");
        workers.add(local);
        local.functionIds().add("here::f");
        functions.register(FunctionEntry.ofWorker("here::f", null, null, null, null, local));
        triggers.register(local, new RegisterTrigger("here-t", "tick", "here::f", null, null));
        services.register(new ServiceEntry("here-s", "here", null, null, local));
        triggers.registerType(local, new RegisterTriggerType("here-type", "here", null, null));
        var written = new EnumMap<Grid.Kind, Map<String, String>>(Grid.Kind.class);
        for (var kind : Grid.Kind.values()) {
            written.put(kind, Map.copyOf(grid.map(kind)));
            assertEquals(1, written.get(kind).size(), kind + " " + written.get(kind));
        }

        // another engine's purge, begun while the engines were apart, reaches the maps after the merge
        for (var kind : List.of(Grid.Kind.TRIGGERS, Grid.Kind.TYPES, Grid.Kind.SERVICES, Grid.Kind.FUNCTIONS,
                Grid.Kind.WORKERS)) {
            var entry = written.get(kind).entrySet().iterator().next();
            grid.map(kind).remove(entry.getKey());
            switch (kind) {
                case WORKERS -> cluster.workerRemoved(entry.getKey(), entry.getValue());
                case FUNCTIONS -> cluster.functionRemoved(entry.getKey(), entry.getValue());
                case SERVICES -> cluster.serviceRemoved(entry.getKey(), entry.getValue());
                case TYPES -> cluster.typeRemoved(entry.getKey(), entry.getValue());
                case TRIGGERS -> cluster.triggerRemoved(entry.getKey(), entry.getValue());
            }
            assertEquals(written.get(kind), grid.map(kind), kind + " written again");
        }
        grid.map(Grid.Kind.FUNCTIONS).clear();
        grid.map(Grid.Kind.WORKERS).remove(local.id().toString());
        cluster.workerRemoved(local.id().toString(), written.get(Grid.Kind.WORKERS).get(local.id().toString()));
        for (var kind : Grid.Kind.values()) {
            assertEquals(written.get(kind), grid.map(kind), kind + ": the worker's entry with everything of it");
        }

        // what this engine removed itself stays removed
        functions.removeIfOwner("here::f", local);
        assertTrue(grid.map(Grid.Kind.FUNCTIONS).isEmpty());
        cluster.functionRemoved("here::f", written.get(Grid.Kind.FUNCTIONS).get("here::f"));
        assertTrue(grid.map(Grid.Kind.FUNCTIONS).isEmpty());
    }

    @Test
    void a_call_to_a_worker_of_another_engine_carries_the_callers_deadline_there() {
        var there = workerListedThere();
        cluster.functionPut("there::f", entryText(there));

        invoker.invoke(new Call(UUID.randomUUID(), "there::f", RawJson.EMPTY_OBJECT, null, null, null, null, true),
                1234);

        assertEquals(1, grid.sent.size(), grid.sent::toString);
        assertTrue(grid.sent.get(0).startsWith(THERE + " call\n" + Node.local() + "\n" + there + "\n1234\n{"),
                grid.sent::toString);
    }

    @Test
    void a_call_from_another_engine_times_out_at_the_callers_deadline_not_at_this_engines() throws Exception {
        var local = new Worker(new RecordingChannel(), "127.0.0.1");
        workers.add(local);
        local.functionIds().add("here::slow");
        functions.register(FunctionEntry.ofWorker("here::slow", null, null, null, null, local));
        var id = UUID.randomUUID();
        String frame = Codec.encode(new InvokeFunction(id, "here::slow", RawJson.EMPTY_OBJECT, null, null, null, null));

        cluster.message("call\n" + THERE + "\n" + local.id() + "\n1\n" + frame);
        Thread.sleep(5);
        invoker.expireOverdue();

        // this engine's own limit is 600 s; the caller's 1 ms is what counts
        assertEquals(1, grid.sent.size(), grid.sent::toString);
        String answer = grid.sent.get(0);
        assertTrue(answer.startsWith(THERE + " result\n" + local.id() + "\n"), answer);
        assertTrue(answer.contains(id.toString()) && answer.contains("timed out after 1 ms"), answer);
    }

    @Test
    void a_reattach_through_another_engine_retires_the_previous_connection_here_only_with_its_token() {
        var previous = new Worker(new RecordingChannel(), "127.0.0.1");
        workers.add(previous);
        previous.functionIds().add("here::kept");
        functions.register(FunctionEntry.ofWorker("here::kept", null, null, null, null, previous));

        cluster.message("reattach\n" + previous.id() + "\n" + UUID.randomUUID() + "\n");
        assertFalse(previous.isRetired(), "a wrong token changes nothing");
        assertNotNull(functions.get("here::kept"));
        cluster.message("reattach\n" + previous.id() + "\n" + previous.reattachToken() + "\nrbac:someone-else");
        assertFalse(previous.isRetired(), "nor does another identity's session");

        cluster.message("reattach\n" + previous.id() + "\n" + previous.reattachToken() + "\n");

        assertTrue(previous.isRetired());
        assertNull(workers.get(previous.id()));
        assertNull(functions.get("here::kept"));
    }

    @Test
    void a_reattach_to_a_worker_of_another_engine_goes_to_that_engine() {
        var there = workerListedThere();
        cluster.functionPut("there::f", entryText(there));
        var token = UUID.randomUUID().toString();

        cluster.reattach(workers.get(there), token, null);

        assertEquals(List.of(THERE + " reattach\n" + there + "\n" + token + "\n"), grid.sent);
    }

    @Test
    void a_worker_is_announced_as_it_connects_and_other_engines_tell_of_it_as_its_own_does() {
        var here = new Worker(new RecordingChannel(), "127.0.0.1");
        workers.add(here);

        cluster.connected(new WorkerConnected(here));

        assertTrue(grid.map(Grid.Kind.WORKERS).containsKey(here.id().toString()), "listed elsewhere before it"
                + " describes itself or registers anything");

        var there = UUID.randomUUID();
        String bare = "{\"node\":\"" + THERE + "\",\"connected_at_ms\":0}";
        cluster.workerPut(there.toString(), bare);
        cluster.workerPut(there.toString(), workerText());
        cluster.workerPut(there.toString(), workerText());

        assertEquals(List.of("connected " + there, "updated " + there), told,
                "connected as it connected there, updated once as it described itself, not for the same again");
    }
}
