package iii.sdk;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * W3C {@code traceparent} and {@code baggage} through the OpenTelemetry API when it is on the class path: a call
 * carries the current context, a handler runs in the context its invocation carried. Without the API (or with
 * OpenTelemetry not set up, whose no-op propagator writes nothing) calls carry no trace context.
 */
abstract class TraceContext {

    /** The carrier of a call: {@code traceparent} and {@code baggage}, each possibly null. */
    record Carrier(String traceparent, String baggage) {
        static final Carrier NONE = new Carrier(null, null);
    }

    static final TraceContext INSTANCE = create();

    /** The current context, to send with a call. */
    abstract Carrier current();

    /** Runs {@code body} with the context of an invocation current. */
    abstract <T> T within(String traceparent, String baggage, Supplier<T> body);

    private static TraceContext create() {
        try {
            Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, TraceContext.class.getClassLoader());
            return new Otel();
        } catch (ClassNotFoundException | LinkageError e) {
            return new None();
        }
    }

    private static final class None extends TraceContext {
        @Override
        Carrier current() {
            return Carrier.NONE;
        }

        @Override
        <T> T within(String traceparent, String baggage, Supplier<T> body) {
            return body.get();
        }
    }

    private static final class Otel extends TraceContext {
        private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
            @Override
            public Iterable<String> keys(Map<String, String> carrier) {
                return carrier.keySet();
            }

            @Override
            public String get(Map<String, String> carrier, String key) {
                return carrier == null ? null : carrier.get(key);
            }
        };

        private static TextMapPropagator propagator() {
            return GlobalOpenTelemetry.getPropagators().getTextMapPropagator();
        }

        @Override
        Carrier current() {
            var out = new HashMap<String, String>(4);
            propagator().inject(Context.current(), out, Map::put);
            return out.isEmpty() ? Carrier.NONE : new Carrier(out.get("traceparent"), out.get("baggage"));
        }

        @Override
        <T> T within(String traceparent, String baggage, Supplier<T> body) {
            if (traceparent == null) {
                return body.get();
            }
            var carrier = new HashMap<String, String>(4);
            carrier.put("traceparent", traceparent);
            if (baggage != null) {
                carrier.put("baggage", baggage);
            }
            Context ctx = propagator().extract(Context.current(), carrier, GETTER);
            try (Scope ignored = ctx.makeCurrent()) {
                return body.get();
            }
        }
    }

}
