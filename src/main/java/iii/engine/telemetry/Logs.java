package iii.engine.telemetry;

import iii.engine.invocation.Invoker;
import iii.engine.protocol.ErrorCode;
import iii.engine.protocol.RawJson;
import iii.engine.registry.BuiltinTriggerType;
import iii.engine.registry.FunctionEntry;
import iii.engine.registry.FunctionRegistry;
import iii.engine.registry.InvocationException;
import iii.engine.registry.Trigger;
import iii.engine.registry.TriggerRejectedException;
import iii.engine.registry.Worker;
import iii.engine.trigger.Triggers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import static iii.engine.telemetry.OtlpJson.JSON;

/**
 * Logs as a trigger (PROTOCOL.md §5.5): the built-in {@code log} trigger type, whose instances receive every log
 * record the engine sees (workers' {@code LOGS} frames and {@code engine::log::*} calls), and the
 * {@code engine::log::{trace,debug,info,warn,error}} functions. An instance's {@code level} ({@code all} by default)
 * matches the record's lower-cased severity text exactly, as in iii; a record without severity text gets the text of
 * its severity number. With no instance registered nothing is decoded. In a cluster, every engine holds every
 * instance and delivers the records logged on it: an instance gets each record of the cluster once.
 */
@ApplicationScoped
public class Logs {

    public static final String TYPE = "log";

    private static final Logger LOG = Logger.getLogger(Logs.class.getName());
    private static final Set<String> LEVELS = Set.of("all", "trace", "debug", "info", "warn", "error", "fatal");
    private static final String SCOPE = "iii-engine";

    private Triggers triggers;
    private FunctionRegistry functions;
    private Invoker invoker;
    private OtlpRelay relay;
    /** Trigger id to its instance and level. */
    private final ConcurrentHashMap<String, Subscriber> subscribers = new ConcurrentHashMap<>();

    private record Subscriber(Trigger trigger, String level) {
    }

    protected Logs() {
    }

    @Inject
    public Logs(Triggers triggers, FunctionRegistry functions, Invoker invoker, OtlpRelay relay) {
        this.triggers = triggers;
        this.functions = functions;
        this.invoker = invoker;
        this.relay = relay;
    }

    /** Registers the {@code log} trigger type and the {@code engine::log::*} functions. */
    public void install() {
        triggers.addBuiltinType(TYPE, "Fires for every log record: workers' OpenTelemetry logs and engine::log::*",
                new BuiltinTriggerType() {
                    @Override
                    public void register(Trigger trigger) throws TriggerRejectedException {
                        subscribers.put(trigger.id(), new Subscriber(trigger, level(trigger.config())));
                    }

                    @Override
                    public void unregister(Trigger trigger) {
                        subscribers.computeIfPresent(trigger.id(),
                                (id, subscriber) -> subscriber.trigger().equals(trigger) ? null : subscriber);
                    }
                });
        addLogFunction("trace", 1);
        addLogFunction("debug", 5);
        addLogFunction("info", 9);
        addLogFunction("warn", 13);
        addLogFunction("error", 17);
    }

    /** Whether any {@code log} trigger is registered, i.e. whether log records are worth decoding. */
    public boolean hasSubscribers() {
        return !subscribers.isEmpty();
    }

