package iii.engine.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TriggerLifecycleTest {

    private final TestEngine engine = new TestEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    private static String type(String id) {
        return "{\"type\":\"registertriggertype\",\"id\":\"" + id + "\",\"description\":\"d\"}";
    }

    private static String trigger(String id, String type, String function) {
        return "{\"type\":\"registertrigger\",\"id\":\"" + id + "\",\"trigger_type\":\"" + type
                + "\",\"function_id\":\"" + function + "\",\"config\":{\"min\":10}}";
    }

    @Test
    void triggerOfRegisteredTypeIsDeliveredToItsProvider() {
        var provider = engine.connect().say(type("billing::paid"));
        var consumer = engine.connect().say(trigger("t1", "billing::paid", "orders::on-paid"));
        var delivered = provider.await("registertrigger");
        assertEquals("t1", delivered.getString("id"));
        assertEquals("orders::on-paid", delivered.getString("function_id"));
        assertEquals(10, delivered.getJsonObject("config").getInt("min"));
        assertTrue(consumer.received("triggerregistrationresult").isEmpty());
    }

    @Test
    void triggerRegisteredBeforeItsTypeIsParkedThenActivatedWhenTypeArrives() {
        var consumer = engine.connect().say(trigger("t1", "late::type", "f"));
        assertEquals(1, engine.triggerRegistry.parked().size());
        assertTrue(engine.triggerRegistry.live().isEmpty());
        assertTrue(consumer.received("triggerregistrationresult").isEmpty());

        var provider = engine.connect().say(type("late::type"));
        assertEquals("t1", provider.await("registertrigger").getString("id"));
        assertTrue(engine.triggerRegistry.parked().isEmpty());
        assertEquals(1, engine.triggerRegistry.live().size());
    }

    @Test
    void providerLeavingParksOtherWorkersTriggersAndNextProviderGetsSameIds() {
        var provider = engine.connect().say(type("queue::job"));
        engine.connect().say(trigger("keep-me", "queue::job", "jobs::run"));
        provider.await("registertrigger");
        provider.disconnect();
        assertEquals(1, engine.triggerRegistry.parked().size());
        assertTrue(engine.triggerRegistry.type("queue::job") == null);

        var next = engine.connect().say(type("queue::job"));
        assertEquals("keep-me", next.await("registertrigger").getString("id"));
    }

    @Test
    void consumerLeavingRemovesItsTriggersAndTellsTheProvider() {
        var provider = engine.connect().say(type("cron"));
        var consumer = engine.connect().say(trigger("c1", "cron", "tick"));
        provider.await("registertrigger");
        consumer.disconnect();
        var gone = provider.await("unregistertrigger");
        assertEquals("c1", gone.getString("id"));
        assertEquals("cron", gone.getString("trigger_type"));
        assertFalse(gone.containsKey("function_id"));
        assertTrue(engine.triggerRegistry.live().isEmpty());
    }

    @Test
    void unregisterTriggerTellsProviderAndOnlyTheOwnerMayDoIt() {
        var provider = engine.connect().say(type("cron"));
        var consumer = engine.connect().say(trigger("c1", "cron", "tick"));
        var stranger = engine.connect();
        stranger.say("{\"type\":\"unregistertrigger\",\"id\":\"c1\",\"trigger_type\":\"cron\"}");
        assertEquals(1, engine.triggerRegistry.live().size());
        consumer.say("{\"type\":\"unregistertrigger\",\"id\":\"c1\",\"trigger_type\":\"cron\"}");
        assertEquals("c1", provider.await("unregistertrigger").getString("id"));
        assertTrue(engine.triggerRegistry.live().isEmpty());
    }

    @Test
    void providerRefusalParksTheTriggerAndIsForwardedToItsOwner() {
        var provider = engine.connect().say(type("billing::paid"));
        var consumer = engine.connect().say(trigger("t1", "billing::paid", "f"));
        provider.await("registertrigger");
        provider.say("{\"type\":\"triggerregistrationresult\",\"id\":\"t1\",\"trigger_type\":\"billing::paid\","
                + "\"function_id\":\"f\",\"error\":{\"code\":\"trigger_registration_failed\",\"message\":\"no\"}}");
        var forwarded = consumer.await("triggerregistrationresult");
        assertEquals("no", forwarded.getJsonObject("error").getString("message"));
        assertEquals(1, engine.triggerRegistry.parked().size());
    }

    @Test
    void refusalFromAWorkerThatIsNotTheProviderChangesNothing() {
        var provider = engine.connect().say(type("billing::paid"));
        engine.connect().say(trigger("t1", "billing::paid", "f"));
        provider.await("registertrigger");
        engine.connect().say("{\"type\":\"triggerregistrationresult\",\"id\":\"t1\",\"trigger_type\":\"billing::paid\","
                + "\"function_id\":\"f\",\"error\":{\"code\":\"x\",\"message\":\"forged\"}}");
        assertEquals(1, engine.triggerRegistry.live().size());
    }

    @Test
    void reregisteringTheTypeReplaysLiveTriggersWithTheirIds() {
        var provider = engine.connect().say(type("t"));
        engine.connect().say(trigger("a", "t", "f")).say(trigger("b", "t", "g"));
        provider.await("registertrigger");
        provider.await("registertrigger");
        provider.say(type("t"));
        var ids = java.util.Set.of(provider.await("registertrigger").getString("id"),
                provider.await("registertrigger").getString("id"));
        assertEquals(java.util.Set.of("a", "b"), ids);
    }

    @Test
    void unregisterTriggerTypeParksItsInstances() {
        var provider = engine.connect().say(type("t"));
        engine.connect().say(trigger("a", "t", "f"));
        provider.say("{\"type\":\"unregistertriggertype\",\"id\":\"t\"}");
        assertEquals(1, engine.triggerRegistry.parked().size());
        assertEquals("a", engine.connect().say(type("t")).await("registertrigger").getString("id"));
    }

    @Test
    void builtinTriggerTypeCannotBeReplacedByAWorker() {
        var worker = engine.connect().say(type("engine::workers-available"));
        assertEquals("invalid_message", worker.await("error").getJsonObject("error").getString("code"));
        assertTrue(engine.triggerRegistry.type("engine::workers-available").builtin() != null);
    }

    @Test
    void parkedTriggerOfADepartedWorkerIsNotActivated() {
        var consumer = engine.connect().say(trigger("orphan", "late", "f"));
        consumer.disconnect();
        var provider = engine.connect().say(type("late"));
        assertTrue(provider.received("registertrigger").isEmpty());
        assertTrue(engine.triggerRegistry.live().isEmpty());
    }

    @Test
    void movingATriggerToAnotherTypeTellsTheOldProvider() {
        var oldProvider = engine.connect().say(type("a"));
        var newProvider = engine.connect().say(type("b"));
        var consumer = engine.connect().say(trigger("t", "a", "f"));
        oldProvider.await("registertrigger");
        consumer.say(trigger("t", "b", "f"));
        assertEquals("t", oldProvider.await("unregistertrigger").getString("id"));
        assertEquals("t", newProvider.await("registertrigger").getString("id"));
        assertEquals(1, engine.triggerRegistry.live().size());
    }
}
