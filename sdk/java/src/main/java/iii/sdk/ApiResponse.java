package iii.sdk;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import java.util.Map;

/**
 * What a function bound to an {@code http} trigger answers: status code, headers and a body (written with JSON-B;
 * a {@code String} with a non-JSON {@code Content-Type} is sent as it is). Its JSON (on the wire, in its schema, as a
 * result read with {@code call(…, ApiResponse.class)}) has the engine's name {@code status_code}; a body read back
 * is the JSON-P value that came.
 */
public record ApiResponse(@JsonbProperty("status_code") int statusCode, Map<String, String> headers, Object body) {

    public ApiResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, Map.of(), body);
    }

    public static ApiResponse of(int statusCode, Object body) {
        return new ApiResponse(statusCode, Map.of(), body);
    }

    /** A route's answer as it is: one already an {@code ApiResponse}, any other value the JSON body of a 200. */
    static Object answering(Object result) {
        return result instanceof ApiResponse ? result : ok(result);
    }

    static ApiResponse of(JsonObject o) {
        int status = o.get("status_code") instanceof JsonNumber n ? n.intValue() : 200;
        JsonValue body = o.getOrDefault("body", JsonValue.NULL);
        return new ApiResponse(status, ApiRequest.strings(o, "headers"), body == JsonValue.NULL ? null : body);
    }

    String toJson() {
        var b = new StringBuilder("{\"status_code\":").append(statusCode).append(",\"headers\":");
        JsonMapper.strings(b, headers).append(",\"body\":");
        return JsonMapper.write(b, body).append('}').toString();
    }
}
