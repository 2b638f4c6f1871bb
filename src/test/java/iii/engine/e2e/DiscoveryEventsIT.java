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
 * Discovery events are pushed: functions bound to {@code engine::workers-available} / {@code workers.available}
 * hear about workers connecting and disconnecting; {@code onFunctionsAvailable} (0.2.1/0.3.0) and
 * {@code engine::functions-available} hear about function changes within moments (Part A items 2 and 4;
 * PROTOCOL.md §5.5, §5.6; DISCOVERY.md "Discovery Events").
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DiscoveryEventsIT extends E2eSupport {

    /** Part A item 4 promises about 100 ms; a second or two leaves room for a loaded 2-core machine. */
    private static final Duration PROMPTLY = Duration.ofSeconds(2);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment();
    }

    static Predicate<JsonObject> workerEvent(String event, String workerId) {
        return f -> event.equals(JsonKit.str(f, "data.event")) && workerId.equals(JsonKit.str(f, "data.worker_id"));
    }

    static Stream<Arguments> triggerTypeAndSdk() {
        return Stream.of(
                Arguments.of("engine::workers-available", Sdk.V0_2_1),
                Arguments.of("engine::workers-available", Sdk.V0_22_1),
                Arguments.of("workers.available", Sdk.V0_11_6),
                Arguments.of("workers.available", Sdk.V0_3_0));
    }

    @ParameterizedTest(name = "{0} hears {1} come and go")
    @MethodSource("triggerTypeAndSdk")
    void java_function_bound_to_worker_events_hears_connect_and_disconnect(String triggerType, Sdk sdk) {
        JavaWorker monitor = java("monitor-" + shortId());
        String fn = "monitor." + shortId() + ".workers";
        monitor.registerFunction(fn, f -> JsonKit.obj("result", JsonKit.obj("seen", true)));
        monitor.registerTrigger(triggerType, fn, JsonKit.obj());
        awaitFunctionListed(fn);
        int mark = monitor.mark();

        NodeWorker w = node(sdk);
        String id = w.workerId();
        JsonObject connected = monitor.awaitFrameFrom(mark, "invokefunction",
                f -> fn.equals(JsonKit.str(f, "function_id")) && workerEvent("worker_connected", id).test(f), PROMPTLY);
        assertTrue(JsonKit.str(connected, "data._caller_worker_id") == null,
                () -> "engine-originated events carry no _caller_worker_id: " + connected);

        w.kill();
        monitor.awaitFrameFrom(mark, "invokefunction",
                f -> fn.equals(JsonKit.str(f, "function_id")) && workerEvent("worker_disconnected", id).test(f),
                PROMPTLY);
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void sdk_function_bound_to_workers_available_sees_a_java_worker_come_and_go(Sdk sdk) {
        NodeWorker monitor = node(sdk);
        String fn = "monitor." + shortId() + ".workers";
        monitor.registerFunction(fn, "return-null");
        monitor.registerTrigger("workers.available", fn, JsonKit.obj());
        awaitFunctionListed(fn);
        int mark = monitor.mark();

        JavaWorker visitor = java("visitor-" + shortId());
        String id = visitor.workerId();
        monitor.awaitFrom(mark, e -> NodeWorker.invoked(fn).test(e) && workerEvent("worker_connected", id).test(e),
                PROMPTLY, "worker_connected " + id);
        visitor.abort();
        monitor.awaitFrom(mark, e -> NodeWorker.invoked(fn).test(e) && workerEvent("worker_disconnected", id).test(e),
                PROMPTLY, "worker_disconnected " + id);
    }

    @Test
    void metadata_registration_is_announced_as_worker_metadata_updated() {
        JavaWorker monitor = java("meta-monitor-" + shortId());
        String fn = "monitor." + shortId() + ".meta";
        monitor.registerFunction(fn, JavaWorker.echo());
        monitor.registerTrigger("engine::workers-available", fn, JsonKit.obj());
        awaitFunctionListed(fn);

        NodeWorker w = node(Sdk.V0_22_1);
        monitor.awaitFrame("invokefunction", f -> fn.equals(JsonKit.str(f, "function_id"))
                && workerEvent("worker_metadata_updated", w.workerId()).test(f), PROMPTLY);
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_3_0"})
    void on_functions_available_fires_promptly_when_another_worker_registers_and_leaves(Sdk sdk) {
        NodeWorker listener = node(sdk);
        String handle = listener.onFunctionsAvailable();
        NodeWorker other = node(Sdk.V0_22_1);
        // A round trip on the listener's connection: its helper function and trigger were registered before it.
        List<String> listed = ids(JsonKit.objects(listener.listFunctions(), "functions"), "function_id");
        assertTrue(listed.stream().anyMatch(id -> id.startsWith("engine.on_functions_available.")),
                () -> "the onFunctionsAvailable helper function is registered: " + listed);
        int mark = listener.mark();

        String fn = fid("announced");
        long registeredAt = System.nanoTime();
        other.registerFunction(fn, "echo");

        JsonObject ev = listener.awaitFrom(mark, e -> "functionsAvailable".equals(NodeWorker.type(e))
                && handle.equals(JsonKit.str(e, "handle"))
                && ids(JsonKit.objects(e, "functions"), "function_id").contains(fn), PROMPTLY,
                "functionsAvailable with " + fn);
        long ms = (System.nanoTime() - registeredAt) / 1_000_000;
        assertTrue(ms < PROMPTLY.toMillis(), () -> "announced after " + ms + " ms");
        assertTrue(ev.getJsonArray("functions").size() >= 1);

        int mark2 = listener.mark();
        other.exit();
        listener.awaitFrom(mark2, e -> "functionsAvailable".equals(NodeWorker.type(e))
                && !ids(JsonKit.objects(e, "functions"), "function_id").contains(fn), PROMPTLY,
                "functionsAvailable without " + fn);
    }

    @Test
    void engine_functions_available_delivers_the_changed_function_list() {
        JavaWorker monitor = java("fa-monitor-" + shortId());
        String fn = "monitor." + shortId() + ".functions";
        monitor.registerFunction(fn, f -> JsonKit.obj("result", JsonKit.obj()));
        monitor.registerTrigger("engine::functions-available", fn, JsonKit.obj());
        awaitFunctionListed(fn);
        int mark = monitor.mark();

        NodeWorker w = node(Sdk.V0_11_6);
        String added = fid("added");
        w.registerFunction(added, "echo");

        JsonObject ev = monitor.awaitFrameFrom(mark, "invokefunction", f -> fn.equals(JsonKit.str(f, "function_id"))
                && ids(JsonKit.objects(f, "data.functions"), "function_id").contains(added), PROMPTLY);
        assertEquals("functions_changed", JsonKit.str(ev, "data.event"), () -> "event " + ev);
        List<JsonObject> rows = JsonKit.objects(ev, "data.functions");
        assertTrue(rows.stream().allMatch(r -> r.containsKey("function_id")), () -> "rows " + rows);
    }
}
