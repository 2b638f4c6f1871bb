package iii.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FramesTest {

    public record In(int n) {
    }

    @Test
    void frame_quotes_strings_and_leaves_out_nulls() {
        String text = Frame.of("invokefunction").str("function_id", "a\"b\\c\n\u0001").str("traceparent", null)
                .raw("data", "{\"n\":1}").toString();
        JsonObject o = JsonMapper.parseObject(text);
        assertEquals("a\"b\\c\n\u0001", o.getString("function_id"));
        assertEquals(1, o.getJsonObject("data").getInt("n"));
        assertEquals(3, o.size());
    }

    @Test
    void envelope_gives_string_members_and_every_value_as_its_json_text() {
        Envelope e = Envelope.read("""
                { "type" : "invokefunction", "invocation_id":"a\\"b", "data" :\t{"n": [1, {"x":"}"}], "s":"é"} ,
                  "n": -12.5e3, "t":true, "z" : null, "a":[ "x", [] ], "result":"text"}""");
        assertEquals("invokefunction", e.string("type"));
        assertEquals("a\"b", e.string("invocation_id"));
        assertEquals("{\"n\": [1, {\"x\":\"}\"}], \"s\":\"é\"}", e.json("data"));
        assertEquals("-12.5e3", e.json("n"));
        assertEquals("true", e.json("t"));
        assertEquals("null", e.json("z"));
        assertEquals("[ \"x\", [] ]", e.json("a"));
        assertEquals("\"text\"", e.json("result"));
        assertEquals("text", e.string("result"));
        assertNull(e.string("data"));
        assertNull(e.json("error"));
        assertEquals("x", e.string("error", "x"));
    }

    @Test
    void envelope_refuses_text_that_is_not_an_object() {
        assertThrows(JsonException.class, () -> Envelope.read("[1]"));
        assertThrows(JsonException.class, () -> Envelope.read("{\"type\":"));
    }

    @Test
    void invocation_ids_are_distinct_uuids() {
        var ids = new InvocationIds();
        var seen = new java.util.HashSet<String>();
        for (int i = 0; i < 1000; i++) {
            String id = ids.next();
            assertEquals(id, UUID.fromString(id).toString());
            assertEquals(4, UUID.fromString(id).version());
            seen.add(id);
        }
        assertEquals(1000, seen.size());
    }

    @Test
    void payload_binds_by_json_b_and_ignores_unknown_keys() {
        String data = "{\"n\":21,\"_caller_worker_id\":\"w\"}";
        assertEquals(new In(21), JsonMapper.read(data, In.class));
        assertEquals(JsonMapper.parse(data), JsonMapper.read(data, JsonValue.class));
        assertNull(JsonMapper.read("null", In.class));
        assertNull(JsonMapper.read("null", JsonObject.class));
        assertEquals(JsonValue.NULL, JsonMapper.read("null", JsonValue.class));
        assertNull(JsonMapper.read(null, In.class));
        assertEquals("{\"n\":2}", JsonMapper.write(new In(2)));
    }

    @Test
    void http_request_and_response_are_written_field_by_field() {
        ApiRequest r = JsonMapper.read("""
                {"path":"orders/:id","method":"GET","path_params":{"id":"7"},"query_params":{"q":"x"},
                 "headers":{"accept":"*/*"},"body":{"n":3}}""", ApiRequest.class);
        assertEquals("7", r.pathParams().get("id"));
        assertEquals("x", r.queryParams().get("q"));
        assertEquals(new In(3), r.body(In.class));
        JsonObject w = JsonMapper.parseObject(JsonMapper.write(new ApiResponse(201, Map.of("Location", "/o/7"),
                Json.createObjectBuilder().add("id", 7).build())));
        assertEquals(201, w.getInt("status_code"));
        assertEquals("/o/7", w.getJsonObject("headers").getString("Location"));
        assertEquals(7, w.getJsonObject("body").getInt("id"));
    }

    @Test
    void backoff_grows_by_the_multiplier_up_to_the_cap_within_the_jitter() {
        assertEquals(1000, Iii.backoff(0, 1000, 30000, 2, 0.3, 0.5));
        assertEquals(8000, Iii.backoff(3, 1000, 30000, 2, 0.3, 0.5));
        assertEquals(30000, Iii.backoff(10, 1000, 30000, 2, 0.3, 0.5));
        assertEquals(700, Iii.backoff(0, 1000, 30000, 2, 0.3, 0.0));
        assertEquals(1300, Iii.backoff(0, 1000, 30000, 2, 0.3, 1.0));
    }
}
