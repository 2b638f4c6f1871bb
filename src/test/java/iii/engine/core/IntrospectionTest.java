package iii.engine.core;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntrospectionTest {

    private final TestEngine engine = new TestEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    private static void describe(TestEngine.TestWorker worker, String version, String name) {
        worker.say("{\"type\":\"invokefunction\",\"function_id\":\"engine::workers::register\",\"action\":"
                + "{\"type\":\"void\"},\"data\":{\"runtime\":\"node\",\"version\":\"" + version + "\",\"name\":\""
                + name + "\",\"os\":\"linux\",\"pid\":42,\"telemetry\":{\"language\":\"en-US\"}}}");
    }

    private static List<String> column(JsonObject result, String list, String key) {
        return result.getJsonArray(list).stream().map(row -> row.asJsonObject().getString(key)).toList();
    }

    @Test
    void workerRegisterFillsTheWorkerRecordAndListingsShowIt() {
        var worker = engine.connect().register("users::create");
        describe(worker, "0.11.6", "box:42");
        var rows = worker.call("engine::workers::list", "{}").getJsonObject("result");
        var row = rows.getJsonArray("workers").getJsonObject(0);
        assertEquals(worker.id(), row.getString("id"));
        assertEquals("box:42", row.getString("name"));
        assertEquals("node", row.getString("runtime"));
        assertEquals("0.11.6", row.getString("version"));
        assertEquals(42, row.getInt("pid"));
        assertEquals("connected", row.getString("status"));
        assertEquals(1, row.getInt("function_count"));
        assertEquals(List.of("users::create"), row.getJsonArray("functions").getValuesAs(
                jakarta.json.JsonString::getString));
        assertTrue(rows.containsKey("timestamp"));
    }

    @Test
    void function_list_search_matches_id_or_description_in_any_case_and_rows_keep_escaped_text() {
        var worker = engine.connect()
                .say("{\"type\":\"registerfunction\",\"id\":\"Orders::Create\",\"description\":\"a \\\"quoted\\\" line\\n\"}")
                .say("{\"type\":\"registerfunction\",\"id\":\"users::find\",\"description\":\"Looks up ORDERS\"}")
                .say("{\"type\":\"registerfunction\",\"id\":\"users::delete\"}");
        var result = worker.call("engine::functions::list", "{\"search\":\"orders\"}").getJsonObject("result");
        assertEquals(List.of("Orders::Create", "users::find"), column(result, "functions", "function_id"));
        assertEquals("a \"quoted\" line\n", result.getJsonArray("functions").getJsonObject(0).getString("description"));
        var none = worker.call("engine::functions::list", "{\"search\":\"ORDERS::CREATEX\"}").getJsonObject("result");
        assertTrue(none.getJsonArray("functions").isEmpty());
    }

    @Test
    void functionListHidesEngineFunctionsUnlessAskedAndCarriesAllFields() {
        var worker = engine.connect().say("{\"type\":\"registerfunction\",\"id\":\"orders::create\","
                + "\"description\":\"Create\",\"request_format\":{\"sku\":{\"type\":\"string\"}},\"metadata\":{\"team\":\"x\"}}");
        var result = worker.call("engine::functions::list", "{}").getJsonObject("result");
        assertEquals(List.of("orders::create"), column(result, "functions", "function_id"));
        var row = result.getJsonArray("functions").getJsonObject(0);
        assertEquals("Create", row.getString("description"));
        assertEquals("string", row.getJsonObject("request_format").getJsonObject("sku").getString("type"));
        assertTrue(row.isNull("response_format"));
        assertEquals("x", row.getJsonObject("metadata").getString("team"));
        assertEquals("orders", row.getString("worker_name"));

        var all = worker.call("engine::functions::list", "{\"include_internal\":true}").getJsonObject("result");
        assertTrue(column(all, "functions", "function_id").contains("engine::functions::list"));
        var legacy = worker.call("_internal.list_functions", "{}").getJsonObject("result");
        assertEquals(List.of("orders::create"), column(legacy, "functions", "function_id"));
    }

    @Test
    void functionStatsCountCallsErrorsAndInFlightPerFunction() {
        var callee = engine.connect().register("math::add");
        var caller = engine.connect();
        for (var outcome : List.of("\"result\":1", "\"error\":{\"code\":\"x\",\"message\":\"no\"}", "")) {
            var id = UUID.randomUUID().toString();
            caller.say("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id
                    + "\",\"function_id\":\"math::add\",\"data\":{}}");
            callee.await("invokefunction", frame -> frame.getString("invocation_id").equals(id));
            if (!outcome.isEmpty()) {
                callee.say("{\"type\":\"invocationresult\",\"invocation_id\":\"" + id
                        + "\",\"function_id\":\"math::add\"," + outcome + "}");
                caller.await("invocationresult", frame -> frame.getString("invocation_id").equals(id));
            }
        }
        var rows = caller.call("engine::functions::stats", "{}").getJsonObject("result").getJsonArray("functions");
        assertEquals(1, rows.size());
        var row = rows.getJsonObject(0);
        assertEquals("math::add", row.getString("function_id"));
        assertEquals(callee.id(), row.getString("worker_id"));
        assertEquals(2, row.getInt("calls"));
        assertEquals(1, row.getInt("errors"));
        assertEquals(1, row.getInt("in_flight"));
        assertTrue(row.getJsonNumber("p99_ms").doubleValue() >= row.getJsonNumber("p50_ms").doubleValue());

        var own = caller.call("engine::functions::stats", "{\"include_internal\":true,"
                + "\"function_id\":\"engine::functions::stats\"}").getJsonObject("result").getJsonArray("functions");
        assertEquals(1, own.getJsonObject(0).getInt("calls"));
    }

    @Test
    void registeredTriggersListShowsParkedInstancesWhenAsked() {
        engine.connect().say("{\"type\":\"registertriggertype\",\"id\":\"billing::paid\",\"description\":\"Paid\"}");
        var worker = engine.connect()
                .say("{\"type\":\"registertrigger\",\"id\":\"live\",\"trigger_type\":\"billing::paid\","
                        + "\"function_id\":\"f\",\"config\":{}}")
                .say("{\"type\":\"registertrigger\",\"id\":\"waiting\",\"trigger_type\":\"cron::tick\","
                        + "\"function_id\":\"f\",\"config\":{}}");
        var live = worker.call("engine::registered-triggers::list", "{}").getJsonObject("result");
        assertEquals(List.of("live"), column(live, "registered_triggers", "id"));
        var all = worker.call("engine::registered-triggers::list", "{\"include_parked\":true}")
                .getJsonObject("result").getJsonArray("registered_triggers");
        assertEquals(List.of("live", "waiting"), all.stream().map(row -> row.asJsonObject().getString("id")).toList());
        assertFalse(all.getJsonObject(0).getBoolean("parked"));
        assertTrue(all.getJsonObject(1).getBoolean("parked"));
    }

    @Test
    void triggersListAnswersInstancesToOldSdksAndTypesToNewOnes() {
        var provider = engine.connect().say("{\"type\":\"registertriggertype\",\"id\":\"billing::paid\","
                + "\"description\":\"Paid\"}");
        var old = engine.connect().say("{\"type\":\"registertrigger\",\"id\":\"t1\",\"trigger_type\":\"billing::paid\","
                + "\"function_id\":\"f\",\"config\":{\"a\":1}}");
        describe(old, "0.11.6", "old");
        var instances = old.call("engine::triggers::list", "{}").getJsonObject("result");
        assertEquals(List.of("t1"), column(instances, "triggers", "id"));
        assertEquals("billing::paid", instances.getJsonArray("triggers").getJsonObject(0).getString("trigger_type"));

        describe(provider, "0.22.1", "new");
        var types = provider.call("engine::triggers::list", "{}").getJsonObject("result");
        assertTrue(column(types, "triggers", "id").contains("billing::paid"));
        assertFalse(column(types, "triggers", "id").contains("t1"));

        var registered = provider.call("engine::registered-triggers::list", "{}").getJsonObject("result");
        assertEquals("{\"a\":1}", registered.getJsonArray("registered_triggers").getJsonObject(0)
                .getString("config_summary"));
        var typeRows = provider.call("engine::trigger-types::list", "{}").getJsonObject("result");
        assertTrue(column(typeRows, "trigger_types", "id").contains("workers.available"));
    }

    @Test
    void getWorkerAnswersOneRecordOrNotFound() {
        var worker = engine.connect();
        assertEquals(worker.id(), worker.call("_internal.get_worker", "{\"worker_id\":\"" + worker.id() + "\"}")
                .getJsonObject("result").getString("id"));
        var missing = worker.call("_internal.get_worker", "{\"worker_id\":\"" + UUID.randomUUID() + "\"}");
        assertEquals("NOT_FOUND", missing.getJsonObject("error").getString("code"));
        assertTrue(missing.getJsonObject("error").getString("message").endsWith("is not connected."));
    }

    @Test
    void workerInfoListsWhatTheWorkerRegistered() {
        var worker = engine.connect().register("a::b")
                .say("{\"type\":\"registertriggertype\",\"id\":\"a::t\",\"description\":\"d\"}");
        describe(worker, "0.22.1", "alpha");
        var info = worker.call("engine::workers::info", "{\"name\":\"alpha\"}").getJsonObject("result");
        assertEquals(worker.id(), info.getJsonObject("worker").getString("id"));
        assertEquals(List.of("a::b"), column(info, "functions", "function_id"));
        assertEquals(List.of("a::t"), column(info, "trigger_types", "id"));
        assertEquals("NOT_FOUND", worker.call("engine::workers::info", "{\"name\":\"nobody\"}")
                .getJsonObject("error").getString("code"));
    }

    @Test
    void servicesListGroupsFunctionsByIdPrefix() {
        var worker = engine.connect()
                .say("{\"type\":\"registerservice\",\"id\":\"users\",\"name\":\"User service\",\"description\":\"d\"}")
                .register("users::create").register("users.delete").register("orders::x");
        var services = worker.call("engine::services::list", "{}").getJsonObject("result").getJsonArray("services");
        var row = services.getJsonObject(0);
        assertEquals("User service", row.getString("name"));
        assertEquals(List.of("users.delete", "users::create"), row.getJsonArray("functions")
                .getValuesAs(jakarta.json.JsonString::getString));
    }

    @Test
    void illTypedInputIsADeserializationError() {
        var worker = engine.connect();
        var result = worker.call("engine::functions::list", "{\"include_internal\":\"yes\"}");
        assertEquals("deserialization_error", result.getJsonObject("error").getString("code"));
        var stats = worker.call("engine::functions::stats", "{\"function_id\":42}");
        assertEquals("deserialization_error", stats.getJsonObject("error").getString("code"));
        var parked = worker.call("engine::registered-triggers::list", "{\"include_parked\":1}");
        assertEquals("deserialization_error", parked.getJsonObject("error").getString("code"));
    }

    @Test
    void workerNameIsStrippedOfControlCharactersAndTruncated() {
        var worker = engine.connect();
        worker.say("{\"type\":\"invokefunction\",\"function_id\":\"engine::workers::register\",\"data\":{\"name\":\""
                + "a\\u0000b\\u202Ec" + "x".repeat(400) + "\"}}");
        var name = worker.worker.metadata().name();
        assertTrue(name.startsWith("abc"));
        assertEquals(280, name.length());
    }
}
