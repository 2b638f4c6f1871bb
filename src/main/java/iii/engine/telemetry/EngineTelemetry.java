package iii.engine.telemetry;

import iii.engine.invocation.Call;
import iii.engine.invocation.InvocationObserver;
import iii.engine.invocation.Outcome;
import iii.engine.protocol.Message;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine's spans and metrics through MicroProfile Telemetry's {@link OpenTelemetry}. Nothing is looked up, and
 * every method returns at once, unless telemetry is on ({@code otel.sdk.disabled=false}).
 *
 * <p>An invocation hop continues the caller's {@code traceparent}/{@code baggage} (W3C) and hands the engine's own
 * context on: the routed {@code invokefunction} and the {@code invocationresult} carry the engine span, so the callee's
 * spans are its children and the caller sees the engine in its trace.
 */
@ApplicationScoped
public class EngineTelemetry implements InvocationObserver {

    private static final Logger LOG = Logger.getLogger(EngineTelemetry.class.getName());
    private static final String SCOPE = "iii-engine";

    static final AttributeKey<String> FUNCTION_ID = AttributeKey.stringKey("iii.function.id");
    static final AttributeKey<String> INVOCATION_ID = AttributeKey.stringKey("iii.invocation.id");
    static final AttributeKey<String> WORKER_ID = AttributeKey.stringKey("iii.worker.id");
    static final AttributeKey<String> WORKER_NAME = AttributeKey.stringKey("iii.worker.name");
    static final AttributeKey<String> CALLER_ID = AttributeKey.stringKey("iii.caller.worker.id");
    static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("iii.error.code");
    static final AttributeKey<String> KIND = AttributeKey.stringKey("iii.registration");

