package iii.engine.protocol;

import iii.engine.protocol.Message.InvocationResult;
import iii.engine.protocol.Message.InvokeFunction;
import iii.engine.protocol.Message.Ping;
import iii.engine.protocol.Message.Pong;
import iii.engine.protocol.Message.Reattach;
import iii.engine.protocol.Message.RegisterFunction;
import iii.engine.protocol.Message.RegisterService;
import iii.engine.protocol.Message.RegisterTrigger;
import iii.engine.protocol.Message.RegisterTriggerType;
import iii.engine.protocol.Message.TriggerRegistrationResult;
import iii.engine.protocol.Message.UnregisterFunction;
import iii.engine.protocol.Message.UnregisterTrigger;
import iii.engine.protocol.Message.UnregisterTriggerType;
import iii.engine.protocol.Message.WorkerRegistered;

import java.util.Map;
import java.util.UUID;

/**
 * Frames to {@link Message} records and back. Decoding is the two steps of STYLE.md habit 1 (read {@code type}, then
 * bind the record) over {@link JsonScanner} instead of a JSON-P tree, so payloads are never parsed into objects and
 * built again. Encoding writes the JSON by hand, payloads verbatim.
 *
 * <p>Validation (PROTOCOL.md §1.2, §1.6, Part A 8): unknown fields are ignored and JSON {@code null} counts as
 * absent. Missing {@code data} and {@code config} become JSON null, a missing {@code description} of a trigger type
 * the empty string, a missing service {@code name} the service id. Ids under which something is registered or routed
 * (function, trigger, trigger type and service ids) must not be empty. Every {@code invocation_id} must be a UUID.
 */
public final class Codec {

    private Codec() {
    }

    /**
     * The message one text frame holds.
     *
     * @throws FrameException if the frame is not valid JSON, not an object, or not a valid message; it carries what
     *                        could be read of the frame's type, invocation id and function id
     */
    public static Message decode(String frame) {
        Map<String, RawJson> members;
        try {
            members = JsonScanner.members(frame);
        } catch (FrameException e) {
            throw e.about(skim(frame));
        }
        try {
            return bind(members);
        } catch (FrameException e) {
            throw e.about(skimmed(members.get("type"), members.get("invocation_id"), members.get("function_id")));
        }
    }

    /**
     * The frame's {@code type}, {@code invocation_id} and {@code function_id}, for a frame that will not be decoded
     * (too large): only as much of it is scanned as needed to find them, and damage after them does not matter. Never
     * throws; a field that cannot be read is null.
     */
    public static Skim skim(String frame) {
        if (frame == null) {
            return new Skim(null, null, null);
        }
        RawJson[] found = JsonScanner.find(frame, "type", "invocation_id", "function_id");
        return skimmed(found[0], found[1], found[2]);
    }

    private static Skim skimmed(RawJson type, RawJson invocationId, RawJson functionId) {
        String id = isString(invocationId) ? JsonScanner.stringValue(invocationId) : null;
        return new Skim(
                isString(type) ? JsonScanner.stringValue(type) : null,
                id == null ? null : parseUuid(id),
                isString(functionId) ? JsonScanner.stringValue(functionId) : null);
    }

    private static Message bind(Map<String, RawJson> members) {
        RawJson typeField = members.get("type");
        if (typeField == null || typeField.isNull()) {
            throw new FrameException("missing field 'type'");
        }
        if (!isString(typeField)) {
            throw new FrameException("'type' must be a string");
        }
        String type = JsonScanner.stringValue(typeField);
        var f = new Fields(type, members);
        return switch (type) {
            case "invokefunction" -> new InvokeFunction(f.optionalUuid("invocation_id"), f.id("function_id"),
                    f.jsonOrNull("data"), f.optionalString("traceparent"), f.optionalString("baggage"), f.action(),
                    f.optional("metadata"));
            case "invocationresult" -> new InvocationResult(f.uuid("invocation_id"), f.string("function_id"),
                    f.optional("result"), f.optionalObject("error"), f.optionalString("traceparent"),
                    f.optionalString("baggage"));
            case "registerfunction" -> new RegisterFunction(f.id("id"), f.optionalString("description"),
                    f.optional("request_format"), f.optional("response_format"), f.optionalObject("metadata"),
                    f.optionalObject("invocation"));
            case "unregisterfunction" -> new UnregisterFunction(f.id("id"));
            case "registerservice" -> {
                String id = f.id("id");
                String name = f.optionalString("name");
                yield new RegisterService(id, name == null || name.isEmpty() ? id : name,
                        f.optionalString("description"), f.optionalString("parent_service_id"));
            }
            case "registertriggertype" -> {
                String id = f.id("id");
                String description = f.optionalString("description");
                yield new RegisterTriggerType(id, description == null ? "" : description,
                        f.optional("trigger_request_format"), f.optional("call_request_format"));
            }
            case "unregistertriggertype" -> new UnregisterTriggerType(f.id("id"));
            case "registertrigger" -> new RegisterTrigger(f.id("id"), f.id("trigger_type"), f.id("function_id"),
                    f.jsonOrNull("config"), f.optional("metadata"));
            case "unregistertrigger" -> new UnregisterTrigger(f.id("id"), f.optionalString("trigger_type"));
            case "triggerregistrationresult" -> new TriggerRegistrationResult(f.id("id"), f.string("trigger_type"),
                    f.string("function_id"), f.optionalObject("error"));
            case "workerregistered" -> new WorkerRegistered(f.uuid("worker_id"), f.optionalUuid("reattach_token"));
            case "reattach" -> new Reattach(f.string("previous_worker_id"), f.optionalString("reattach_token"));
            case "ping" -> new Ping();
            case "pong" -> new Pong();
            case "error" -> new Message.Error(f.object("error"));
            default -> throw new FrameException("unknown message type '" + type + "'");
        };
    }

