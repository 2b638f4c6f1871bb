package iii.engine.introspection;

import iii.engine.protocol.Codec;
import iii.engine.protocol.RawJson;
import iii.engine.registry.FunctionEntry;
import iii.engine.registry.Node;
import iii.engine.registry.Trigger;
import iii.engine.registry.TriggerType;
import iii.engine.registry.Worker;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;

/**
 * The rows of the listings. Each row carries the union of the fields the SDK versions expect (extra keys are harmless
 * to every SDK); keys of the oldest shapes are always present, with null when unset.
 */
public final class Rows {

    static final JsonProvider JSON = JsonProvider.provider();

    private Rows() {
    }

    /**
     * The rows of {@code functions}, in their order, as one JSON array. Written as text, not built as a tree: a
     * listing of ten thousand functions takes milliseconds, and the formats and metadata go out as they came in.
     */
    public static RawJson functions(Collection<FunctionEntry> functions) {
        var b = new StringBuilder(64 + functions.size() * 192).append('[');
        for (var function : functions) {
            if (b.length() > 1) {
                b.append(',');
            }
            function(b, function);
        }
        return RawJson.trusted(b.append(']').toString());
    }

    private static void function(StringBuilder b, FunctionEntry function) {
        var owner = function.owner();
        b.append("{\"function_id\":");
        Codec.quote(b, function.id());
        b.append(",\"worker_id\":");
        text(b, owner == null ? null : owner.id().toString());
        b.append(",\"worker_name\":");
        Codec.quote(b, workerName(function));
        b.append(",\"description\":");
        text(b, function.description());
        b.append(",\"request_format\":");
        raw(b, function.requestFormat());
        b.append(",\"response_format\":");
        raw(b, function.responseFormat());
        b.append(",\"metadata\":");
        raw(b, function.metadata());
        b.append(",\"node\":");
        Codec.quote(b, owner == null ? Node.local() : owner.node());
        b.append('}');
    }

    private static void text(StringBuilder b, String value) {
        if (value == null) {
            b.append("null");
        } else {
            Codec.quote(b, value);
        }
    }

    private static void raw(StringBuilder b, RawJson value) {
        b.append(value == null ? "null" : value.text());
    }

    /** A function's counters ({@code engine::functions::stats}); times in milliseconds. */
    public static JsonObject stats(FunctionEntry function) {
        var stats = function.stats().snapshot();
        return JSON.createObjectBuilder()
                .add("function_id", function.id())
                .add("worker_id", function.owner() == null ? JsonValue.NULL : string(function.owner().id().toString()))
                .add("worker_name", workerName(function))
                .add("calls", stats.calls())
                .add("errors", stats.errors())
                .add("in_flight", stats.inFlight())
                .add("average_ms", stats.averageMs())
                .add("p50_ms", stats.p50Ms())
                .add("p99_ms", stats.p99Ms())
                .build();
    }

    public static JsonObject worker(Worker worker) {
        return worker(worker, id -> true);
    }

    /** A worker's row listing only the function ids {@code shown} keeps (what an RBAC session may see). */
    public static JsonObject worker(Worker worker, java.util.function.Predicate<String> shown) {
        var metadata = worker.metadata();
        var functions = JSON.createArrayBuilder();
        var ids = worker.functionIds().stream().filter(shown).sorted().toList();
        ids.forEach(functions::add);
        return JSON.createObjectBuilder()
                .add("id", worker.id().toString())
                .add("name", string(metadata.name()))
                .add("description", string(metadata.description()))
                .add("runtime", string(metadata.runtime()))
                .add("version", string(metadata.version()))
                .add("os", string(metadata.os()))
                .add("pid", metadata.pid() == null ? JsonValue.NULL : JSON.createValue(metadata.pid()))
                .add("isolation", string(metadata.isolation()))
                .add("telemetry", json(metadata.telemetry()))
                .add("ip_address", string(worker.ipAddress()))
                .add("status", "connected")
                .add("internal", false)
                .add("connected_at_ms", worker.connectedAt().toEpochMilli())
                .add("function_count", ids.size())
                .add("functions", functions)
                .add("active_invocations", worker.invocations().size())
                .add("latest_metrics", json(worker.latestMetrics()))
                .add("node", worker.node())
                .build();
    }

    public static JsonObject trigger(Trigger trigger) {
        var row = JSON.createObjectBuilder()
                .add("id", trigger.id())
                .add("trigger_type", trigger.type())
                .add("function_id", trigger.functionId())
                .add("config", json(trigger.config()))
                .add("worker_id", trigger.owner() == null ? JsonValue.NULL : string(trigger.owner().id().toString()))
                .add("worker_name", trigger.owner() == null ? "engine" : trigger.owner().displayName())
                .add("node", trigger.owner() == null ? Node.local() : trigger.owner().node());
        addIfPresent(row, "metadata", trigger.metadata());
        return row.build();
    }

    public static JsonObject triggerType(TriggerType type) {
        var row = JSON.createObjectBuilder()
                .add("id", type.id())
                .add("description", Objects.requireNonNullElse(type.description(), ""))
                .add("worker_id", type.provider() == null ? JsonValue.NULL : string(type.provider().id().toString()))
                .add("worker_name", type.provider() == null ? "engine" : type.provider().displayName())
                .add("node", type.provider() == null ? Node.local() : type.provider().node());
        addIfPresent(row, "trigger_request_format", type.triggerRequestFormat());
        addIfPresent(row, "call_request_format", type.callRequestFormat());
        return row.build();
    }

    /** Workers by name, then id. */
    public static final Comparator<Worker> BY_NAME = Comparator
            .comparing((Worker worker) -> Objects.requireNonNullElse(worker.metadata().name(), "\uffff"))
            .thenComparing(worker -> worker.id().toString());

    /** The name of the worker that owns a function, else the first segment of its id (as iii shows it). */
    static String workerName(FunctionEntry function) {
        if (function.owner() != null && function.owner().metadata().name() != null) {
            return function.owner().metadata().name();
        }
        var id = function.id();
        var end = id.indexOf("::");
        return end > 0 ? id.substring(0, end) : id;
    }

    private static void addIfPresent(JsonObjectBuilder row, String name, RawJson value) {
        if (value != null && !value.isNull()) {
            row.add(name, value.toJsonValue());
        }
    }

    static JsonValue string(String value) {
        return value == null ? JsonValue.NULL : JSON.createValue(value);
    }

    static JsonValue json(RawJson value) {
        return value == null ? JsonValue.NULL : value.toJsonValue();
    }
}
