package iii.engine.access;

import iii.engine.config.EngineConfig;
import iii.engine.protocol.RawJson;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One entry of {@code iii.rbac.expose-functions}: a glob over function ids ({@code orders::*}, also written as iii's
 * {@code match("orders::*")}), or {@code metadata:KEY=VALUE}, which matches a function registered with metadata whose
 * {@code KEY} equals the JSON {@code VALUE} ({@code metadata:public=true}); a VALUE that is not JSON is taken as a
 * string, and a string VALUE {@code match("…")} is a glob over a string member, as in iii.
 */
sealed interface FunctionFilter {

    boolean matches(String functionId, RawJson metadata);

    /** The entries of a comma-separated list; blank entries are skipped. */
    static List<FunctionFilter> parseAll(String list) {
        return list == null ? List.of()
                : EngineConfig.commaSeparated(list).stream().map(FunctionFilter::parse).toList();
    }

    static FunctionFilter parse(String entry) {
        if (entry.startsWith("metadata:")) {
            var condition = entry.substring("metadata:".length());
            int equals = condition.indexOf('=');
            if (equals < 0 || condition.substring(0, equals).isBlank()) {
                throw new IllegalArgumentException("expose-functions entry '" + entry + "' is not metadata:KEY=VALUE");
            }
            var value = condition.substring(equals + 1).strip();
            var glob = unwrapMatch(value.startsWith("\"") ? json(value) instanceof JsonString s ? s.getString() : value
                    : value);
            return new Metadata(condition.substring(0, equals).strip(), glob != null ? null : json(value), glob);
        }
        var glob = unwrapMatch(entry);
        return new Pattern(glob != null ? glob : entry);
    }

    /** {@code match("x")} or {@code match('x')} → {@code x}; anything else → null. */
    private static String unwrapMatch(String text) {
        if (text.length() > 9 && text.startsWith("match(") && text.endsWith(")")) {
            var inner = text.substring(6, text.length() - 1);
            if (inner.length() >= 2 && (inner.startsWith("\"") && inner.endsWith("\"")
                    || inner.startsWith("'") && inner.endsWith("'"))) {
                return inner.substring(1, inner.length() - 1);
            }
        }
        return null;
    }

    /** {@code text} as one JSON value; text that is not exactly one (such as {@code 1.2.3}) as a JSON string. */
    private static JsonValue json(String text) {
        try (var parser = Json.createParser(new StringReader(text))) {
            parser.next();
            var value = parser.getValue();
            return parser.hasNext() ? Json.createValue(text) : value;
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            return Json.createValue(text);
        }
    }

    record Pattern(String glob) implements FunctionFilter {
        @Override
        public boolean matches(String functionId, RawJson metadata) {
            return Glob.matches(glob, functionId);
        }
    }

    /** Exactly one of {@code value} and {@code glob} is set. */
    record Metadata(String key, JsonValue value, String glob) implements FunctionFilter {
        @Override
        public boolean matches(String functionId, RawJson metadata) {
            if (metadata == null || !metadata.isObject()) {
                return false;
            }
            JsonValue actual;
            try {
                actual = ((JsonObject) metadata.toJsonValue()).get(key);
            } catch (RuntimeException e) {
                return false;
            }
            if (actual == null) {
                return false;
            }
            if (glob != null) {
                return actual instanceof JsonString string && Glob.matches(glob, string.getString());
            }
            return value.equals(actual);
        }
    }
}