    /** One message's members, read field by field with errors that name the message and the field. */
    private record Fields(String type, Map<String, RawJson> members) {

        /** The value, or null when absent or JSON null. */
        RawJson optional(String name) {
            RawJson value = members.get(name);
            return value == null || value.isNull() ? null : value;
        }

        RawJson jsonOrNull(String name) {
            RawJson value = members.get(name);
            return value == null ? RawJson.NULL : value;
        }

        String optionalString(String name) {
            RawJson value = optional(name);
            if (value == null) {
                return null;
            }
            if (!isString(value)) {
                throw invalid(name, "must be a string");
            }
            return JsonScanner.stringValue(value);
        }

        String string(String name) {
            String value = optionalString(name);
            if (value == null) {
                throw invalid(name, "is required");
            }
            return value;
        }

        /** A required string that names something registered or routed to, so it cannot be empty. */
        String id(String name) {
            String value = string(name);
            if (value.isEmpty()) {
                throw invalid(name, "must not be empty");
            }
            return value;
        }

        RawJson optionalObject(String name) {
            RawJson value = optional(name);
            if (value != null && !value.isObject()) {
                throw invalid(name, "must be an object");
            }
            return value;
        }

        RawJson object(String name) {
            RawJson value = optionalObject(name);
            if (value == null) {
                throw invalid(name, "is required");
            }
            return value;
        }

        UUID optionalUuid(String name) {
            RawJson value = optional(name);
            if (value == null) {
                return null;
            }
            UUID id = isString(value) ? parseUuid(JsonScanner.stringValue(value)) : null;
            if (id == null) {
                throw new FrameException(type + ": " + name + " is not a UUID");
            }
            return id;
        }

        UUID uuid(String name) {
            UUID value = optionalUuid(name);
            if (value == null) {
                throw invalid(name, "is required");
            }
            return value;
        }

        /** {@code {"type":"void"}} → "void", {@code {"type":"enqueue","queue":"…"}} → "enqueue", none → null. */
        String action() {
            RawJson value = optional("action");
            if (value == null) {
                return null;
            }
            if (value.isObject()) {
                var action = JsonScanner.members(value.text());
                RawJson kind = action.get("type");
                String name = isString(kind) ? JsonScanner.stringValue(kind) : "";
                if (name.equals("void") || name.equals("enqueue") && isString(action.get("queue"))) {
                    return name;
                }
            }
            throw invalid("action", "must be {\"type\":\"void\"} or {\"type\":\"enqueue\",\"queue\":\"<name>\"}");
        }

        private FrameException invalid(String name, String problem) {
            return new FrameException(type + ": field '" + name + "' " + problem);
        }
    }

    private static boolean isString(RawJson value) {
        return value != null && value.text().charAt(0) == '"';
    }

    /**
     * The UUID in canonical form (8-4-4-4-12 hex digits, either case), else null. {@link UUID#fromString} alone would
     * also take shortened forms such as {@code 1-2-3-4-5}.
     */
    private static UUID parseUuid(String text) {
        if (text.length() != 36) {
            return null;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23
                    ? c == '-'
                    : c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (!ok) {
                return null;
            }
        }
        return UUID.fromString(text);
    }

