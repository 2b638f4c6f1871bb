package iii.engine.telemetry;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.util.HashMap;
import java.util.Map;

import static iii.engine.telemetry.OtlpJson.JSON;

/**
 * The SDKs' worker gauges ({@code iii.worker.memory.heap_used}, {@code iii.worker.cpu.percent}, … with the
 * attribute {@code worker.id}) read out of an OTLP/JSON metrics export, as the fields of a listing's
 * {@code latest_metrics} (PROTOCOL.md §10.1): {@code iii.worker.memory.heap_used} is {@code memory_heap_used}.
 */
final class WorkerGauges {

    private static final String PREFIX = "iii.worker.";

    private WorkerGauges() {
    }

    /** Worker id to its latest gauge values in this export, each entry with {@code timestamp_ms}. */
    static Map<String, JsonObject> read(JsonObject export) {
        var byWorker = new HashMap<String, Map<String, JsonValue>>();
        var times = new HashMap<String, Long>();
        for (var resource : OtlpJson.objects(export, "resourceMetrics")) {
            for (var scope : OtlpJson.objects(resource, "scopeMetrics")) {
                for (var metric : OtlpJson.objects(scope, "metrics")) {
                    var name = OtlpJson.string(metric, "name");
                    if (name == null || !name.startsWith(PREFIX)) {
                        continue;
                    }
                    var field = name.substring(PREFIX.length()).replace('.', '_');
                    var data = metric.containsKey("gauge") ? OtlpJson.object(metric, "gauge")
                            : OtlpJson.object(metric, "sum");
                    for (var point : OtlpJson.objects(data, "dataPoints")) {
                        var workerId = OtlpJson.stringAttribute(point, "worker.id");
                        var value = OtlpJson.pointValue(point);
                        if (workerId == null || value == null) {
                            continue;
                        }
                        var nanos = OtlpJson.int64(point, "timeUnixNano");
                        var millis = nanos == null ? System.currentTimeMillis() : nanos / 1_000_000;
                        var previous = times.get(workerId);
                        var fields = byWorker.computeIfAbsent(workerId, id -> new HashMap<>());
                        if (!fields.containsKey(field) || previous == null || millis >= previous) {
                            fields.put(field, value == Math.rint(value) && Math.abs(value) < 1e15
                                    ? JSON.createValue(value.longValue()) : JSON.createValue(value));
                        }
                        times.merge(workerId, millis, Math::max);
                    }
                }
            }
        }
        var result = new HashMap<String, JsonObject>();
        byWorker.forEach((workerId, fields) -> {
            var row = JSON.createObjectBuilder();
            fields.forEach(row::add);
            row.add("timestamp_ms", times.get(workerId)).add("runtime", "node");
            result.put(workerId, row.build());
        });
        return result;
    }

    /** {@code previous} updated with the fields of {@code latest} (an export may carry only some gauges). */
    static JsonObject merge(JsonObject previous, JsonObject latest) {
        if (previous == null) {
            return latest;
        }
        var merged = JSON.createObjectBuilder(previous);
        latest.forEach(merged::add);
        return merged.build();
    }
}
