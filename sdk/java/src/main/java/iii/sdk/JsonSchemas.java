package iii.sdk;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbTransient;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * A JSON Schema (draft 2020-12 keywords) of a Java type as JSON-B writes it: records and classes are objects of
 * their components or fields (a record's components are required, unless {@link Optional}), collections and arrays
 * are arrays, maps are objects, enums are strings of their names. A {@link CompletionStage} is described by what it
 * completes with. Types with no fixed shape ({@link Object}, JSON-P values) have no schema: null.
 */
public final class JsonSchemas {

    private JsonSchemas() {
    }

    /** The schema of {@code type}, or null when it has no fixed shape. */
    public static JsonObject of(Type type) {
        JsonObject s = schema(type, new HashSet<>());
        return s == null || s.isEmpty() ? null : s;
    }

    private static JsonObject schema(Type type, Set<Class<?>> seen) {
        if (type instanceof WildcardType w) {
            return schema(w.getUpperBounds()[0], seen);
        }
        if (type instanceof GenericArrayType g) {
            return array(schema(g.getGenericComponentType(), seen));
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                return array(schema(args[0], seen));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return map(schema(args[1], seen));
            }
            if (raw == Optional.class || CompletionStage.class.isAssignableFrom(raw)) {
                return schema(args[0], seen);
            }
            return schema(raw, seen);
        }
        if (!(type instanceof Class<?> c)) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        if (c == String.class || c == char.class || c == Character.class || c == UUID.class
                || Temporal.class.isAssignableFrom(c)) {
            return simple("string");
        }
        if (c == boolean.class || c == Boolean.class) {
            return simple("boolean");
        }
        if (c == int.class || c == long.class || c == short.class || c == byte.class || c == Integer.class
                || c == Long.class || c == Short.class || c == Byte.class || c == BigInteger.class) {
            return simple("integer");
        }
        if (c == double.class || c == float.class || Number.class.isAssignableFrom(c)) {
            return simple("number");
        }
        if (c.isEnum()) {
            var names = Json.createArrayBuilder();
            for (Object e : c.getEnumConstants()) {
                names.add(((Enum<?>) e).name());
            }
            return Json.createObjectBuilder().add("type", "string").add("enum", names).build();
        }
        if (JsonValue.class.isAssignableFrom(c)) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        if (c.isArray()) {
            return array(schema(c.getComponentType(), seen));
        }
        if (Collection.class.isAssignableFrom(c)) {
            return array(JsonValue.EMPTY_JSON_OBJECT);
        }
        if (Map.class.isAssignableFrom(c)) {
            return map(JsonValue.EMPTY_JSON_OBJECT);
        }
        if (c == Object.class || c.isInterface() || c.isPrimitive()
                || c.getName().startsWith("java.") || !seen.add(c)) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try {
            return c.isRecord() ? record(c, seen) : bean(c, seen);
        } finally {
            seen.remove(c);
        }
    }

    private static JsonObject record(Class<?> c, Set<Class<?>> seen) {
        var props = Json.createObjectBuilder();
        var required = Json.createArrayBuilder();
        for (RecordComponent rc : c.getRecordComponents()) {
            if (rc.getAccessor().isAnnotationPresent(JsonbTransient.class)) {
                continue;
            }
            String name = name(rc.getName(), rc.getAccessor().getAnnotation(JsonbProperty.class),
                    rc.getAnnotation(JsonbProperty.class));
            props.add(name, schema(rc.getGenericType(), seen));
            if (rc.getType() != Optional.class) {
                required.add(name);
            }
        }
        return object(props, required.build());
    }

    private static JsonObject bean(Class<?> c, Set<Class<?>> seen) {
        var props = Json.createObjectBuilder();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.isAnnotationPresent(JsonbTransient.class)) {
                    continue;
                }
                props.add(name(f.getName(), f.getAnnotation(JsonbProperty.class), null), schema(f.getGenericType(), seen));
            }
        }
        return object(props, JsonValue.EMPTY_JSON_ARRAY);
    }

    private static String name(String javaName, JsonbProperty a, JsonbProperty b) {
        JsonbProperty p = a != null ? a : b;
        return p != null && !p.value().isEmpty() ? p.value() : javaName;
    }

    private static JsonObject object(JsonObjectBuilder props, JsonArray required) {
        var o = Json.createObjectBuilder().add("type", "object").add("properties", props);
        if (!required.isEmpty()) {
            o.add("required", required);
        }
        return o.build();
    }

    private static JsonObject simple(String type) {
        return Json.createObjectBuilder().add("type", type).build();
    }

    private static JsonObject array(JsonObject items) {
        return Json.createObjectBuilder().add("type", "array").add("items", items).build();
    }

    private static JsonObject map(JsonObject values) {
        return Json.createObjectBuilder().add("type", "object").add("additionalProperties", values).build();
    }
}
