package iii.engine.core;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerMetricsTest {

    private final TestEngine engine = new TestEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    private static JsonObject row(TestEngine.TestWorker caller, String workerId) {
        var id = UUID.randomUUID().toString();
        caller.say("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":"
                + "\"engine::workers::list\",\"data\":{\"worker_id\":\"" + workerId + "\"}}");
        var result = caller.await("invocationresult", frame -> frame.getString("invocation_id").equals(id));
        return result.getJsonObject("result").getJsonArray("workers").getJsonObject(0);
    }

    private static String gauges(String workerId, long timeNanos, String... nameValues) {
        var metrics = new StringBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            metrics.append(i == 0 ? "" : ",").append("{\"name\":\"").append(nameValues[i])
                    .append("\",\"gauge\":{\"dataPoints\":[{\"attributes\":[{\"key\":\"worker.id\",\"value\":"
                            + "{\"stringValue\":\"").append(workerId).append("\"}},{\"key\":\"worker.name\",\"value\":"
                            + "{\"stringValue\":\"w\"}}],\"timeUnixNano\":\"").append(timeNanos)
                    .append("\",\"asDouble\":").append(nameValues[i + 1]).append("}]}}");
        }
        return "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[]},\"scopeMetrics\":[{\"scope\":{\"name\":"
                + "\"iii\"},\"metrics\":[" + metrics + "]}]}]}";
    }

    @Test
    void latestMetricsIsNullUntilTheWorkersGaugesArrive() {
        var worker = engine.connect();

        assertEquals(jakarta.json.JsonValue.NULL, row(worker, worker.id()).get("latest_metrics"));
    }

    @Test
    void workerGaugesFromAnotherSocketFeedLatestMetricsOfTheWorkerTheyName() {
        var worker = engine.connect();
        var telemetrySocket = engine.connect();

        telemetrySocket.sayBinary("MTRC", gauges(worker.id(), 1_767_225_600_000_000_000L,
                "iii.worker.memory.heap_used", "1048576", "iii.worker.cpu.percent", "12.5",
                "iii.worker.event_loop.lag_ms", "1.25", "iii.other.metric", "7"));

        var metrics = row(worker, worker.id()).getJsonObject("latest_metrics");
        assertEquals(1048576, metrics.getJsonNumber("memory_heap_used").longValue());
        assertEquals(12.5, metrics.getJsonNumber("cpu_percent").doubleValue());
        assertEquals(1.25, metrics.getJsonNumber("event_loop_lag_ms").doubleValue());
        assertEquals(1_767_225_600_000L, metrics.getJsonNumber("timestamp_ms").longValue());
        assertEquals("node", metrics.getString("runtime"));
        assertTrue(!metrics.containsKey("other_metric"));
    }

    @Test
    void laterExportsUpdateSomeGaugesAndKeepTheOthers() {
        var worker = engine.connect();

        worker.sayBinary("MTRC", gauges(worker.id(), 1_000_000_000L, "iii.worker.memory.rss", "100",
                "iii.worker.uptime_seconds", "5"));
        worker.sayBinary("MTRC", gauges(worker.id(), 2_000_000_000L, "iii.worker.uptime_seconds", "65"));

        var metrics = row(worker, worker.id()).getJsonObject("latest_metrics");
        assertEquals(100, metrics.getInt("memory_rss"));
        assertEquals(65, metrics.getInt("uptime_seconds"));
        assertEquals(2000, metrics.getJsonNumber("timestamp_ms").longValue());
    }

    @Test
    void aBrokenTelemetryFrameIsDroppedQuietly() {
        var worker = engine.connect();

        worker.sayBinary("MTRC", "{not json");

        assertEquals(jakarta.json.JsonValue.NULL, row(worker, worker.id()).get("latest_metrics"));
        assertTrue(worker.received("error").isEmpty());
    }
}
