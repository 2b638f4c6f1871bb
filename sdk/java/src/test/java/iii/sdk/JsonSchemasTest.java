package iii.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {

    enum Size { SMALL, LARGE }

    record Line(String sku, int qty) {
    }

    record Order(String id, List<Line> lines, Map<String, Double> prices, Size size, Optional<String> note,
            boolean paid) {
    }

    record Node(String name, List<Node> children) {
    }

    public CompletionStage<Line> async() {
        return null;
    }

    @Test
    void record_becomes_an_object_of_its_components_all_required_but_optional_ones() {
        JsonObject s = JsonSchemas.of(Order.class);
        assertEquals("object", s.getString("type"));
        JsonObject p = s.getJsonObject("properties");
        assertEquals("string", p.getJsonObject("id").getString("type"));
        assertEquals("integer", p.getJsonObject("lines").getJsonObject("items").getJsonObject("properties")
                .getJsonObject("qty").getString("type"));
        assertEquals("number", p.getJsonObject("prices").getJsonObject("additionalProperties").getString("type"));
        assertEquals("[\"SMALL\",\"LARGE\"]", p.getJsonObject("size").getJsonArray("enum").toString());
        assertEquals("string", p.getJsonObject("note").getString("type"));
        assertEquals("boolean", p.getJsonObject("paid").getString("type"));
        assertEquals("[\"id\",\"lines\",\"prices\",\"size\",\"paid\"]", s.getJsonArray("required").toString());
    }

    @Test
    void recursive_type_stops_at_the_repeated_class() {
        JsonObject children = JsonSchemas.of(Node.class).getJsonObject("properties").getJsonObject("children");
        assertEquals(JsonValue.EMPTY_JSON_OBJECT, children.getJsonObject("items"));
    }

    @Test
    void completion_stage_is_described_by_what_it_completes_with() throws Exception {
        JsonObject s = JsonSchemas.of(getClass().getMethod("async").getGenericReturnType());
        assertEquals(List.of("sku", "qty"), List.copyOf(s.getJsonObject("properties").keySet()));
    }

    @Test
    void shapeless_types_have_no_schema() {
        assertNull(JsonSchemas.of(Object.class));
        assertNull(JsonSchemas.of(JsonValue.class));
        assertNull(JsonSchemas.of(JsonObject.class));
    }
}
