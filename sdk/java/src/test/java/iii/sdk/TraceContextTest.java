package iii.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import org.junit.jupiter.api.Test;

class TraceContextTest {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void handler_runs_in_the_invocations_context_and_its_calls_carry_it_on() {
        // another test's worker may have read the global one (a no-op) first
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(OpenTelemetry.propagating(ContextPropagators.create(
                W3CTraceContextPropagator.getInstance())));

        TraceContext.Carrier outside = TraceContext.INSTANCE.current();
        String traceId = TraceContext.INSTANCE.within(PARENT, null,
                () -> Span.current().getSpanContext().getTraceId());
        TraceContext.Carrier inside = TraceContext.INSTANCE.within(PARENT, null, TraceContext.INSTANCE::current);

        assertNull(outside.traceparent(), "no context, no traceparent");
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", traceId);
        assertEquals(PARENT, inside.traceparent());
    }
}
