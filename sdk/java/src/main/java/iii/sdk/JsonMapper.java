package iii.sdk;

import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.lang.reflect.Type;
import java.util.Map;

/**
 * Payloads to and from JSON: JSON-P values pass as they are, {@link ApiRequest} and {@link ApiResponse} are read and
 * written field by field (they hold arbitrary JSON, which JSON-B implementations bind inconsistently), everything
 * else goes through JSON-B. Frames are written as text here and read with JSON-P.
 */
final class JsonMapper {

    private static final JsonReaderFactory READERS = JsonProvider.provider().createReaderFactory(Map.of());
    private static final Jsonb JSONB = JsonbBuilder.create();

    private JsonMapper() {
    }

    static JsonObject parseObject(String text) {
        try (var r = READERS.createReader(new StringReader(text))) {
            return r.readObject();
        }
    }

    static JsonValue parse(String text) {
        try (var r = READERS.createReader(new StringReader(text))) {
            return r.readValue();
        }
    }

    /** The JSON text of a payload or result; null is JSON {@code null}. */
    static String write(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof JsonValue v) {
            return v.toString();
        }
        if (value instanceof ApiResponse r) {
            return r.toJson();
        }
        return JSONB.toJson(value);
    }

    /** A JSON value as {@code type}; JSON null or an absent value is null. */
    @SuppressWarnings("unchecked")
    static <T> T read(JsonValue value, Type type) {
        if (value == null || value == JsonValue.NULL && type != JsonValue.class) {
            return null;
        }
        if (type instanceof Class<?> c) {
            if (c == Void.class || c == void.class) {
                return null;
            }
            if (JsonValue.class.isAssignableFrom(c)) {
                return (T) c.cast(value);
            }
            if (c == ApiRequest.class) {
                return (T) ApiRequest.of(value.asJsonObject());
            }
        }
        return bind(value.toString(), type);
    }

    /** Appends {@code s} as a JSON string. */
    static StringBuilder quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }

    static String quote(String s) {
        return quote(new StringBuilder(s.length() + 2), s).toString();
    }

    /** JSON text bound by JSON-B to {@code type}. */
    static <T> T bind(String json, Type type) {
        return JSONB.fromJson(json, type);
    }
}
