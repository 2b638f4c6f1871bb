package iii.sdk;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** A row of {@code engine::workers::list}: the worker's id, name, runtime and version, and the whole row as sent. */
public record WorkerInfo(String id, String name, String runtime, String version, int functionCount, JsonObject row) {

    static WorkerInfo of(JsonValue v) {
        JsonObject o = v.asJsonObject();
        return new WorkerInfo(text(o, "id"), text(o, "name"), text(o, "runtime"), text(o, "version"),
                o.get("function_count") instanceof JsonNumber n ? n.intValue() : 0, o);
    }

    private static String text(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s ? s.getString() : null;
    }
}
