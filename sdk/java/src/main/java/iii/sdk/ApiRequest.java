package iii.sdk;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a function bound to an {@code http} trigger receives: the route's pattern and method, the path and query
 * parameters, the lower-case headers and the JSON body ({@link JsonValue#NULL} when the request had none or it was
 * not JSON). Its JSON (on the wire, in its schema, as a payload or a result) has the engine's names:
 * {@code path_params}, {@code query_params}.
 */
public record ApiRequest(String path, String method, @JsonbProperty("path_params") Map<String, String> pathParams,
        @JsonbProperty("query_params") Map<String, String> queryParams, Map<String, String> headers, JsonValue body) {

    public ApiRequest {
        pathParams = pathParams == null ? Map.of() : pathParams;
        queryParams = queryParams == null ? Map.of() : queryParams;
        headers = headers == null ? Map.of() : headers;
        body = body == null ? JsonValue.NULL : body;
    }

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

    String toJson() {
        var b = new StringBuilder("{\"path\":");
        JsonMapper.write(b, path).append(",\"method\":");
        JsonMapper.write(b, method).append(",\"path_params\":");
        JsonMapper.strings(b, pathParams).append(",\"query_params\":");
        JsonMapper.strings(b, queryParams).append(",\"headers\":");
        JsonMapper.strings(b, headers).append(",\"body\":");
        return JsonMapper.write(b, body).append('}').toString();
    }

    private static String text(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s ? s.getString() : null;
    }

    /** The object {@code name} of {@code o} as strings (other values as their JSON text); empty when absent. */
    static Map<String, String> strings(JsonObject o, String name) {
        if (!(o.get(name) instanceof JsonObject m)) {
            return Map.of();
        }
        var out = new LinkedHashMap<String, String>();
        m.forEach((k, v) -> out.put(k, v instanceof JsonString s ? s.getString() : v.toString()));
        return Map.copyOf(out);
    }
}
