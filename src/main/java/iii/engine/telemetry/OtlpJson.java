package iii.engine.telemetry;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.ByteArrayInputStream;
import java.util.List;

/** Reading OTLP/JSON (the SDKs' serialisation): attribute lists, any-values and 64-bit numbers written as text. */
final class OtlpJson {

    static final JsonProvider JSON = JsonProvider.provider();

    private OtlpJson() {
    }

    static JsonObject parse(byte[] json) {
        try (var reader = JSON.createReader(new ByteArrayInputStream(json))) {
            return reader.readObject();
        }
    }

    /** The objects of {@code object[name]}, or none. */
    static List<JsonObject> objects(JsonObject object, String name) {
        if (object == null || !(object.get(name) instanceof JsonArray array)) {
            return List.of();
        }
        return array.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).toList();
    }

    static JsonObject object(JsonObject object, String name) {
        return object != null && object.get(name) instanceof JsonObject child ? child : null;
    }

    static String string(JsonObject object, String name) {
        return object != null && object.get(name) instanceof JsonString text ? text.getString() : null;
    }

    /** An int64 field, written as a number or (as protobuf's JSON mapping allows) a string; null if absent. */
    static Long int64(JsonObject object, String name) {
        var value = object == null ? null : object.get(name);
        try {
            if (value instanceof JsonNumber number) {
                return number.longValue();
            }
            if (value instanceof JsonString text) {
                return Long.parseLong(text.getString());
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    /** The {@code attributes} of an OTLP object as one JSON object. */
    static JsonObject attributes(JsonObject owner) {
        return keyValues(owner, "attributes");
    }

    /** The OTLP {@code KeyValue} list {@code owner.name} as one JSON object; entries without a key are skipped. */
    private static JsonObject keyValues(JsonObject owner, String name) {
        var builder = JSON.createObjectBuilder();
        for (var entry : objects(owner, name)) {
            var key = string(entry, "key");
            if (key != null) {
                builder.add(key, anyValue(object(entry, "value")));
            }
        }
        return builder.build();
    }

    /** The value of a string attribute, or null. */
    static String stringAttribute(JsonObject owner, String key) {
        for (var attribute : objects(owner, "attributes")) {
            if (key.equals(string(attribute, "key"))) {
                return string(object(attribute, "value"), "stringValue");
            }
        }
        return null;
    }

    /** An OTLP {@code AnyValue} as plain JSON. */
    static JsonValue anyValue(JsonObject value) {
        if (value == null) {
            return JsonValue.NULL;
        }
        if (value.get("stringValue") instanceof JsonString text) {
            return text;
        }
        if (value.containsKey("boolValue")) {
            return value.getBoolean("boolValue", false) ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (value.containsKey("intValue")) {
            var number = int64(value, "intValue");
            return number == null ? JsonValue.NULL : JSON.createValue(number);
        }
        if (value.get("doubleValue") instanceof JsonNumber number) {
            return number;
        }
        if (value.get("arrayValue") instanceof JsonObject array) {
            var values = JSON.createArrayBuilder();
            objects(array, "values").forEach(item -> values.add(anyValue(item)));
            return values.build();
        }
        if (value.get("kvlistValue") instanceof JsonObject list) {
            return keyValues(list, "values");
        }
        if (value.get("bytesValue") instanceof JsonString bytes) {
            return bytes;
        }
        return JsonValue.NULL;
    }

    /** A number (double) of a gauge or sum data point, or null. */
    static Double pointValue(JsonObject point) {
        if (point.get("asDouble") instanceof JsonNumber number) {
            return number.doubleValue();
        }
        if (point.get("asDouble") instanceof JsonString text) {
            try {
                return Double.parseDouble(text.getString());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        var integer = int64(point, "asInt");
        return integer == null ? null : integer.doubleValue();
    }

    /** An OTLP {@code KeyValue} with a string value, for documents the engine writes. */
    static JsonObjectBuilder keyValue(String key, String value) {
        return JSON.createObjectBuilder().add("key", key)
                .add("value", JSON.createObjectBuilder().add("stringValue", value));
    }
}
