package iii.engine.e2e;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small JSON-P helpers for the end-to-end driver: build objects from key/value pairs, parse, read paths. */
final class JsonKit {

    private JsonKit() {
    }

    static JsonValue parse(String text) {
        try (JsonReader reader = jakarta.json.Json.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }

    static JsonObject parseObject(String text) {
        return parse(text).asJsonObject();
    }

    /** {@code obj("a", 1, "b", "x")}; values may be JsonValue, String, Number, Boolean, Map, List or null. */
    static JsonObject obj(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected");
        }
        JsonObjectBuilder b = jakarta.json.Json.createObjectBuilder();
        for (int i = 0; i < keyValues.length; i += 2) {
            b.add((String) keyValues[i], value(keyValues[i + 1]));
        }
        return b.build();
    }

    static JsonArray arr(Object... values) {
        JsonArrayBuilder b = jakarta.json.Json.createArrayBuilder();
        for (Object v : values) {
            b.add(value(v));
        }
        return b.build();
    }

    /** Copy of {@code base} with the given pairs added or replaced. */
    static JsonObject with(JsonObject base, Object... keyValues) {
        JsonObjectBuilder b = jakarta.json.Json.createObjectBuilder(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            b.add((String) keyValues[i], value(keyValues[i + 1]));
        }
        return b.build();
    }

    /** Copy of {@code base} without the given keys. */
    static JsonObject without(JsonObject base, String... keys) {
        JsonObjectBuilder b = jakarta.json.Json.createObjectBuilder(base);
        for (String k : keys) {
            b.remove(k);
        }
        return b.build();
    }

    @SuppressWarnings("unchecked")
    static JsonValue value(Object v) {
        if (v == null) {
            return JsonValue.NULL;
        }
        if (v instanceof JsonValue jv) {
            return jv;
        }
        if (v instanceof String s) {
            return jakarta.json.Json.createValue(s);
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return jakarta.json.Json.createValue(((Number) v).longValue());
        }
        if (v instanceof Number n) {
            return jakarta.json.Json.createValue(n.doubleValue());
        }
        if (v instanceof Boolean bool) {
            return bool ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (v instanceof Map<?, ?> m) {
            JsonObjectBuilder b = jakarta.json.Json.createObjectBuilder();
            ((Map<String, Object>) m).forEach((k, x) -> b.add(k, value(x)));
            return b.build();
        }
        if (v instanceof List<?> l) {
            JsonArrayBuilder b = jakarta.json.Json.createArrayBuilder();
            l.forEach(x -> b.add(value(x)));
            return b.build();
        }
        throw new IllegalArgumentException("not a JSON value: " + v.getClass());
    }

    /** Value at a dotted path ("error.code"), or empty when any step is missing or not an object. */
    static Optional<JsonValue> at(JsonValue root, String path) {
        JsonValue cur = root;
        for (String step : path.split("\\.")) {
            if (cur == null || cur.getValueType() != JsonValue.ValueType.OBJECT) {
                return Optional.empty();
            }
            cur = cur.asJsonObject().get(step);
        }
        return Optional.ofNullable(cur);
    }

    /** String at a dotted path, or null when absent / not a string. */
    static String str(JsonValue root, String path) {
        return at(root, path).filter(v -> v instanceof JsonString).map(v -> ((JsonString) v).getString()).orElse(null);
    }

    static Long num(JsonValue root, String path) {
        return at(root, path).filter(v -> v instanceof JsonNumber).map(v -> ((JsonNumber) v).longValue()).orElse(null);
    }

    static boolean isTrue(JsonValue root, String path) {
        return at(root, path).map(v -> v == JsonValue.TRUE).orElse(false);
    }

    /** The array at path as a list of objects (non-objects skipped); empty when absent. */
    static List<JsonObject> objects(JsonValue root, String path) {
        List<JsonObject> out = new ArrayList<>();
        at(root, path).filter(v -> v.getValueType() == JsonValue.ValueType.ARRAY).ifPresent(a -> {
            for (JsonValue v : a.asJsonArray()) {
                if (v.getValueType() == JsonValue.ValueType.OBJECT) {
                    out.add(v.asJsonObject());
                }
            }
        });
        return out;
    }

    static String stringify(JsonValue v) {
        return v == null ? "null" : v.toString();
    }

    static JsonObject empty() {
        return JsonValue.EMPTY_JSON_OBJECT;
    }

    static JsonValue string(String s) {
        return jakarta.json.Json.createValue(s);
    }

    static JsonObjectBuilder builder() {
        return jakarta.json.Json.createObjectBuilder();
    }

    static JsonObjectBuilder builder(JsonObject base) {
        return jakarta.json.Json.createObjectBuilder(base);
    }

    static final JsonValue NULL = JsonValue.NULL;
}
