package iii.engine.core;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogTriggerTest {

    private final TestEngine engine = new TestEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    private static TestEngine.TestWorker subscriber(TestEngine engine, String function, String config) {
        var worker = engine.connect().register(function);
        worker.say("{\"type\":\"registertrigger\",\"id\":\"t-" + function + "\",\"trigger_type\":\"log\","
                + "\"function_id\":\"" + function + "\",\"config\":" + config + "}");
        return worker;
    }

    @Test
    void engineLogCallOfOneWorkerReachesTheLogTriggerOfAnother() {
        var listener = subscriber(engine, "engine.on_log.1", "{\"level\":\"all\",\"severity_min\":0}");
        var logger = engine.connect();

        var result = logger.call("engine::log::warn", "{\"message\":\"disk almost full\",\"data\":{\"free\":3},"
                + "\"service_name\":\"disk-watch\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}");

        assertFalse(result.containsKey("error"), result::toString);
        var record = listener.await("invokefunction").getJsonObject("data");
        assertEquals("disk almost full", record.getString("body"));
        assertEquals("WARN", record.getString("severity_text"));
        assertEquals(13, record.getInt("severity_number"));
        assertEquals("disk-watch", record.getString("service_name"));
        assertEquals("disk-watch", record.getJsonObject("resource").getString("service.name"));
        assertEquals(3, record.getJsonObject("attributes").getInt("free"));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", record.getString("trace_id"));
        assertTrue(record.getJsonNumber("timestamp_unix_nano").longValue() > 1_700_000_000_000_000_000L);
    }

    @Test
    void aLevelMatchesExactlyThatSeverity() {
        var errors = subscriber(engine, "errors-only", "{\"level\":\"error\"}");
        var logger = engine.connect();

        logger.call("engine::log::info", "{\"message\":\"fine\"}");
        logger.call("engine::log::warn", "{\"message\":\"hm\"}");
        logger.call("engine::log::error", "{\"message\":\"bad\"}");

        assertEquals("bad", errors.await("invokefunction").getJsonObject("data").getString("body"));
        assertTrue(errors.received("invokefunction").isEmpty());
    }

    @Test
    void workersOtlpLogFramesAreDeliveredWithResourceAndTraceIds() {
        var listener = subscriber(engine, "logs", "{}");
        var worker = engine.connect();

        worker.sayBinary("LOGS", """
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
                 "scopeLogs":[{"scope":{"name":"iii-node","version":"0.2.1"},"logRecords":[
                  {"timeUnixNano":"1767225600000000000","observedTimeUnixNano":"1767225600000100000",
                   "severityNumber":9,"body":{"stringValue":"order created"},
                   "attributes":[{"key":"order_id","value":{"stringValue":"o-981"}}],
                   "traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7"}]}]}]}
                """);

        var record = listener.await("invokefunction").getJsonObject("data");
        assertEquals("order created", record.getString("body"));
        assertEquals("INFO", record.getString("severity_text"), "derived from severity number 9");
        assertEquals(1767225600000000000L, record.getJsonNumber("timestamp_unix_nano").longValue());
        assertEquals("o-981", record.getJsonObject("attributes").getString("order_id"));
        assertEquals("checkout", record.getString("service_name"));
        assertEquals("iii-node", record.getString("instrumentation_scope_name"));
        assertEquals("00f067aa0ba902b7", record.getString("span_id"));
        assertTrue(worker.received("error").isEmpty(), "telemetry frames are never answered");
    }

    @Test
    void anUnknownLevelIsRefused() {
        var worker = subscriber(engine, "bad-level", "{\"level\":\"loud\"}");

        var refusal = worker.await("triggerregistrationresult");

        assertTrue(refusal.getJsonObject("error").getString("message").contains("level"), refusal::toString);
    }

    @Test
    void noRecordIsDeliveredAfterTheTriggerIsUnregistered() throws InterruptedException {
        var listener = subscriber(engine, "gone", "{}");
        listener.say("{\"type\":\"unregistertrigger\",\"id\":\"t-gone\",\"trigger_type\":\"log\"}");
        var logger = engine.connect();

        logger.call("engine::log::info", "{\"message\":\"anyone?\"}");

        Thread.sleep(Duration.ofMillis(100).toMillis());
        assertTrue(listener.received("invokefunction").isEmpty());
        assertFalse(engine.logs.hasSubscribers());
    }

    @Test
    void aLogCallWithoutMessageIsADeserializationError() {
        var result = engine.connect().call("engine::log::info", "{\"msg\":\"typo\"}");

        assertEquals("deserialization_error", result.getJsonObject("error").getString("code"));
    }
}
