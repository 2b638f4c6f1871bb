package iii.engine.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.protocol.RawJson;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request to function data and function answer to response (PROTOCOL.md §6.4, §6.5, §6.8). */
class HttpMappingTest {

    private static final JsonProvider JSON = JsonProvider.provider();

    private static JsonObject parse(String text) {
        try (var reader = JSON.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static final Route ROUTE = new Route("POST", "items/:id", List.of("items", ":id"), "t", "items::put",
            null, List.of(), null, null, 0);

    @Test
    void the_function_receives_query_path_headers_pattern_method_body_and_trigger() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("content-type", "application/json");
        headers.put("x-tenant", "acme");
        var body = HttpMapping.body("application/json; charset=utf-8", "{\"qty\":2}".getBytes(StandardCharsets.UTF_8));

        var data = parse(HttpMapping.requestData(ROUTE, Map.of("id", "a b"), "q=hello+world&limit=10&q=last",
                headers, "POST", body, null, null).text());

        assertEquals("last", data.getJsonObject("query_params").getString("q"), "repeated keys: the last wins");
        assertEquals("10", data.getJsonObject("query_params").getString("limit"));
        assertEquals("a b", data.getJsonObject("path_params").getString("id"));
        assertEquals("acme", data.getJsonObject("headers").getString("x-tenant"));
        assertEquals("items/:id", data.getString("path"));
        assertEquals("POST", data.getString("method"));
        assertEquals(2, data.getJsonObject("body").getInt("qty"));
        assertEquals(parse("{\"type\":\"http\",\"path\":\"items/:id\",\"method\":\"POST\"}"),
                data.getJsonObject("trigger"));
    }

    @Test
    void a_malformed_json_body_or_a_non_json_content_type_gives_a_null_body() {
        assertNull(HttpMapping.body("application/json", "{\"broken\":".getBytes(StandardCharsets.UTF_8)));
        assertNull(HttpMapping.body("text/plain", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
        assertNull(HttpMapping.body(null, "{}".getBytes(StandardCharsets.UTF_8)));
        assertNull(HttpMapping.body("application/json", new byte[0]));
        var data = parse(HttpMapping.requestData(ROUTE, Map.of(), null, Map.of(), "POST", null, null, null).text());
        assertTrue(data.isNull("body"));
        assertTrue(data.getJsonObject("query_params").isEmpty());
    }

    @Test
    void a_broken_percent_escape_in_the_query_is_kept_as_it_came() {
        assertEquals(Map.of("a", "%zz", "b", ""), HttpMapping.queryParams("a=%zz&b"));
    }

    @Test
    void status_headers_and_json_body_become_the_response() {
        var r = HttpMapping.response(RawJson.trusted(
                "{\"status_code\":201,\"headers\":{\"Location\":\"/orders/o-1\"},\"body\":{\"order_id\":\"o-1\"}}"));
        assertEquals(201, r.status());
        assertTrue(r.headers().contains(Map.entry("Location", "/orders/o-1")));
        assertTrue(r.headers().contains(Map.entry("content-type", "application/json")));
        assertEquals("{\"order_id\":\"o-1\"}", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void headers_as_a_list_of_name_value_lines_and_a_string_body_with_its_content_type_go_out_verbatim() {
        var r = HttpMapping.response(RawJson.trusted(
                "{\"status_code\":200,\"headers\":[\"Content-Type: text/xml\",\"X-Id: 7\"],\"body\":\"<a>1</a>\"}"));
        assertTrue(r.headers().contains(Map.entry("Content-Type", "text/xml")));
        assertTrue(r.headers().contains(Map.entry("X-Id", "7")));
        assertEquals(1, r.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("content-type")).count());
        assertEquals("<a>1</a>", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void a_string_body_without_content_type_is_a_json_string() {
        var r = HttpMapping.response(RawJson.trusted("{\"body\":\"hi\"}"));
        assertEquals(200, r.status());
        assertEquals("\"hi\"", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void missing_status_is_200_missing_body_is_an_empty_object_and_null_body_with_content_type_is_empty() {
        var r = HttpMapping.response(RawJson.trusted("{\"status_code\":\"teapot\"}"));
        assertEquals(200, r.status());
        assertEquals("{}", new String(r.body(), StandardCharsets.UTF_8));
        var empty = HttpMapping.response(RawJson.trusted("{\"status_code\":204,\"headers\":{\"content-type\":"
                + "\"text/plain\"},\"body\":null}"));
        assertEquals(204, empty.status());
        assertArrayEquals(new byte[0], empty.body());
        assertEquals("{}", new String(HttpMapping.response(null).body(), StandardCharsets.UTF_8));
    }

    @Test
    void a_non_json_content_type_with_an_object_body_sends_json_text() {
        var r = HttpMapping.response(RawJson.trusted("{\"headers\":{\"Content-Type\":\"text/plain\"},"
                + "\"body\":{\"a\":1}}"));
        assertEquals("{\"a\":1}", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void header_values_that_could_split_the_response_and_framing_headers_are_dropped() {
        var r = HttpMapping.response(RawJson.trusted("{\"headers\":{\"X-Evil\":\"a\\r\\nSet-Cookie: x\","
                + "\"Content-Length\":\"1\",\"Bad Name\":\"v\",\"X-Ok\":\"ok\"}}"));
        assertEquals(List.of(Map.entry("X-Ok", "ok"), Map.entry("content-type", "application/json")), r.headers());
    }

    @Test
    void a_status_code_outside_http_is_a_500() {
        assertEquals(500, HttpMapping.response(RawJson.trusted("{\"status_code\":1000}")).status());
    }

    @Test
    void failures_use_e22_envelopes() {
        assertEquals(parse("{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"Not Found\"}}"),
                parse(new String(HttpMapping.notFound().body(), StandardCharsets.UTF_8)));
        var failed = HttpMapping.functionFailed(RawJson.trusted("{\"code\":\"invocation_failed\",\"message\":\"boom\"}"),
                "abc");
        assertEquals(500, failed.status());
        assertEquals(parse("{\"error\":{\"code\":\"invocation_failed\",\"message\":\"boom\",\"error_id\":\"abc\"}}"),
                parse(new String(failed.body(), StandardCharsets.UTF_8)));
        var skipped = HttpMapping.conditionNotMet();
        assertEquals(422, skipped.status());
        assertEquals(parse("{\"error\":{\"code\":\"CONDITION_NOT_MET\",\"message\":\"Request condition not met\"},"
                + "\"skipped\":true}"), parse(new String(skipped.body(), StandardCharsets.UTF_8)));
        assertEquals(504, HttpMapping.timedOut().status());
        assertEquals(0, HttpMapping.timedOut().body().length);
    }

    @Test
    void middleware_receives_the_phase_and_the_request_without_its_body() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("x-tenant", "acme");

        var input = parse(HttpMapping.middlewareInput(Map.of("id", "42"), "q=hello", headers, "GET").text());

        assertEquals(parse("{\"phase\":\"preHandler\",\"request\":{\"path_params\":{\"id\":\"42\"},"
                + "\"query_params\":{\"q\":\"hello\"},\"headers\":{\"x-tenant\":\"acme\"},\"method\":\"GET\"},"
                + "\"context\":{}}"), input);
    }

    @Test
    void a_middleware_that_does_not_respond_lets_the_request_continue() {
        assertNull(HttpMapping.middlewareResponse(RawJson.trusted("{\"action\":\"continue\"}")));
        assertNull(HttpMapping.middlewareResponse(null), "no answer");
        assertNull(HttpMapping.middlewareResponse(RawJson.trusted("null")));
        assertNull(HttpMapping.middlewareResponse(RawJson.trusted("{\"action\":\"skip\"}")), "another action");
        assertNull(HttpMapping.middlewareResponse(RawJson.trusted("{\"response\":{\"status_code\":403}}")),
                "a response without action respond");
        assertNull(HttpMapping.middlewareResponse(RawJson.trusted("\"respond\"")));
    }

    @Test
    void a_middleware_that_responds_ends_the_request_with_its_status_headers_and_json_body() {
        var r = HttpMapping.middlewareResponse(RawJson.trusted("{\"action\":\"respond\",\"response\":"
                + "{\"status_code\":403,\"headers\":{\"X-Reason\":\"blocked\"},"
                + "\"body\":{\"error\":\"Forbidden by middleware\"}}}"));

        assertEquals(403, r.status());
        assertEquals(List.of(Map.entry("content-type", "application/json"), Map.entry("X-Reason", "blocked")),
                r.headers());
        assertEquals(parse("{\"error\":\"Forbidden by middleware\"}"),
                parse(new String(r.body(), StandardCharsets.UTF_8)));
    }

    @Test
    void a_middleware_response_body_is_always_json_and_bad_status_or_headers_fall_back_as_in_iii() {
        var text = HttpMapping.middlewareResponse(RawJson.trusted("{\"action\":\"respond\",\"response\":"
                + "{\"status_code\":401,\"headers\":{\"Content-Type\":\"text/plain\"},\"body\":\"no\"}}"));
        assertEquals(List.of(Map.entry("Content-Type", "text/plain")), text.headers());
        assertEquals("\"no\"", new String(text.body(), StandardCharsets.UTF_8), "a string body is JSON text");

        var bare = HttpMapping.middlewareResponse(RawJson.trusted("{\"action\":\"respond\"}"));
        assertEquals(200, bare.status());
        assertEquals("null", new String(bare.body(), StandardCharsets.UTF_8));

        for (var status : List.of("1000", "42", "-1", "403.5", "\"403\"")) {
            assertEquals(200, HttpMapping.middlewareResponse(RawJson.trusted("{\"action\":\"respond\",\"response\":"
                    + "{\"status_code\":" + status + "}}")).status(), status);
        }
        var mixed = HttpMapping.middlewareResponse(RawJson.trusted("{\"action\":\"respond\",\"response\":"
                + "{\"headers\":{\"X-A\":\"a\",\"X-N\":1}}}"));
        assertEquals(List.of(Map.entry("content-type", "application/json")), mixed.headers(),
                "headers with a non-string value are dropped whole");
        var split = HttpMapping.middlewareResponse(RawJson.trusted("{\"action\":\"respond\",\"response\":"
                + "{\"headers\":{\"X-Evil\":\"a\\r\\nSet-Cookie: x\",\"Content-Length\":\"1\"}}}"));
        assertEquals(List.of(Map.entry("content-type", "application/json")), split.headers());
    }

    @Test
    void form_and_multipart_bodies_are_not_parsed_into_body_as_in_iii() {
        assertNull(HttpMapping.body("application/x-www-form-urlencoded",
                "name=John+Doe&email=john%40example.com".getBytes(StandardCharsets.UTF_8)));
        assertNull(HttpMapping.body("multipart/form-data; boundary=XyZ",
                ("--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nDoc\r\n--XyZ--\r\n")
                        .getBytes(StandardCharsets.UTF_8)));
    }
}