    /** Delivers every record of an OTLP/JSON {@code ExportLogsServiceRequest} to the matching triggers. */
    public void deliverExport(JsonObject export) {
        for (var resourceLogs : OtlpJson.objects(export, "resourceLogs")) {
            var resource = OtlpJson.object(resourceLogs, "resource");
            var resourceMap = JSON.createObjectBuilder();
            OtlpJson.attributes(resource).forEach((key, value) ->
                    resourceMap.add(key, plain(value)));
            var resourceObject = resourceMap.build();
            var serviceName = resourceObject.getString("service.name", "unknown");
            for (var scopeLogs : OtlpJson.objects(resourceLogs, "scopeLogs")) {
                var scope = OtlpJson.object(scopeLogs, "scope");
                for (var record : OtlpJson.objects(scopeLogs, "logRecords")) {
                    var severityNumber = OtlpJson.int64(record, "severityNumber");
                    var number = severityNumber == null ? 0 : severityNumber.intValue();
                    var text = OtlpJson.string(record, "severityText");
                    var time = OtlpJson.int64(record, "timeUnixNano");
                    var observed = OtlpJson.int64(record, "observedTimeUnixNano");
                    var body = OtlpJson.anyValue(OtlpJson.object(record, "body"));
                    var event = JSON.createObjectBuilder()
                            .add("timestamp_unix_nano", time != null && time != 0 ? time : observedOrNow(observed))
                            .add("observed_timestamp_unix_nano", observedOrNow(observed))
                            .add("severity_number", number)
                            .add("severity_text", text != null && !text.isEmpty() ? text : severityText(number))
                            .add("body", body)
                            .add("attributes", OtlpJson.attributes(record))
                            .add("resource", resourceObject)
                            .add("service_name", serviceName)
                            .add("instrumentation_scope_name", nullable(OtlpJson.string(scope, "name")))
                            .add("instrumentation_scope_version", nullable(OtlpJson.string(scope, "version")));
                    addId(event, "trace_id", OtlpJson.string(record, "traceId"));
                    addId(event, "span_id", OtlpJson.string(record, "spanId"));
                    publish(event.build());
                }
            }
        }
    }

    /** Calls every {@code log} trigger whose level matches the record; fire-and-forget, off the caller's thread. */
    void publish(JsonObject event) {
        if (subscribers.isEmpty()) {
            return;
        }
        var level = event.getString("severity_text", "").toLowerCase(Locale.ROOT);
        RawJson payload = null;
        for (var subscriber : subscribers.values()) {
            if (subscriber.level().equals("all") || subscriber.level().equals(level)) {
                if (payload == null) {
                    payload = RawJson.of(event);
                }
                invoker.fire(subscriber.trigger().functionId(), payload, "Log record");
            }
        }
    }

    private void addLogFunction(String level, int severityNumber) {
        var id = "engine::log::" + level;
        functions.register(FunctionEntry.builtin(id, "Log a message at " + level.toUpperCase(Locale.ROOT)
                + " ({message, data?, trace_id?, span_id?, service_name?})",
                (caller, data) -> log(caller, data, id, severityNumber)));
    }

    private RawJson log(Worker caller, RawJson data, String function, int severityNumber) throws InvocationException {
        if (!(data.toJsonValue() instanceof JsonObject input)) {
            throw new InvocationException(ErrorCode.DESERIALIZATION_ERROR, function + " expects an object");
        }
        if (!(input.get("message") instanceof JsonString message)) {
            throw new InvocationException(ErrorCode.DESERIALIZATION_ERROR, function + ": 'message' (string) is required");
        }
        var serviceName = input.get("service_name") instanceof JsonString name ? name.getString()
                : caller != null && caller.metadata().name() != null ? caller.metadata().name() : SCOPE;
        var attributes = JSON.createObjectBuilder();
        var extra = input.get("data");
        if (extra instanceof JsonObject object) {
            object.forEach(attributes::add);
        } else if (extra != null && extra != JsonValue.NULL) {
            attributes.add("data", extra);
        }
        var now = System.currentTimeMillis() * 1_000_000;
        var severityText = severityText(severityNumber);
        var event = JSON.createObjectBuilder()
                .add("timestamp_unix_nano", now)
                .add("observed_timestamp_unix_nano", now)
                .add("severity_number", severityNumber)
                .add("severity_text", severityText)
                .add("body", message)
                .add("attributes", attributes)
                .add("resource", JSON.createObjectBuilder().add("service.name", serviceName))
                .add("service_name", serviceName)
                .add("instrumentation_scope_name", SCOPE)
                .add("instrumentation_scope_version", JsonValue.NULL);
        var traceId = input.get("trace_id") instanceof JsonString id ? id.getString() : null;
        var spanId = input.get("span_id") instanceof JsonString id ? id.getString() : null;
        addId(event, "trace_id", traceId);
        addId(event, "span_id", spanId);
        var record = event.build();
        LOG.fine(() -> "[" + serviceName + "] " + severityText + " " + message.getString());
        publish(record);
        if (relay.enabled()) {
            relay.offer(OtlpRelay.LOGS, otlpLogs(record, serviceName, traceId, spanId));
        }
        return RawJson.NULL;
    }

