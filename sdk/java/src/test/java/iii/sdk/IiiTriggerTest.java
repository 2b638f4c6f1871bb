package iii.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

        @IiiFunction(id = "stock::hidden")
        private void hidden() {
        }

        @IiiFunction(id = "stock::two")
        void two(String a, String b) {
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
        assertEquals(e.getMessage(), IiiExtension.problem(m), "the same is a deployment error");
    }

    @Test
    void private_methods_and_methods_of_two_parameters_are_deployment_errors_naming_them() throws Exception {
        String hidden = IiiExtension.problem(Stock.class.getDeclaredMethod("hidden"));
        String two = IiiExtension.problem(Stock.class.getDeclaredMethod("two", String.class, String.class));

        assertTrue(hidden.contains("hidden()") && hidden.contains("private"), hidden);
        assertTrue(two.contains("two(java.lang.String,java.lang.String)") && two.contains("one parameter"), two);
        assertNull(IiiExtension.problem(Stock.class.getDeclaredMethod("onChange")));
    }
}
