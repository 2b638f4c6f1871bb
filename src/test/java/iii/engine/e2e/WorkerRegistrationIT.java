package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real SDK workers of every supported version connect, register, and show up in the engine's listings with the
 * metadata they report through {@code engine::workers::register}; leaving removes them (PROTOCOL.md §1.8, §2.15,
 * §5, §10; DISCOVERY.md "Worker Registration", "Health and Introspection").
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WorkerRegistrationIT extends E2eSupport {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment();
    }

    @ParameterizedTest
    @EnumSource(Sdk.class)
    void registered_function_and_worker_metadata_are_listed(Sdk sdk) {
        String name = "reg-" + sdk.version() + "-" + shortId();
        NodeWorker w = node(sdk, name);
        String fn = fid("listed");
        w.registerFunction(fn, "echo", "description", "lists itself", "metadata", JsonKit.obj("team", "e2e"));

        awaitFunctionListed(fn);
        JsonObject row = observer().listFunctions().stream()
                .filter(f -> fn.equals(JsonKit.str(f, "function_id"))).findFirst().orElseThrow();
        assertEquals("lists itself", JsonKit.str(row, "description"), () -> "function row " + row);
        assertEquals("e2e", JsonKit.str(row, "metadata.team"), () -> "function row " + row);

        JsonObject worker = awaitWorkerRow(w.workerId());
        assertEquals(name, JsonKit.str(worker, "name"), () -> "worker row " + worker);
        assertEquals("node", JsonKit.str(worker, "runtime"), () -> "worker row " + worker);
        assertEquals(sdk.version(), JsonKit.str(worker, "version"), () -> "worker row " + worker);
        assertNotNull(JsonKit.str(worker, "os"), () -> "os in worker row " + worker);
        assertEquals("127.0.0.1", JsonKit.str(worker, "ip_address"), () -> "worker row " + worker);
        Await.untilTrue("function_count >= 1 for " + name, SHORT,
                () -> workerRow(w.workerId()).map(r -> r.getInt("function_count", 0) >= 1).orElse(false));
    }

    @ParameterizedTest
    @EnumSource(Sdk.class)
    void discovery_design_names_list_the_same_worker(Sdk sdk) {
        NodeWorker w = node(sdk);
        String fn = fid("internal");
        w.registerFunction(fn, "echo");
        awaitFunctionListed(fn);

        JavaWorker o = observer();
        List<JsonObject> functions = JsonKit.objects(o.callOk("_internal.list_functions", JsonKit.empty()), "functions");
        assertTrue(ids(functions, "function_id").contains(fn), () -> "_internal.list_functions: " + functions);

        JsonObject listed = o.callOk("_internal.list_workers", JsonKit.empty());
        JsonObject row = JsonKit.objects(listed, "workers").stream()
                .filter(r -> w.workerId().equals(JsonKit.str(r, "id"))).findFirst()
                .orElseThrow(() -> new AssertionError("_internal.list_workers lacks " + w.workerId() + ": " + listed));
        assertTrue(listed.get("timestamp") instanceof JsonNumber, () -> "timestamp in " + listed);
        assertTrue(JsonKit.at(row, "functions").filter(v -> v.getValueType() == JsonValue.ValueType.ARRAY)
                .map(v -> v.asJsonArray().contains(JsonKit.string(fn))).orElse(false),
                () -> "functions of the worker row " + row);

        JsonObject single = o.callOk("_internal.get_worker", JsonKit.obj("worker_id", w.workerId()));
        assertEquals(w.workerId(), JsonKit.str(single, "id"), () -> "_internal.get_worker: " + single);
        assertEquals(w.name(), JsonKit.str(single, "name"), () -> "_internal.get_worker: " + single);

        JsonObject unknown = o.call("_internal.get_worker",
                JsonKit.obj("worker_id", "00000000-0000-4000-8000-000000000000"));
        assertEquals("NOT_FOUND", JsonKit.str(unknown, "error.code"), () -> "unknown worker: " + unknown);
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void graceful_shutdown_removes_the_worker_and_its_functions(Sdk sdk) {
        NodeWorker w = node(sdk);
        String fn = fid("leaving");
        w.registerFunction(fn, "echo");
        awaitFunctionListed(fn);
        String id = w.workerId();

        w.exit();

        awaitFunctionGone(fn);
        awaitWorkerGone(id);
        JsonObject r = observer().call(fn, JsonKit.obj("after", "exit"));
        assertEquals("function_not_found", JsonKit.str(r, "error.code"), () -> "call after exit: " + r);
    }

    @Test
    void old_sdk_listing_helpers_see_workers_of_every_version() {
        NodeWorker old = node(Sdk.V0_2_1);
        NodeWorker mid = node(Sdk.V0_11_6);
        NodeWorker current = node(Sdk.V0_22_1);
        String fnMid = fid("mid");
        String fnCurrent = fid("current");
        mid.registerFunction(fnMid, "echo");
        current.registerFunction(fnCurrent, "echo");
        awaitFunctionListed(fnMid);
        awaitFunctionListed(fnCurrent);

        JsonObject functions = old.listFunctions();
        assertEquals("helper", JsonKit.str(functions, "via"));
        List<String> listed = ids(JsonKit.objects(functions, "functions"), "function_id");
        assertTrue(listed.containsAll(List.of(fnMid, fnCurrent)), () -> "0.2.1 listFunctions(): " + listed);

        JsonObject workers = old.listWorkers();
        List<String> names = ids(JsonKit.objects(workers, "workers"), "name");
        assertTrue(names.containsAll(List.of(old.name(), mid.name(), current.name())),
                () -> "0.2.1 listWorkers(): " + names);

        JsonObject viaTrigger = current.listFunctions();
        assertEquals("trigger", JsonKit.str(viaTrigger, "via"));
        assertTrue(ids(JsonKit.objects(viaTrigger, "functions"), "function_id").contains(fnMid),
                () -> "0.22.1 trigger('engine::functions::list'): " + viaTrigger);
    }

    @Test
    void telemetry_socket_of_an_old_sdk_is_not_a_worker_in_listings() {
        // 0.2.1 opens a second socket to the same URL for OTLP frames (PROTOCOL.md §1.3, Part A item 14).
        NodeWorker w = closeLater(NodeWorker.start(Sdk.V0_2_1, ws(),
                NodeWorker.options().name("otel-" + shortId()).metricsIntervalMs(300)));
        w.awaitReady(Duration.ofSeconds(60));
        String fn = fid("telemetry");
        w.registerFunction(fn, "echo");
        assertCallOk(w.call(fn, JsonKit.obj("spans", "please")));

        Await.untilTrue("no name-less (telemetry-only) rows in engine::workers::list", MEDIUM,
                () -> observer().listWorkers().stream().noneMatch(r -> r.get("name") == null
                        || r.get("name") == JsonValue.NULL));
        assertTrue(workerRow(w.workerId()).isPresent(), "the worker itself is still listed");
        assertFalse(w.events(NodeWorker.event("uncaught")).size() > 0, () -> "agent errors" + w.diagnostics());
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_3_0", "V0_11_6"})
    void registered_service_is_listed_with_its_functions(Sdk sdk) {
        NodeWorker w = node(sdk);
        String service = "svc" + shortId();
        String fn = service + "::create";
        w.registerService(service, "name", "Service " + service, "description", "e2e service");
        w.registerFunction(fn, "echo");
        awaitFunctionListed(fn);

        JsonObject row = Await.until("service " + service + " in engine::services::list", MEDIUM, () ->
                JsonKit.objects(observer().callOk("engine::services::list", JsonKit.empty()), "services").stream()
                        .filter(s -> service.equals(JsonKit.str(s, "id"))).findFirst());
        assertEquals("Service " + service, JsonKit.str(row, "name"), () -> "service row " + row);
        assertEquals("e2e service", JsonKit.str(row, "description"), () -> "service row " + row);
        assertTrue(JsonKit.at(row, "functions").map(v -> v.toString().contains(fn)).orElse(false),
                () -> "functions of the service (Part A item 13): " + row);
    }
}
