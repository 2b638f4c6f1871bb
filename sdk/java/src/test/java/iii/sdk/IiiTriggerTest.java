package iii.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IiiTriggerTest {

    static class Bean {
        @IiiFunction(id = "t::both")
        @HttpTrigger(path = "orders/:id", method = "GET")
        @IiiTrigger(type = "cron", config = "{\"expression\":\"0 * * * * *\"}")
        @IiiTrigger(type = "queue")
        void both() {
        }

        @IiiFunction(id = "t::bad")
        @IiiTrigger(type = "cron", config = "{\"expression\":")
        void notJson() {
        }

        @IiiFunction(id = "t::array")
        @IiiTrigger(type = "cron", config = "[1]")
        void notAnObject() {
        }
    }

    @Test
    void http_and_repeated_general_triggers_are_all_registered_with_their_configs() throws Exception {
        List<IiiBeans.Trigger> triggers = IiiBeans.triggers(Bean.class.getDeclaredMethod("both"));
        assertEquals(3, triggers.size());
        assertEquals(new IiiBeans.Trigger("http", Map.of("api_path", "orders/:id", "http_method", "GET")),
                triggers.get(0));
        assertEquals("cron", triggers.get(1).type());
        assertEquals("0 * * * * *", ((JsonObject) triggers.get(1).config()).getString("expression"));
        assertEquals("queue", triggers.get(2).type());
        assertTrue(((JsonObject) triggers.get(2).config()).isEmpty());
    }

    @Test
    void a_trigger_config_that_is_not_a_json_object_is_refused_naming_the_method() throws Exception {
        var notJson = assertThrows(IllegalStateException.class,
                () -> IiiBeans.triggers(Bean.class.getDeclaredMethod("notJson")));
        assertTrue(notJson.getMessage().contains("not JSON"), notJson.getMessage());
        var array = assertThrows(IllegalStateException.class,
                () -> IiiBeans.triggers(Bean.class.getDeclaredMethod("notAnObject")));
        assertTrue(array.getMessage().contains("JSON object"), array.getMessage());
    }
}
