package iii.engine.cluster;

import iii.engine.protocol.Codec;
import iii.engine.protocol.JsonScanner;
import iii.engine.protocol.RawJson;
import iii.engine.registry.FunctionEntry;
import iii.engine.registry.ServiceEntry;
import iii.engine.registry.Trigger;
import iii.engine.registry.TriggerType;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerMetadata;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.time.Instant;
import java.util.UUID;

/**
 * The texts the engines share for a worker, a function, a service, a trigger type and a trigger: JSON objects that begin with the engine they belong
 * to ({@code {"node":"…",…}}). The same entry always gives the same text, so "remove it if it is still mine" is a
 * comparison of texts.
 */
final class Registrations {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final String NODE_PREFIX = "{\"node\":\"";

    private Registrations() {
    }

    /** A worker as other engines list it. */
    record WorkerRow(String node, UUID id, WorkerMetadata metadata, String ipAddress, Instant connectedAt) {
    }

    /** A function as other engines route it: to {@code worker} on {@code node}. */
    record FunctionRow(String node, UUID worker, String description, RawJson requestFormat, RawJson responseFormat,
                       RawJson metadata) {
    }

    /** A service of {@code worker} on {@code node}. */
    record ServiceRow(String node, UUID worker, String name, String description, String parentServiceId) {
    }

    static String service(String node, ServiceEntry service) {
        var row = JSON.createObjectBuilder().add("node", node).add("worker", service.owner().id().toString());
        add(row, "name", service.name());
        add(row, "description", service.description());
        add(row, "parent_service_id", service.parentServiceId());
        return row.build().toString();
    }

    static ServiceRow service(String text) {
        var row = read(text);
        return new ServiceRow(row.getString("node"), UUID.fromString(row.getString("worker")), string(row, "name"),
                string(row, "description"), string(row, "parent_service_id"));
    }

    /** A trigger type provided by {@code worker} on {@code node}. */
    record TypeRow(String node, UUID worker, String description, RawJson triggerRequestFormat,
                   RawJson callRequestFormat) {
    }

    static String type(String node, TriggerType type) {
        var row = JSON.createObjectBuilder().add("node", node).add("worker", type.provider().id().toString());
        add(row, "description", type.description());
        add(row, "trigger_request_format", type.triggerRequestFormat());
        add(row, "call_request_format", type.callRequestFormat());
        return row.build().toString();
    }

    static TypeRow type(String text) {
        var row = read(text);
        return new TypeRow(row.getString("node"), UUID.fromString(row.getString("worker")),
                string(row, "description"), raw(row, "trigger_request_format"), raw(row, "call_request_format"));
    }

    /** A trigger every engine serves, of {@code worker} on {@code node}. */
    record TriggerRow(String node, UUID worker, String type, String functionId, RawJson config, RawJson metadata,
                      long stamp) {
    }

    static String trigger(String node, Trigger trigger) {
        var row = JSON.createObjectBuilder().add("node", node).add("worker", trigger.owner().id().toString())
                .add("type", trigger.type()).add("function_id", trigger.functionId());
        add(row, "config", trigger.config());
        add(row, "metadata", trigger.metadata());
        return row.add("stamp", trigger.stamp()).build().toString();
    }

    static TriggerRow trigger(String text) {
        var row = read(text);
        return new TriggerRow(row.getString("node"), UUID.fromString(row.getString("worker")), row.getString("type"),
                row.getString("function_id"), raw(row, "config"), raw(row, "metadata"),
                row.containsKey("stamp") ? row.getJsonNumber("stamp").longValue() : 0);
    }

    static String worker(String node, Worker worker) {
        var metadata = worker.metadata();
        var row = JSON.createObjectBuilder().add("node", node);
        add(row, "name", metadata.name());
        add(row, "description", metadata.description());
        add(row, "runtime", metadata.runtime());
        add(row, "version", metadata.version());
        add(row, "os", metadata.os());
        if (metadata.pid() != null) {
            row.add("pid", metadata.pid());
        }
        add(row, "isolation", metadata.isolation());
        add(row, "ip_address", worker.ipAddress());
        return row.add("connected_at_ms", worker.connectedAt().toEpochMilli()).build().toString();
    }

    static WorkerRow worker(String id, String text) {
        var row = read(text);
        var metadata = new WorkerMetadata(string(row, "name"), string(row, "description"), string(row, "runtime"),
                string(row, "version"), string(row, "os"),
                row.containsKey("pid") ? row.getJsonNumber("pid").longValue() : null, string(row, "isolation"), null);
        return new WorkerRow(row.getString("node"), UUID.fromString(id), metadata, string(row, "ip_address"),
                Instant.ofEpochMilli(row.getJsonNumber("connected_at_ms").longValue()));
    }

    /**
     * A function as other engines route it. Functions come by the thousand, so their texts are written and read
     * with the codec's own scanner rather than through a JSON tree.
     */
    static String function(String node, FunctionEntry function) {
        var b = new StringBuilder(128).append("{\"node\":");
        Codec.quote(b, node);
        b.append(",\"worker\":");
        Codec.quote(b, function.owner().id().toString());
        if (function.description() != null) {
            b.append(",\"description\":");
            Codec.quote(b, function.description());
        }
        add(b, "request_format", function.requestFormat());
        add(b, "response_format", function.responseFormat());
        add(b, "metadata", function.metadata());
        return b.append('}').toString();
    }

    static FunctionRow function(String text) {
        var row = JsonScanner.members(text);
        var description = row.get("description");
        return new FunctionRow(JsonScanner.stringValue(row.get("node")),
                UUID.fromString(JsonScanner.stringValue(row.get("worker"))),
                description != null && description.text().startsWith("\"") ? JsonScanner.stringValue(description)
                        : null, row.get("request_format"), row.get("response_format"), row.get("metadata"));
    }

    private static void add(StringBuilder b, String name, RawJson value) {
        if (value != null) {
            b.append(",\"").append(name).append("\":").append(value.text());
        }
    }

    /** The engine a text belongs to, read without parsing it; null if it is not one of these texts. */
    static String node(String text) {
        if (text == null || !text.startsWith(NODE_PREFIX)) {
            return null;
        }
        var end = text.indexOf('"', NODE_PREFIX.length());
        return end < 0 ? null : text.substring(NODE_PREFIX.length(), end);
    }

    private static JsonObject read(String text) {
        try (var reader = JSON.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static void add(JsonObjectBuilder row, String name, String value) {
        if (value != null) {
            row.add(name, value);
        }
    }

    private static void add(JsonObjectBuilder row, String name, RawJson value) {
        if (value != null) {
            row.add(name, value.toJsonValue());
        }
    }

    private static String string(JsonObject row, String name) {
        var value = row.get(name);
        return value instanceof jakarta.json.JsonString string ? string.getString() : null;
    }

    private static RawJson raw(JsonObject row, String name) {
        var value = row.get(name);
        return value == null ? null : value == JsonValue.NULL ? RawJson.NULL : RawJson.of(value);
    }
}
