package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Worker-provided trigger types and trigger instances across SDK versions: the provider is told about instances
 * registered by others, fires them through ordinary calls, is told about unregistrations (0.22.1 acts on it);
 * instances registered before their type are parked and activate when a provider arrives; a provider's death parks
 * other workers' instances, which are re-delivered with the same ids to the next provider (PROTOCOL.md §2.6–§2.10,
 * §4; Part A item 3; DISCOVERY.md "Trigger Discovery").
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TriggersAcrossVersionsIT extends E2eSupport {

    private static final Duration DELIVERY = Duration.ofSeconds(10);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment();
    }

    static Predicate<JsonObject> registerTriggerFor(String typeId, String functionId) {
        return e -> "registerTrigger".equals(NodeWorker.type(e)) && typeId.equals(JsonKit.str(e, "type_id"))
                && functionId.equals(JsonKit.str(e, "trigger.function_id"));
    }

    static Predicate<JsonObject> unregisterTriggerWithId(String typeId, String triggerId) {
        return e -> "unregisterTrigger".equals(NodeWorker.type(e)) && typeId.equals(JsonKit.str(e, "type_id"))
                && triggerId.equals(JsonKit.str(e, "trigger.id"));
    }

    static String typeId(String what) {
        return "e2e-" + shortId() + "::" + what;
    }

    static Stream<Arguments> providerAndConsumer() {
        return pairs(List.of(Sdk.V0_2_1, Sdk.V0_11_6, Sdk.V0_22_1));
    }

    @ParameterizedTest(name = "{0} provides, {1} registers")
    @MethodSource("providerAndConsumer")
    void provider_is_told_about_a_trigger_registered_by_another_version_and_fires_it(Sdk providerSdk, Sdk consumerSdk) {
        NodeWorker provider = node(providerSdk);
        NodeWorker consumer = node(consumerSdk);
        String type = typeId("webhook");
        String fn = fid("on-webhook");
        provider.registerTriggerType(type, "description", "webhooks from " + providerSdk);
        consumer.registerFunction(fn, "echo");
        String marker = shortId();
        consumer.registerTrigger(type, fn, JsonKit.obj("path", "/hooks/" + marker, "min", 10));

        JsonObject told = provider.await(registerTriggerFor(type, fn), DELIVERY, "registerTrigger for " + fn);
        assertEquals("/hooks/" + marker, JsonKit.str(told, "trigger.config.path"), () -> "config " + told);
        assertEquals(10L, JsonKit.num(told, "trigger.config.min"));
        String triggerId = JsonKit.str(told, "trigger.id");
        assertTrue(triggerId != null && !triggerId.isEmpty(), () -> "instance id " + told);

        JsonObject fired = provider.fireTrigger(type, JsonKit.obj("event", "paid", "marker", marker), "call");
        List<JsonObject> results = JsonKit.objects(fired, "fired");
        assertEquals(1, results.size(), () -> "fired " + fired);
        assertTrue(results.get(0).getBoolean("ok"), () -> "fired " + fired);
        JsonObject seen = consumer.awaitInvoked(fn, SHORT);
        assertEquals(marker, JsonKit.str(seen, "data.marker"));
        assertEquals(provider.workerId(), JsonKit.str(seen, "data._caller_worker_id"),
                "the provider fires through an ordinary call");
    }

    @Test
    void java_consumer_trigger_id_reaches_the_sdk_provider_unchanged() {
        NodeWorker provider = node(Sdk.V0_22_1);
        JavaWorker consumer = java("java-consumer-" + shortId());
        String type = typeId("java-bound");
        String fn = fid("java-target");
        provider.registerTriggerType(type);
        consumer.registerFunction(fn, JavaWorker.echo());

        String id = consumer.registerTrigger(type, fn, JsonKit.obj("k", "v"));

        JsonObject told = provider.await(registerTriggerFor(type, fn), DELIVERY, "registerTrigger");
        assertEquals(id, JsonKit.str(told, "trigger.id"));
        assertEquals("v", JsonKit.str(told, "trigger.config.k"));
        provider.fireTrigger(type, JsonKit.obj("to", "java"), "void");
        JsonObject invocation = consumer.awaitInvocations(fn, 1, SHORT).get(0);
        assertEquals("java", JsonKit.str(invocation, "data.to"));
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void unregistering_a_trigger_reaches_a_0_22_1_provider(Sdk consumerSdk) {
        NodeWorker provider = node(Sdk.V0_22_1);
        NodeWorker consumer = node(consumerSdk);
        String type = typeId("unreg");
        String fn = fid("unreg-target");
        provider.registerTriggerType(type);
        consumer.registerFunction(fn, "echo");
        String handle = consumer.registerTrigger(type, fn, JsonKit.obj());
        String id = JsonKit.str(provider.await(registerTriggerFor(type, fn), DELIVERY, "registerTrigger"), "trigger.id");

        consumer.unregisterTrigger(handle);

        provider.await(unregisterTriggerWithId(type, id), DELIVERY, "unregisterTrigger " + id);
        JsonObject active = provider.requestOk(NodeWorker.command("activeTriggers", "type_id", type));
        assertTrue(JsonKit.objects(active, "triggers").isEmpty(), () -> "provider still holds " + active);
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void consumer_that_dies_has_its_triggers_unregistered_at_the_provider(Sdk consumerSdk) {
        NodeWorker provider = node(Sdk.V0_22_1);
        NodeWorker consumer = node(consumerSdk);
        String type = typeId("consumer-dies");
        String fn = fid("dies");
        provider.registerTriggerType(type);
        consumer.registerFunction(fn, "echo");
        consumer.registerTrigger(type, fn, JsonKit.obj());
        String id = JsonKit.str(provider.await(registerTriggerFor(type, fn), DELIVERY, "registerTrigger"), "trigger.id");

        consumer.kill();

        provider.await(unregisterTriggerWithId(type, id), DELIVERY, "unregisterTrigger after the consumer died");
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_3_0", "V0_11_6", "V0_22_1"})
    void trigger_registered_before_its_type_is_parked_and_activates_when_a_provider_arrives(Sdk consumerSdk) {
        NodeWorker consumer = node(consumerSdk);
        String type = typeId("late-type");
        String fn = fid("early-bird");
        consumer.registerFunction(fn, "echo");
        consumer.registerTrigger(type, fn, JsonKit.obj("early", true));
        awaitFunctionListed(fn); // the registrations before it on the same connection were processed too

        NodeWorker provider = node(Sdk.V0_11_6);
        provider.registerTriggerType(type);

        JsonObject told = provider.await(registerTriggerFor(type, fn), DELIVERY, "parked trigger activated");
        assertTrue(JsonKit.isTrue(told, "trigger.config.early"), () -> "config " + told);
        provider.fireTrigger(type, JsonKit.obj("late", "but here"), "void");
        assertEquals("but here", JsonKit.str(consumer.awaitInvoked(fn, SHORT), "data.late"));
        if (consumerSdk == Sdk.V0_22_1) {
            assertTrue(consumer.events(e -> "console".equals(NodeWorker.type(e))
                    && String.valueOf(JsonKit.str(e, "text")).contains("Trigger registration failed")).isEmpty(),
                    () -> "parking must not be reported as a failure (PROTOCOL.md §2.10)" + consumer.diagnostics());
        }
    }

    static Stream<Arguments> firstAndSecondProvider() {
        return Stream.of(
                Arguments.of(Sdk.V0_22_1, Sdk.V0_22_1, Sdk.V0_2_1),
                Arguments.of(Sdk.V0_2_1, Sdk.V0_22_1, Sdk.V0_11_6),
                Arguments.of(Sdk.V0_11_6, Sdk.V0_2_1, Sdk.V0_22_1),
                Arguments.of(Sdk.V0_22_1, Sdk.V0_11_6, Sdk.V0_3_0));
    }

    @ParameterizedTest(name = "provider {0} killed, {1} takes over, consumer {2}")
    @MethodSource("firstAndSecondProvider")
    void killed_provider_trigger_is_redelivered_with_the_same_id_to_the_next_provider(Sdk first, Sdk second,
            Sdk consumerSdk) {
        NodeWorker consumer = node(consumerSdk);
        NodeWorker provider1 = node(first);
        String type = typeId("failover");
        String fn = fid("failover-target");
        provider1.registerTriggerType(type);
        consumer.registerFunction(fn, "echo");
        consumer.registerTrigger(type, fn, JsonKit.obj("shard", 7));
        String id = JsonKit.str(provider1.await(registerTriggerFor(type, fn), DELIVERY, "registerTrigger"),
                "trigger.id");

        provider1.kill();
        NodeWorker provider2 = node(second);
        provider2.registerTriggerType(type);

        JsonObject again = provider2.await(registerTriggerFor(type, fn), DELIVERY, "re-delivered trigger");
        assertEquals(id, JsonKit.str(again, "trigger.id"), "same instance id after failover");
        assertEquals(7L, JsonKit.num(again, "trigger.config.shard"));
        assertEquals(1, provider2.events(registerTriggerFor(type, fn)).size(), "delivered once");
        provider2.fireTrigger(type, JsonKit.obj("after", "failover"), "call");
        assertEquals("failover", JsonKit.str(consumer.awaitInvoked(fn, SHORT), "data.after"));
    }

    @Test
    void provider_rejection_is_reported_to_the_registering_java_worker() {
        // E22: a provider's failed triggerregistrationresult parks the instance and is forwarded (PROTOCOL.md §2.10).
        NodeWorker provider = node(Sdk.V0_22_1);
        JavaWorker consumer = java("rejected-" + shortId());
        String type = typeId("picky");
        String fn = fid("picky-target");
        provider.registerTriggerType(type, "fail_register", "unknown account");
        consumer.registerFunction(fn, JavaWorker.echo());

        String id = consumer.registerTrigger(type, fn, JsonKit.obj("account", "nope"));

        provider.await(registerTriggerFor(type, fn), DELIVERY, "registerTrigger");
        JsonObject result = consumer.awaitFrame("triggerregistrationresult", f -> id.equals(JsonKit.str(f, "id")),
                DELIVERY);
        assertEquals("trigger_registration_failed", JsonKit.str(result, "error.code"), () -> "result " + result);
        assertEquals("unknown account", JsonKit.str(result, "error.message"));
    }

    @Test
    void trigger_metadata_from_0_11_6_reaches_the_provider() {
        NodeWorker provider = node(Sdk.V0_22_1);
        NodeWorker consumer = node(Sdk.V0_11_6);
        String type = typeId("with-metadata");
        String fn = fid("meta-target");
        provider.registerTriggerType(type);
        consumer.registerFunction(fn, "echo");
        consumer.requestOk(NodeWorker.command("registerTrigger", "type", type, "function_id", fn, "config",
                JsonKit.obj(), "metadata", JsonKit.obj("owner", "billing")));

        JsonObject told = provider.await(registerTriggerFor(type, fn), DELIVERY, "registerTrigger");
        assertEquals("billing", JsonKit.str(told, "trigger.metadata.owner"), () -> "registerTrigger " + told);
    }

    @Test
    void triggers_list_answers_each_sdk_generation_in_its_own_shape() {
        // Part A item 1 / PROTOCOL.md §5.4: instances for callers below 0.13, trigger types for 0.22.1.
        NodeWorker provider = node(Sdk.V0_22_1);
        NodeWorker consumer = node(Sdk.V0_2_1);
        NodeWorker mid = node(Sdk.V0_11_6);
        String type = typeId("listed-type");
        String fn = fid("listed-target");
        provider.registerTriggerType(type, "description", "a listed type");
        consumer.registerFunction(fn, "echo");
        consumer.registerTrigger(type, fn, JsonKit.obj("k", 1));
        String id = JsonKit.str(provider.await(registerTriggerFor(type, fn), DELIVERY, "registerTrigger"), "trigger.id");

        for (NodeWorker old : List.of(consumer, mid)) {
            JsonObject r = assertCallOk(old.call("engine::triggers::list", JsonKit.obj()));
            List<JsonObject> rows = JsonKit.objects(r, "result.triggers");
            assertTrue(rows.stream().anyMatch(t -> id.equals(JsonKit.str(t, "id"))
                    && type.equals(JsonKit.str(t, "trigger_type")) && fn.equals(JsonKit.str(t, "function_id"))),
                    () -> old + " expects instances: " + rows);
        }
        JsonObject r = assertCallOk(provider.call("engine::triggers::list", JsonKit.obj()));
        List<JsonObject> rows = JsonKit.objects(r, "result.triggers");
        assertTrue(rows.stream().anyMatch(t -> type.equals(JsonKit.str(t, "id"))
                && "a listed type".equals(JsonKit.str(t, "description"))), () -> "0.22.1 expects types: " + rows);
        JsonObject registered = assertCallOk(provider.call("engine::registered-triggers::list", JsonKit.obj()));
        assertTrue(JsonKit.objects(registered, "result.registered_triggers").stream()
                .anyMatch(t -> id.equals(JsonKit.str(t, "id"))), () -> "registered triggers " + registered);
    }
}
