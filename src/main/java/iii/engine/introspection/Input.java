package iii.engine.introspection;

import iii.engine.protocol.ErrorCode;
import iii.engine.protocol.RawJson;
import iii.engine.registry.InvocationException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** A built-in function's input: an object (or nothing), with typed, optional members. */
final class Input {

    private final String function;
    private final JsonObject object;

    private Input(String function, JsonObject object) {
        this.function = function;
        this.object = object;
    }

    static Input of(String function, RawJson data) throws InvocationException {
        if (data == null || data.isNull()) {
            return new Input(function, JsonValue.EMPTY_JSON_OBJECT);
        }
        if (!data.isObject()) {
            throw new InvocationException(ErrorCode.DESERIALIZATION_ERROR,
                    "Failed to deserialize input for " + function + ": expected an object");
        }
        return new Input(function, data.toJsonValue().asJsonObject());
    }

    String string(String name) throws InvocationException {
        var value = present(name);
        if (value == null) {
            return null;
        }
        if (value instanceof JsonString string) {
            return string.getString();
        }
        throw wrongType(name, "a string");
    }

    boolean bool(String name) throws InvocationException {
        var value = present(name);
        if (value == null || value == JsonValue.FALSE) {
            return false;
        }
        if (value == JsonValue.TRUE) {
            return true;
        }
        throw wrongType(name, "a boolean");
    }

    Long integer(String name) throws InvocationException {
        var value = present(name);
        if (value == null) {
            return null;
        }
        if (value instanceof JsonNumber number && number.isIntegral()) {
            return number.longValueExact();
        }
        throw wrongType(name, "an integer");
    }

    JsonValue json(String name) {
        return present(name);
    }

    boolean has(String name) {
        return present(name) != null;
    }

    private JsonValue present(String name) {
        var value = object.get(name);
        return value == null || value == JsonValue.NULL ? null : value;
    }

    private InvocationException wrongType(String name, String expected) {
        return new InvocationException(ErrorCode.DESERIALIZATION_ERROR,
                "Failed to deserialize input for " + function + ": '" + name + "' must be " + expected);
    }
}
