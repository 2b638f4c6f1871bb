package iii.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ApiRequest} and {@link ApiResponse} have the engine's JSON names wherever they go, not only on a route. */
class HttpShapesTest {

    @Test
    void api_response_read_as_a_call_result_keeps_its_status_headers_and_body() {
        ApiResponse r = JsonMapper.read(
                "{\"status_code\":201,\"headers\":{\"location\":\"/orders/7\"},\"body\":{\"id\":\"7\"}}",
                ApiResponse.class);

        assertEquals(201, r.statusCode());
        assertEquals(Map.of("location", "/orders/7"), r.headers());
        assertEquals("7", ((JsonObject) r.body()).getString("id"));
    }

    @Test
    void api_request_sent_as_a_payload_keeps_its_params_under_the_engines_names() {
        var sent = new ApiRequest("orders/:id", "GET", Map.of("id", "7"), Map.of("full", "1"),
                Map.of("accept", "application/json"), null);

        JsonObject json = JsonMapper.parseObject(JsonMapper.write(sent));
        ApiRequest back = JsonMapper.read(json.toString(), ApiRequest.class);

        assertEquals("7", json.getJsonObject("path_params").getString("id"));
        assertEquals("1", json.getJsonObject("query_params").getString("full"));
        assertEquals(sent, back);
    }

    @Test
    void schemas_of_request_and_response_use_the_engines_names() {
        assertEquals(List.of("path", "method", "path_params", "query_params", "headers", "body"),
                List.copyOf(JsonSchemas.of(ApiRequest.class).getJsonObject("properties").keySet()));
        assertEquals(List.of("status_code", "headers", "body"),
                List.copyOf(JsonSchemas.of(ApiResponse.class).getJsonObject("properties").keySet()));
    }

    @Test
    void json_b_inside_another_type_uses_the_engines_names_too() {
        JsonObject json = JsonMapper.parseObject(JsonMapper.write(Map.of("answer", ApiResponse.of(404, null))));

        assertEquals(404, json.getJsonObject("answer").getInt("status_code"));
    }

    @Test
    void a_routes_plain_value_is_the_json_body_of_a_200_and_an_api_response_stays_as_it_is() {
        ApiResponse wrapped = (ApiResponse) ApiResponse.answering(Map.of("id", "7"));
        ApiResponse own = ApiResponse.of(404, "no such order");

        assertEquals(200, wrapped.statusCode());
        assertEquals("{\"status_code\":200,\"headers\":{},\"body\":{\"id\":\"7\"}}", JsonMapper.write(wrapped));
        assertSame(own, ApiResponse.answering(own));
        assertNull(((ApiResponse) ApiResponse.answering(null)).body());
    }
}
