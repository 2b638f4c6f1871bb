package iii.sdk;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a function bound to an {@code http} trigger receives: the route's pattern and method, the path and query
 * parameters, the lower-case headers and the JSON body ({@link JsonValue#NULL} when the request had none or it was
 * not JSON).
 */
public record ApiRequest(String path, String method, Map<String, String> pathParams, Map<String, String> queryParams,
        Map<String, String> headers, JsonValue body) {

    /** The body bound by JSON-B to {@code type}; null for no body. */
    public <T> T body(Class<T> type) {
        if (body == null || body == JsonValue.NULL) {
            return null;
        }
        return JsonMapper.bind(body.toString(), type);
    }

    static ApiRequest of(JsonObject o) {
        return new ApiRequest(text(o, "path"), text(o, "method"), strings(o, "path_params"),
                strings(o, "query_params"), strings(o, "headers"), o.getOrDefault("body", JsonValue.NULL));
    }

    private static String text(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s ? s.getString() : null;
    }

    private static Map<String, String> strings(JsonObject o, String name) {
        if (!(o.get(name) instanceof JsonObject m)) {
            return Map.of();
        }
        var out = new LinkedHashMap<String, String>();
        m.forEach((k, v) -> out.put(k, v instanceof JsonString s ? s.getString() : v.toString()));
        return Map.copyOf(out);
    }
}
