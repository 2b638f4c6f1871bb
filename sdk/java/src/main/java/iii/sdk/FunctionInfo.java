package iii.sdk;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** A row of {@code engine::functions::list}: the function's id and description, and the whole row as sent. */
public record FunctionInfo(String functionId, String description, JsonObject row) {

    static FunctionInfo of(JsonValue v) {
        JsonObject o = v.asJsonObject();
        return new FunctionInfo(o.getString("function_id", null),
                o.get("description") instanceof JsonString s ? s.getString() : null, o);
    }
}
