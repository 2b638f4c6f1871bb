package iii.engine.core;

import iii.engine.config.EngineConfig;
import iii.engine.protocol.Message.RegisterTrigger;
import iii.engine.registry.FunctionEntry;
import iii.engine.registry.RecordingChannel;
import iii.engine.registry.Worker;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RunnableScheduledFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiscoveryEventsTest {

    private final TestEngine engine = new TestEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    private static TestEngine.TestWorker subscribe(TestEngine.TestWorker worker, String type, String function) {
        return worker.say("{\"type\":\"registerfunction\",\"id\":\"" + function + "\"}")
                .say("{\"type\":\"registertrigger\",\"id\":\"" + function + "-t\",\"trigger_type\":\"" + type
                        + "\",\"function_id\":\"" + function + "\",\"config\":{}}");
    }

    private static List<String> ids(JsonObject frame) {
        return frame.getJsonObject("data").getJsonArray("functions").stream()
                .map(row -> row.asJsonObject().getString("function_id")).toList();
    }

    /**
     * A worker of another engine of a cluster, with function {@code function} bound to a trigger {@code triggerId}
     * of {@code type}, as the cluster registers them here; {@code channel} keeps what this engine sends it.
     */
    private void subscribeThere(RecordingChannel channel, String type, String triggerId, String function) {
        var there = Worker.mirror(UUID.randomUUID(), "engine-there", Instant.now(), null, channel);
        engine.workers.add(there);
        engine.functions.register(FunctionEntry.ofWorker(function, null, null, null, null, there));
        engine.triggers.register(there, new RegisterTrigger(triggerId, type, function, null, null));
    }

    @Test
    void anotherEnginesDiscoveryTriggerIsListedButFiresOnlyOnItsOwnEngine() {
        var channel = new RecordingChannel();
        var frames = channel.frames;
        subscribeThere(channel, "workers.available", "there-t", "there::workers");
        var monitor = subscribe(engine.connect(), "workers.available", "here::workers");

        var other = engine.connect();
        var event = monitor.await("invokefunction", frame -> frame.getString("function_id").equals("here::workers")
                && frame.getJsonObject("data").getString("worker_id").equals(other.id()));
        assertEquals("worker_connected", event.getJsonObject("data").getString("event"));
        assertTrue(engine.triggerRegistry.isLive(engine.triggerRegistry.trigger("there-t")), "listed, and live");
        assertEquals(List.of(), frames, "the other engine tells its own subscriber");
    }

    @Test
    void anotherEnginesLogTriggerGetsTheRecordsLoggedOnThisOne() {
        var channel = new RecordingChannel();
        var frames = channel.frames;
        subscribeThere(channel, "log", "there-log", "there::logs");

        engine.connect().say("{\"type\":\"invokefunction\",\"function_id\":\"engine::log::info\",\"data\":"
                + "{\"message\":\"logged here\"}}");
        assertEquals(1, frames.size(), frames::toString);
        var call = TestEngine.parse(frames.get(0));
        assertEquals("there::logs", call.getString("function_id"));
        assertEquals("logged here", call.getJsonObject("data").getString("body"));
    }

    @Test
    void workerEventsReachBothDiscoveryTriggerTypes() {
        var monitor = subscribe(engine.connect(), "engine::workers-available", "monitor::workers");
        subscribe(monitor, "workers.available", "monitor.workers");
        var other = engine.connect();
        for (var function : new String[]{"monitor::workers", "monitor.workers"}) {
            var event = monitor.await("invokefunction", frame -> frame.getString("function_id").equals(function));
            assertEquals("worker_connected", event.getJsonObject("data").getString("event"));
            assertEquals(other.id(), event.getJsonObject("data").getString("worker_id"));
            assertTrue(!event.getJsonObject("data").containsKey("_caller_worker_id"));
        }
        other.say("{\"type\":\"invokefunction\",\"function_id\":\"engine::workers::register\",\"data\":"
                + "{\"runtime\":\"node\",\"version\":\"0.2.1\",\"name\":\"box:1\"}}");
        assertEquals("worker_metadata_updated", monitor.await("invokefunction",
                frame -> frame.getJsonObject("data").getString("event").equals("worker_metadata_updated"))
                .getJsonObject("data").getString("event"));
        other.disconnect();
        var gone = monitor.await("invokefunction",
                frame -> frame.getJsonObject("data").getString("event").equals("worker_disconnected"));
        assertEquals(other.id(), gone.getJsonObject("data").getString("worker_id"));
    }

    @Test
    void functionsAvailableFiresOnceForABurstWithTheWholeList() throws Exception {
        try (var slow = new TestEngine(new EngineConfig(1024, 600_000, 3_600_000, 1 << 20, 0, 1L << 26))) {
            var watcher = subscribe(slow.connect(), "engine::functions-available", "watch");
            var other = slow.connect();
            for (int i = 0; i < 50; i++) {
                other.say("{\"type\":\"registerfunction\",\"id\":\"burst::" + i + "\"}");
            }
            assertEquals(1, slow.scheduler.getQueue().size(), "one delivery is scheduled for the whole burst");
            ((RunnableScheduledFuture<?>) slow.scheduler.getQueue().peek()).run();
            var event = watcher.await("invokefunction");
            assertEquals("functions_changed", event.getJsonObject("data").getString("event"));
            assertTrue(ids(event).contains("burst::49"));
            assertTrue(ids(event).contains("engine::functions::list"), "the event carries the unfiltered list");
            var row = event.getJsonObject("data").getJsonArray("functions").getJsonObject(0);
            for (var key : List.of("function_id", "description", "request_format", "response_format", "metadata")) {
                assertTrue(row.containsKey(key), key);
            }
        }
    }
}
