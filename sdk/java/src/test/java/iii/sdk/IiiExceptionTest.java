package iii.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

class IiiExceptionTest {

    @Test
    void each_engine_failure_has_its_own_exception_type() {
        assertInstanceOf(FunctionNotFoundException.class, IiiException.of("function_not_found", "x", "f"));
        assertInstanceOf(IiiTimeoutException.class, IiiException.of("timeout", "x", "f"));
        assertInstanceOf(InvocationStoppedException.class, IiiException.of("invocation_stopped", "x", "f"));
        assertInstanceOf(ForbiddenException.class, IiiException.of("FORBIDDEN", "x", "f"));
        assertEquals(IiiException.class, IiiException.of("invocation_failed", "x", "f").getClass());
    }

    @Test
    void exception_keeps_code_message_and_function() {
        IiiException e = IiiException.of("out_of_stock", "sku A-1", "orders::create");
        assertEquals("out_of_stock", e.code());
        assertEquals("sku A-1", e.detail());
        assertEquals("out_of_stock: sku A-1", e.getMessage());
        assertEquals("orders::create", e.functionId());
    }
}
