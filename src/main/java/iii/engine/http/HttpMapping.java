package iii.engine.http;

import iii.engine.protocol.RawJson;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Request to function data and function answer to response, as iii's REST API module maps them (PROTOCOL.md §6.4,
 * §6.5 buffered responses, §6.8 E22 envelopes). Pure functions, no servlet types.
 */
final class HttpMapping {

    private static final JsonProvider JSON = JsonProvider.provider();
    /** Set by the container from the body itself; a function's values would corrupt the response. */
    private static final Set<String> SKIPPED_RESPONSE_HEADERS = Set.of("content-length", "transfer-encoding",
            "connection", "keep-alive", "upgrade", "trailer", "te");

    /** A response to write. */
    record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    }

    private HttpMapping() {
    }

    /**
     * The bound function's {@code data}: {@code query_params}, {@code path_params}, {@code headers} (lower-case
     * names), {@code path} (the pattern), {@code method}, {@code body} (parsed JSON for a JSON content type, else
     * null), {@code trigger} and, when given, the channel references {@code request_body} (where the function reads
     * the raw body) and {@code response} (where it may stream its answer).
     */
    static RawJson requestData(Route route, Map<String, String> pathParams, String queryString,
                               Map<String, String> headers, String method, JsonValue body, JsonObject requestBody,
                               JsonObject response) {
        var query = JSON.createObjectBuilder();
        queryParams(queryString).forEach(query::add);
        var path = JSON.createObjectBuilder();
        pathParams.forEach(path::add);
        var head = JSON.createObjectBuilder();
        headers.forEach(head::add);
        var data = JSON.createObjectBuilder()
                .add("query_params", query)
                .add("path_params", path)
                .add("headers", head)
                .add("path", route.path())
                .add("method", method)
                .add("body", body == null ? JsonValue.NULL : body)
                .add("trigger", JSON.createObjectBuilder().add("type", "http").add("path", route.path())
                        .add("method", method));
        if (requestBody != null) {
            data.add("request_body", requestBody);
        }
        if (response != null) {
            data.add("response", response);
        }
        return RawJson.of(data.build());
    }

    /**
     * A middleware function's {@code data} (PROTOCOL.md §6.7): {@code {"phase":"preHandler","request":{path_params,
     * query_params, headers, method},"context":{}}}, the request without its body.
     */
    static RawJson middlewareInput(Map<String, String> pathParams, String queryString, Map<String, String> headers,
                                   String method) {
        var query = JSON.createObjectBuilder();
        queryParams(queryString).forEach(query::add);
        var path = JSON.createObjectBuilder();
        pathParams.forEach(path::add);
        var head = JSON.createObjectBuilder();
        headers.forEach(head::add);
        return RawJson.of(JSON.createObjectBuilder()
                .add("phase", "preHandler")
                .add("request", JSON.createObjectBuilder()
                        .add("path_params", path)
                        .add("query_params", query)
                        .add("headers", head)
                        .add("method", method))
                .add("context", JsonValue.EMPTY_JSON_OBJECT)
                .build());
    }

    /**
     * What a middleware's answer means, as iii reads it: {@code {"action":"respond","response":{status_code, headers,
     * body}}} ends the request with that response, returned here; anything else ({@code {"action":"continue"}}, no
     * answer, another action) lets the request go on, and gives null. The response's body is always sent as JSON
     * ({@code null} when missing) with {@code content-type: application/json} unless its headers (an object of
     * string values) set one; a status that is missing or not an HTTP status is 200.
     */
    static Response middlewareResponse(RawJson result) {
        var value = result == null ? JsonValue.NULL : result.toJsonValue();
        if (!(value instanceof JsonObject answer) || !(answer.get("action") instanceof JsonString action)
                || !action.getString().equals("respond")) {
            return null;
        }
        var response = answer.get("response") instanceof JsonObject r ? r : JsonValue.EMPTY_JSON_OBJECT;
        int status = 200;
        if (response.get("status_code") instanceof JsonNumber n && n.isIntegral()
                && n.longValue() >= 100 && n.longValue() <= 599) {
            status = n.intValue();
        }
        var body = response.containsKey("body") ? response.get("body") : JsonValue.NULL;
        var headers = new ArrayList<Map.Entry<String, String>>();
        if (response.get("headers") instanceof JsonObject given
                && given.values().stream().allMatch(v -> v instanceof JsonString)) {
            given.forEach((name, v) -> addHeader(headers, name, ((JsonString) v).getString()));
        }
        if (headers.stream().noneMatch(h -> h.getKey().equalsIgnoreCase("content-type"))) {
            headers.add(0, Map.entry("content-type", "application/json"));
        }
        return new Response(status, headers, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The query string's parameters, URL-decoded; of repeated keys the last wins. */
    static Map<String, String> queryParams(String queryString) {
        var params = new LinkedHashMap<String, String>();
        if (queryString == null || queryString.isEmpty()) {
            return params;
        }
        for (var pair : queryString.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            var name = decode(eq < 0 ? pair : pair.substring(0, eq));
            var value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.put(name, value);
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a broken %-escape: keep it as it came
        }
    }

    /** Whether a body of this content type is read whole and parsed into {@code body} (else it is streamed). */
    static boolean isJson(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("application/json");
    }

    /**
     * A JSON body, or null when the content type is not JSON or the body does not parse. As in iii, no other body
     * is parsed: {@code application/x-www-form-urlencoded} and {@code multipart/form-data} bodies (fields, files)
     * reach the function as raw bytes only, in its {@code request_body} channel, never in {@code body}.
     */
    static JsonValue body(String contentType, byte[] bytes) {
        if (!isJson(contentType) || bytes.length == 0) {
            return null;
        }
        try (var reader = JSON.createReader(new ByteArrayInputStream(bytes))) {
            return reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }

    /**
     * The response for a function's answer {@code {status_code, headers, body}}: status 200 when missing or not an
     * integer; headers as an object or a list of {@code "Name: value"}; the body raw when it is a string and a
     * content type is set, empty when it is null and a content type is set, JSON text otherwise (with
     * {@code content-type: application/json} when none is set). A missing body is {@code {}}. An answer that is not
     * an object is the body of a 200.
     */
    static Response response(RawJson result) {
        var value = result == null ? JsonValue.NULL : result.toJsonValue();
        int status = 200;
        var headers = new ArrayList<Map.Entry<String, String>>();
        JsonValue body;
        if (value instanceof JsonObject answer) {
            if (answer.get("status_code") instanceof JsonNumber n && n.isIntegral()) {
                status = n.intValue();
                if (status < 100 || status > 599) {
                    return error(500, "invalid_response", "status_code " + n + " is not an HTTP status");
                }
            }
            var given = answer.get("headers");
            if (given instanceof JsonObject object) {
                object.forEach((name, v) -> addHeader(headers, name, v instanceof JsonString s ? s.getString()
                        : v.toString()));
            } else if (given instanceof JsonArray array) {
                for (var line : array) {
                    if (line instanceof JsonString s) {
                        int colon = s.getString().indexOf(':');
                        if (colon > 0) {
                            addHeader(headers, s.getString().substring(0, colon).trim(),
                                    s.getString().substring(colon + 1).trim());
                        }
                    }
                }
            }
            body = answer.containsKey("body") ? answer.get("body") : JsonValue.EMPTY_JSON_OBJECT;
        } else {
            body = value.getValueType() == JsonValue.ValueType.NULL ? JsonValue.EMPTY_JSON_OBJECT : value;
        }
        var contentType = headers.stream().filter(h -> h.getKey().equalsIgnoreCase("content-type")).findFirst();
        byte[] bytes;
        if (contentType.isPresent() && body instanceof JsonString s) {
            bytes = s.getString().getBytes(StandardCharsets.UTF_8);
        } else if (contentType.isPresent() && body.getValueType() == JsonValue.ValueType.NULL) {
            bytes = new byte[0];
        } else {
            bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            if (contentType.isEmpty()) {
                headers.add(Map.entry("content-type", "application/json"));
            }
        }
        return new Response(status, headers, bytes);
    }

    /** Adds a response header a function set, unless it is malformed or one the container sets itself. */
    static void addHeader(List<Map.Entry<String, String>> headers, String name, String value) {
        if (!HeaderSyntax.isName(name) || !HeaderSyntax.isValue(value)
                || SKIPPED_RESPONSE_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            return;
        }
        headers.add(Map.entry(name, value));
    }

    // E22's envelopes (§6.8)

    static Response notFound() {
        return error(404, "NOT_FOUND", "Not Found");
    }

    /** 500 for a failed function: {@code {"error":{"code","message","error_id"}}}. */
    static Response functionFailed(RawJson error, String errorId) {
        var code = "internal_error";
        var message = "internal server error";
        if (error != null && error.toJsonValue() instanceof JsonObject e) {
            if (e.get("code") instanceof JsonString c) {
                code = c.getString();
            }
            if (e.get("message") instanceof JsonString m) {
                message = m.getString();
            }
        }
        return json(500, JSON.createObjectBuilder().add("error", JSON.createObjectBuilder()
                .add("code", code).add("message", message).add("error_id", errorId)).build());
    }

    static Response conditionNotMet() {
        return json(422, JSON.createObjectBuilder().add("error", JSON.createObjectBuilder()
                .add("code", "CONDITION_NOT_MET").add("message", "Request condition not met"))
                .add("skipped", true).build());
    }

    /** 504 with an empty body, as iii. */
    static Response timedOut() {
        return new Response(504, List.of(), new byte[0]);
    }

    /** Our own refusals (413, 431, 503 …): the E22 envelope with a code and message. */
    static Response error(int status, String code, String message) {
        return json(status, JSON.createObjectBuilder().add("error", JSON.createObjectBuilder()
                .add("code", code).add("message", message)).build());
    }

    static String errorId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static Response json(int status, JsonObject body) {
        return new Response(status, List.of(Map.entry("content-type", "application/json")),
                body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
