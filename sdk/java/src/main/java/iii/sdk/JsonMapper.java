package iii.sdk;

import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.io.Writer;
import java.lang.reflect.Type;
import java.util.Map;

/**
 * Payloads to and from JSON: JSON-P values pass as they are, {@link ApiRequest} and {@link ApiResponse} are read and
 * written field by field (they hold arbitrary JSON, which JSON-B implementations bind inconsistently), everything
 * else goes through JSON-B, from and to text. Frames are written as text here and read by {@link Envelope}.
 */
final class JsonMapper {

    private static final JsonProvider JSONP = JsonProvider.provider();
    private static final JsonReaderFactory READERS = JSONP.createReaderFactory(Map.of());
    private static final JsonParserFactory PARSERS = JSONP.createParserFactory(Map.of());
    private static final Jsonb JSONB = JsonbBuilder.create();

    private JsonMapper() {
    }

    static JsonObject parseObject(String text) {
        try (var r = READERS.createReader(new StringReader(text))) {
            return r.readObject();
        }
    }

    static JsonParser parser(String text) {
        return PARSERS.createParser(new StringReader(text));
    }

    static JsonValue parse(String text) {
        try (var r = READERS.createReader(new StringReader(text))) {
            return r.readValue();
        }
    }

    /** The JSON text of a payload or result; null is JSON {@code null}. */
    static String write(Object value) {
        return write(new StringBuilder(), value).toString();
    }

    /** Appends the JSON text of a payload or result to {@code b}; null is JSON {@code null}. */
    static StringBuilder write(StringBuilder b, Object value) {
        if (value == null) {
            return b.append("null");
        }
        if (value instanceof JsonValue v) {
            return b.append(v);
        }
        if (value instanceof ApiResponse r) {
            return b.append(r.toJson());
        }
        if (value instanceof ApiRequest r) {
            return b.append(r.toJson());
        }
        JSONB.toJson(value, new Appender(b));
        return b;
    }

    /** JSON text as {@code type}; absent text (null) or JSON null is null ({@link JsonValue#NULL} for JSON-P). */
    @SuppressWarnings("unchecked")
    static <T> T read(String json, Type type) {
        if (json == null) {
            return null;
        }
        if (type instanceof Class<?> c) {
            if (c == Void.class || c == void.class) {
                return null;
            }
            if (JsonValue.class.isAssignableFrom(c)) {
                JsonValue v = parse(json);
                return v == JsonValue.NULL && c != JsonValue.class ? null : (T) c.cast(v);
            }
        }
        if (json.equals("null")) {
            return null;
        }
        if (type == ApiRequest.class) {
            return (T) ApiRequest.of(parseObject(json));
        }
        if (type == ApiResponse.class) {
            return (T) ApiResponse.of(parseObject(json));
        }
        return bind(json, type);
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

    /** Appends {@code m} as a JSON object of strings. */
    static StringBuilder strings(StringBuilder b, Map<String, String> m) {
        b.append('{');
        boolean first = true;
        for (var e : m.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            quote(b, e.getKey()).append(':');
            quote(b, e.getValue());
        }
        return b.append('}');
    }

    static String quote(String s) {
        return quote(new StringBuilder(s.length() + 2), s).toString();
    }

    /** JSON text bound by JSON-B to {@code type}. */
    static <T> T bind(String json, Type type) {
        return JSONB.fromJson(json, type);
    }

    /** JSON-B's output straight into a frame's text. */
    private static final class Appender extends Writer {
        private final StringBuilder b;

        Appender(StringBuilder b) {
            this.b = b;
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            b.append(chars, offset, length);
        }

        @Override
        public void write(String s, int offset, int length) {
            b.append(s, offset, offset + length);
        }

        @Override
        public void write(int c) {
            b.append((char) c);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