    /**
     * The frame for a message: {@code type} first, then the fields in the order of PROTOCOL.md §2, absent optional
     * fields (Java null or, for JSON fields, JSON null) left out entirely, as iii does (§2.12: never
     * {@code "result":null}).
     *
     * @throws IllegalArgumentException for an {@code invokefunction} whose action is {@code enqueue}: the record does
     *                                  not keep the queue name, and the engine never forwards an action (§2.11)
     */
    public static String encode(Message message) {
        if (message instanceof InvokeFunction m) {
            return new Writer(m, length(m.data()) + length(m.metadata()))
                    .uuid("invocation_id", m.invocationId())
                    .string("function_id", m.functionId())
                    .json("data", m.data())
                    .string("traceparent", m.traceparent())
                    .string("baggage", m.baggage())
                    .action(m.action())
                    .optionalJson("metadata", m.metadata())
                    .end();
        } else if (message instanceof InvocationResult m) {
            return new Writer(m, length(m.result()) + length(m.error()))
                    .uuid("invocation_id", m.invocationId())
                    .string("function_id", m.functionId())
                    .optionalJson("result", m.result())
                    .optionalJson("error", m.error())
                    .string("traceparent", m.traceparent())
                    .string("baggage", m.baggage())
                    .end();
        } else if (message instanceof RegisterTrigger m) {
            return new Writer(m, length(m.config()) + length(m.metadata()))
                    .string("id", m.id())
                    .string("trigger_type", m.triggerType())
                    .string("function_id", m.functionId())
                    .json("config", m.config())
                    .optionalJson("metadata", m.metadata())
                    .end();
        } else if (message instanceof UnregisterTrigger m) {
            return new Writer(m, 0).string("id", m.id()).string("trigger_type", m.triggerType()).end();
        } else if (message instanceof TriggerRegistrationResult m) {
            return new Writer(m, length(m.error()))
                    .string("id", m.id())
                    .string("trigger_type", m.triggerType())
                    .string("function_id", m.functionId())
                    .optionalJson("error", m.error())
                    .end();
        } else if (message instanceof WorkerRegistered m) {
            return new Writer(m, 0).uuid("worker_id", m.workerId()).uuid("reattach_token", m.reattachToken()).end();
        } else if (message instanceof Message.Error m) {
            return new Writer(m, length(m.error())).json("error", m.error()).end();
        } else if (message instanceof Ping || message instanceof Pong) {
            return new Writer(message, 0).end();
        } else if (message instanceof RegisterFunction m) {
            return new Writer(m, length(m.requestFormat()) + length(m.responseFormat()) + length(m.metadata())
                    + length(m.invocation()))
                    .string("id", m.id())
                    .string("description", m.description())
                    .optionalJson("request_format", m.requestFormat())
                    .optionalJson("response_format", m.responseFormat())
                    .optionalJson("metadata", m.metadata())
                    .optionalJson("invocation", m.invocation())
                    .end();
        } else if (message instanceof UnregisterFunction m) {
            return new Writer(m, 0).string("id", m.id()).end();
        } else if (message instanceof RegisterService m) {
            return new Writer(m, 0)
                    .string("id", m.id())
                    .string("name", m.name())
                    .string("description", m.description())
                    .string("parent_service_id", m.parentServiceId())
                    .end();
        } else if (message instanceof RegisterTriggerType m) {
            return new Writer(m, length(m.triggerRequestFormat()) + length(m.callRequestFormat()))
                    .string("id", m.id())
                    .string("description", m.description())
                    .optionalJson("trigger_request_format", m.triggerRequestFormat())
                    .optionalJson("call_request_format", m.callRequestFormat())
                    .end();
        } else if (message instanceof UnregisterTriggerType m) {
            return new Writer(m, 0).string("id", m.id()).end();
        } else if (message instanceof Reattach m) {
            return new Writer(m, 0)
                    .string("previous_worker_id", m.previousWorkerId())
                    .string("reattach_token", m.reattachToken())
                    .end();
        }
        throw new IllegalStateException("no encoding for " + message.type());
    }

    private static int length(RawJson json) {
        return json == null ? 0 : json.text().length();
    }

    /** Writes one frame; every field method leaves out a null value. */
    private static final class Writer {

        private final StringBuilder b;

        /** {@code payload} is the length of the raw JSON to embed, so the buffer is allocated once. */
        Writer(Message message, int payload) {
            b = new StringBuilder(160 + payload);
            b.append("{\"type\":\"").append(message.type()).append('"');
        }

        Writer string(String name, String value) {
            if (value != null) {
                quote(name(name), value);
            }
            return this;
        }

        Writer uuid(String name, UUID value) {
            if (value != null) {
                name(name).append('"').append(value).append('"');
            }
            return this;
        }

        /** A required JSON field: Java null is written as JSON null. */
        Writer json(String name, RawJson value) {
            name(name).append(value == null ? "null" : value.text());
            return this;
        }

        /** An optional JSON field: left out when Java null or JSON null. */
        Writer optionalJson(String name, RawJson value) {
            if (value != null && !value.isNull()) {
                name(name).append(value.text());
            }
            return this;
        }

        Writer action(String action) {
            if (action != null) {
                if (!action.equals("void")) {
                    throw new IllegalArgumentException("cannot encode action '" + action + "'");
                }
                name("action").append("{\"type\":\"void\"}");
            }
            return this;
        }

        String end() {
            return b.append('}').toString();
        }

        private StringBuilder name(String name) {
            return b.append(",\"").append(name).append("\":");
        }
    }

    /**
     * Appends {@code value} as a JSON string: quote, backslash and control characters escaped, everything else (all
     * non-ASCII included) as is, since frames travel as UTF-8.
     */
    public static void quote(StringBuilder b, String value) {
        b.append('"');
        int clean = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '"' && c != '\\' && c >= 0x20) {
                continue;
            }
            b.append(value, clean, i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
            clean = i + 1;
        }
        b.append(value, clean, value.length()).append('"');
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
}