    private static final TextMapGetter<Map<String, String>> GET = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };
    private static final TextMapSetter<Map<String, String>> SET = Map::put;

    private TelemetryConfig config;
    private Instance<OpenTelemetry> openTelemetry;
    private WorkerRegistry workers;
    private OtlpRelay relay;
    private TelemetryIngest ingest;
    private volatile Instruments instruments;

    /** What is looked up once, the first time telemetry is used. */
    private record Instruments(Tracer tracer, TextMapPropagator propagator, LongCounter invocations,
                               LongCounter errors, DoubleHistogram duration, LongCounter registrations,
                               LongCounter denied) {
    }

    protected EngineTelemetry() {
    }

    @Inject
    public EngineTelemetry(TelemetryConfig config, Instance<OpenTelemetry> openTelemetry, WorkerRegistry workers,
                           OtlpRelay relay, TelemetryIngest ingest) {
        this.config = config;
        this.openTelemetry = openTelemetry;
        this.workers = workers;
        this.relay = relay;
        this.ingest = ingest;
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** One routed call in progress. */
    private final class InvocationSpan implements InvocationObserver.Hop {

        private final Span span;
        private final Call call;
        private final long started = System.nanoTime();

        private InvocationSpan(Span span, Call call) {
            this.span = span;
            this.call = call;
        }

        /** The call to route: the same, with the engine's span as its {@code traceparent}. */
        @Override
        public Call call() {
            return call;
        }

        /** Ends the span, counts the call, and gives the caller the engine's context; never throws. */
        @Override
        public Outcome end(Outcome outcome) {
            try {
                var attributes = Attributes.of(FUNCTION_ID, call.functionId());
                var instruments = instruments();
                instruments.invocations().add(1, attributes);
                instruments.duration().record((System.nanoTime() - started) / 1e6, attributes);
                if (outcome.isError()) {
                    instruments.errors().add(1, attributes);
                    var code = errorCode(outcome);
                    span.setAttribute(ERROR_CODE, code);
                    span.setStatus(StatusCode.ERROR, code);
                }
                span.end();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Ending the span of a call of " + call.functionId() + " failed", e);
            }
            return new Outcome(outcome.result(), outcome.error(), call.traceparent(),
                    outcome.baggage() != null ? outcome.baggage() : call.baggage());
        }
    }

    @Override
    public boolean watching() {
        return enabled();
    }

    /** Starts the span of one invocation hop, child of the caller's {@code traceparent} when it sent one. */
    @Override
    public InvocationObserver.Hop start(Call call) {
        var instruments = instruments();
        var parent = extract(instruments, call.traceparent(), call.baggage());
        var builder = instruments.tracer().spanBuilder("invoke " + call.functionId())
                .setSpanKind(SpanKind.SERVER)
                .setParent(parent)
                .setAttribute(FUNCTION_ID, call.functionId())
                .setAttribute(INVOCATION_ID, String.valueOf(call.invocationId()));
        if (call.from() != null) {
            builder.setAttribute(CALLER_ID, call.from().id().toString());
        }
        var span = builder.startSpan();
        var carrier = new HashMap<String, String>();
        instruments.propagator().inject(parent.with(span), carrier, SET);
        var traceparent = carrier.getOrDefault("traceparent", call.traceparent());
        var baggage = carrier.getOrDefault("baggage", call.baggage());
        var traced = new Call(call.invocationId(), call.functionId(), call.data(), traceparent, baggage,
                call.metadata(), call.from(), call.awaited());
        return new InvocationSpan(span, traced);
    }

    /** A registration message handled (function, trigger, trigger type, service, and their removal). */
    public Span startRegistration(Worker from, Message message) {
        var instruments = instruments();
        instruments.registrations().add(1, Attributes.of(KIND, message.type()));
        return workerSpan(instruments, message.type(), from).setAttribute(KIND, message.type());
    }

    /** Counts a call or registration of an RBAC session that was refused ({@code what}: its message type). */
    public void denied(String what) {
        if (enabled()) {
            instruments().denied().add(1, Attributes.of(KIND, what));
        }
    }

    /** The cleanup of a departed worker. */
    public Span startCleanup(Worker worker) {
        return workerSpan(instruments(), "worker cleanup", worker);
    }

    /** A worker connected or disconnected: a span of no length, so the trace backend shows the event. */
    public void workerEvent(String name, Worker worker) {
        workerSpan(instruments(), name, worker).end();
    }

    private Span workerSpan(Instruments instruments, String name, Worker worker) {
        var builder = instruments.tracer().spanBuilder(name).setSpanKind(SpanKind.INTERNAL).setNoParent()
                .setAttribute(WORKER_ID, worker.id().toString());
        if (worker.metadata().name() != null) {
            builder.setAttribute(WORKER_NAME, worker.metadata().name());
        }
        return builder.startSpan();
    }

    private static Context extract(Instruments instruments, String traceparent, String baggage) {
        if (traceparent == null && baggage == null) {
            return Context.root();
        }
        var carrier = new HashMap<String, String>(4);
        if (traceparent != null) {
            carrier.put("traceparent", traceparent);
        }
        if (baggage != null) {
            carrier.put("baggage", baggage);
        }
        return instruments.propagator().extract(Context.root(), carrier, GET);
    }

    private Instruments instruments() {
        var current = instruments;
        if (current == null) {
            synchronized (this) {
                current = instruments;
                if (current == null) {
                    current = create();
                    instruments = current;
                }
            }
        }
        return current;
    }

    private Instruments create() {
        var otel = openTelemetry.get();
        var meter = otel.getMeter(SCOPE);
        try {
            meter.gaugeBuilder("iii.workers.active").ofLongs().setDescription("Connected workers")
                    .buildWithCallback(gauge -> gauge.record(workers.all().stream()
                            .filter(worker -> !worker.isTelemetryOnly()).count()));
            meter.counterBuilder("iii.telemetry.relay.dropped")
                    .setDescription("Worker telemetry exports dropped while the collector was behind or away")
                    .buildWithCallback(counter -> counter.record(relay.dropped() + ingest.localDropped()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Engine gauges could not be registered", e);
        }
        return new Instruments(otel.getTracer(SCOPE), otel.getPropagators().getTextMapPropagator(),
                meter.counterBuilder("iii.invocations.total").setDescription("Invocations routed").build(),
                meter.counterBuilder("iii.invocation.errors.total").setDescription("Invocations that ended in an error")
                        .build(),
                meter.histogramBuilder("iii.invocation.duration").setUnit("ms")
                        .setDescription("Time from routing a call to its outcome").build(),
                meter.counterBuilder("iii.registrations.total")
                        .setDescription("Registrations and unregistrations by message type").build(),
                meter.counterBuilder("iii.access.denied.total")
                        .setDescription("Calls and registrations of RBAC sessions that were refused, by message type")
                        .build());
    }

    private static String errorCode(Outcome outcome) {
        try {
            var error = outcome.error().toJsonValue();
            if (error instanceof jakarta.json.JsonObject object && object.get("code") instanceof jakarta.json.JsonString code) {
                return code.getString();
            }
        } catch (RuntimeException e) {
            return "error";
        }
        return "error";
    }
}
