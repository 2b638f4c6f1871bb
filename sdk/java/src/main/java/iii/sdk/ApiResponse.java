package iii.sdk;

import java.util.Map;

/**
 * What a function bound to an {@code http} trigger answers: status code, headers and a body (written with JSON-B;
 * a {@code String} with a non-JSON {@code Content-Type} is sent as it is).
 */
public record ApiResponse(int statusCode, Map<String, String> headers, Object body) {

    public ApiResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, Map.of(), body);
    }

    public static ApiResponse of(int statusCode, Object body) {
        return new ApiResponse(statusCode, Map.of(), body);
    }

    String toJson() {
        var b = new StringBuilder("{\"status_code\":").append(statusCode).append(",\"headers\":{");
        boolean first = true;
        for (var h : headers.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            JsonMapper.quote(b, h.getKey()).append(':');
            JsonMapper.quote(b, h.getValue());
        }
        return b.append("},\"body\":").append(JsonMapper.write(body)).append('}').toString();
    }
}