    /** One record as an OTLP/JSON {@code ExportLogsServiceRequest}, for the collector. */
    private static byte[] otlpLogs(JsonObject record, String serviceName, String traceId, String spanId) {
        var logRecord = JSON.createObjectBuilder()
                .add("timeUnixNano", Long.toString(record.getJsonNumber("timestamp_unix_nano").longValue()))
                .add("observedTimeUnixNano", Long.toString(record.getJsonNumber("observed_timestamp_unix_nano")
                        .longValue()))
                .add("severityNumber", record.getInt("severity_number"))
                .add("severityText", record.getString("severity_text"))
                .add("body", JSON.createObjectBuilder().add("stringValue", record.getString("body")));
        var attributes = JSON.createArrayBuilder();
        record.getJsonObject("attributes").forEach((key, value) -> attributes.add(
                OtlpJson.keyValue(key, plain(value))));
        logRecord.add("attributes", attributes);
        if (isHex(traceId, 32)) {
            logRecord.add("traceId", traceId);
        }
        if (isHex(spanId, 16)) {
            logRecord.add("spanId", spanId);
        }
        var export = JSON.createObjectBuilder().add("resourceLogs", JSON.createArrayBuilder().add(
                JSON.createObjectBuilder()
                        .add("resource", JSON.createObjectBuilder().add("attributes",
                                JSON.createArrayBuilder().add(OtlpJson.keyValue("service.name", serviceName))))
                        .add("scopeLogs", JSON.createArrayBuilder().add(JSON.createObjectBuilder()
                                .add("scope", JSON.createObjectBuilder().add("name", SCOPE))
                                .add("logRecords", JSON.createArrayBuilder().add(logRecord))))))
                .build();
        return export.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code level} of a trigger's config; refuses anything but the known levels. */
    static String level(RawJson config) throws TriggerRejectedException {
        if (config == null || config.isNull()) {
            return "all";
        }
        if (!(config.toJsonValue() instanceof JsonObject object)) {
            throw new TriggerRejectedException("log trigger config must be an object like {\"level\":\"info\"}");
        }
        var level = object.get("level");
        if (level == null || level == JsonValue.NULL) {
            return "all";
        }
        if (!(level instanceof JsonString text) || !LEVELS.contains(text.getString().toLowerCase(Locale.ROOT))) {
            throw new TriggerRejectedException("log trigger level must be one of " + LEVELS + ", got " + level);
        }
        return text.getString().toLowerCase(Locale.ROOT);
    }

    /** The OpenTelemetry short name of a severity number (1–4 TRACE, 5–8 DEBUG, 9–12 INFO, …). */
    static String severityText(int number) {
        if (number <= 0) {
            return "";
        }
        if (number <= 4) {
            return "TRACE";
        }
        if (number <= 8) {
            return "DEBUG";
        }
        if (number <= 12) {
            return "INFO";
        }
        if (number <= 16) {
            return "WARN";
        }
        if (number <= 20) {
            return "ERROR";
        }
        return "FATAL";
    }

    private static long observedOrNow(Long observed) {
        return observed != null && observed != 0 ? observed : System.currentTimeMillis() * 1_000_000;
    }

    private static void addId(jakarta.json.JsonObjectBuilder event, String name, String id) {
        if (id != null && !id.isEmpty()) {
            event.add(name, id);
        }
    }

    /** A string's text, any other value's JSON. */
    private static String plain(JsonValue value) {
        return value instanceof JsonString text ? text.getString() : value.toString();
    }

    private static JsonValue nullable(String text) {
        return text == null ? JsonValue.NULL : JSON.createValue(text);
    }

    private static boolean isHex(String id, int length) {
        if (id == null || id.length() != length) {
            return false;
        }
        try {
            HexFormat.of().parseHex(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
