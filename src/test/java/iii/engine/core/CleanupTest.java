package iii.engine.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CleanupTest {

    private final TestEngine engine = new TestEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    private static String register(String id) {
        return "{\"type\":\"registerfunction\",\"id\":\"" + id + "\"}";
    }

    @Test
    void disconnectRemovesFunctionsTriggersTypesServicesAndTheWorker() {
        var worker = engine.connect()
                .say(register("users::create"))
                .say("{\"type\":\"registertriggertype\",\"id\":\"users::created\",\"description\":\"d\"}")
                .say("{\"type\":\"registertrigger\",\"id\":\"t\",\"trigger_type\":\"users::created\","
                        + "\"function_id\":\"users::create\",\"config\":{}}")
                .say("{\"type\":\"registerservice\",\"id\":\"users\"}");
        worker.disconnect();
        assertNull(engine.functions.get("users::create"));
        assertNull(engine.triggerRegistry.type("users::created"));
        assertTrue(engine.triggerRegistry.live().isEmpty());
        assertTrue(engine.triggerRegistry.parked().isEmpty());
        assertTrue(engine.services.all().isEmpty());
        assertNull(engine.workers.get(worker.worker.id()));
    }

    @Test
    void lateCleanupOfAnOldConnectionKeepsTheReconnectedWorkersRegistrations() {
        var old = engine.connect().register("orders::create");
        var fresh = engine.connect().register("orders::create")
                .say("{\"type\":\"registertriggertype\",\"id\":\"orders::placed\",\"description\":\"d\"}");
        old.disconnect();
        assertEquals(fresh.worker, engine.functions.get("orders::create").owner());
        assertNotNull(engine.triggerRegistry.type("orders::placed"));
    }

    @Test
    void cleanupRunsExactlyOnceWhenCloseAndReattachRace() throws Exception {
        var events = new AtomicInteger();
        var monitor = engine.connect().register("monitor")
                .say("{\"type\":\"registertrigger\",\"id\":\"m\",\"trigger_type\":\"engine::workers-available\","
                        + "\"function_id\":\"monitor\",\"config\":{}}");
        var worker = engine.connect().register("x");
        var pool = Executors.newFixedThreadPool(4);
        var start = new CountDownLatch(1);
        for (int i = 0; i < 4; i++) {
            pool.execute(() -> {
                try {
                    start.await();
                    engine.cleanup.retire(worker.worker);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
        monitor.inbox.forEach(frame -> {
            if (frame.getString("type").equals("invokefunction")
                    && frame.getJsonObject("data").getString("event").equals("worker_disconnected")) {
                events.incrementAndGet();
            }
        });
        assertEquals(1, events.get());
    }

    @Test
    void reattachWithTheRightTokenRetiresThePreviousConnection() {
        var old = engine.connect().register("svc::f");
        var caller = engine.connect();
        var id = UUID.randomUUID().toString();
        caller.say("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":\"svc::f\","
                + "\"data\":{}}");
        var fresh = engine.connect();
        fresh.say("{\"type\":\"reattach\",\"previous_worker_id\":\"" + old.id() + "\",\"reattach_token\":\""
                + old.worker.reattachToken() + "\"}").register("svc::f");
        assertTrue(old.worker.isRetired());
        assertTrue(old.closed);
        assertEquals("invocation_stopped", caller.await("invocationresult").getJsonObject("error").getString("code"));
        assertEquals(fresh.worker, engine.functions.get("svc::f").owner());
    }

    @Test
    void reattachWithoutTheTokenChangesNothing() {
        var victim = engine.connect().register("svc::f");
        var attacker = engine.connect();
        attacker.say("{\"type\":\"reattach\",\"previous_worker_id\":\"" + victim.id() + "\"}");
        attacker.say("{\"type\":\"reattach\",\"previous_worker_id\":\"" + victim.id() + "\",\"reattach_token\":\""
                + UUID.randomUUID() + "\"}");
        attacker.say("{\"type\":\"reattach\",\"previous_worker_id\":\"not-a-uuid\",\"reattach_token\":\"x\"}");
        assertTrue(!victim.worker.isRetired());
        assertEquals(victim.worker, engine.functions.get("svc::f").owner());
    }

    @Test
    void registrationsRacingADisconnectNeverOutliveTheWorker() throws Exception {
        for (int round = 0; round < 200; round++) {
            var worker = engine.connect();
            var registering = new Thread(() -> {
                for (int i = 0; i < 20; i++) {
                    worker.register("race::" + i);
                }
            });
            registering.start();
            worker.disconnect();
            registering.join();
            for (int i = 0; i < 20; i++) {
                var entry = engine.functions.get("race::" + i);
                assertTrue(entry == null || entry.owner() != worker.worker, "round " + round + " leaked race::" + i);
            }
        }
    }
}
