package iii.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

class IiiTriggerTest {

    static class Stock {

        @IiiFunction(id = "stock::on-change")
        @IiiTrigger(type = "stock::changed", config = "{\"sku\": \"A-1\"}")
        @IiiTrigger(type = "engine::functions-available")
        void onChange() {
        }

        @IiiFunction(id = "stock::broken")
        @IiiTrigger(type = "stock::changed", config = "[\"sku\"]")
        void broken() {
        }
    }

    @Test
    void repeated_triggers_each_give_their_config_as_a_json_object() throws Exception {
        Method m = Stock.class.getDeclaredMethod("onChange");
        IiiTrigger[] triggers = m.getAnnotationsByType(IiiTrigger.class);

        assertEquals(2, triggers.length);
        assertEquals("A-1", IiiBeans.config(m, triggers[0]).getString("sku"));
        assertTrue(IiiBeans.config(m, triggers[1]).isEmpty(), "no config is the empty object");
    }

    @Test
    void a_config_that_is_not_a_json_object_fails_naming_the_method_and_type() throws Exception {
        Method m = Stock.class.getDeclaredMethod("broken");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> IiiBeans.config(m, m.getAnnotation(IiiTrigger.class)));

        assertTrue(e.getMessage().contains("broken()") && e.getMessage().contains("stock::changed"), e.getMessage());
    }
}
