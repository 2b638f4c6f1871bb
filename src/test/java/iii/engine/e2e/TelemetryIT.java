package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.it.ArquillianEngine;
import iii.engine.telemetry.OtlpReceiver;
import iii.engine.telemetry.ReceivedSpans;
import iii.engine.telemetry.ReceivedSpans.Span;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * OpenTelemetry through every hop, against a real OTLP/HTTP receiver started by the test: the engine's own spans
 * (MicroProfile Telemetry, protobuf) continue the trace of the calling worker, the workers' spans, metrics and logs
 * are relayed (OTLP/JSON as the SDKs wrote them), and one trace holds caller, engine and callee with the right
 * parents. The SDKs' worker gauges also fill {@code latest_metrics}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TelemetryIT extends E2eSupport {

    /** Started with the class, before the deployment that points the engine at it. */
    static final OtlpReceiver COLLECTOR = OtlpReceiver.start();
    private static final Duration EXPORT = Duration.ofSeconds(30);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment(Map.of(
                "otel.sdk.disabled", "false",
                "otel.exporter.otlp.endpoint", COLLECTOR.endpoint(),
                "otel.bsp.schedule.delay", "200",
                "otel.metric.export.interval", "1000"));
    }

    private static Span awaitSpan(String what, Predicate<Span> match) {
        return Await.until(what, EXPORT, Duration.ofMillis(200),
                () -> ReceivedSpans.of(COLLECTOR.exports()).stream().filter(match).findFirst());
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_22_1"})
    void engine_spans_continue_the_callers_trace_and_the_callees_relayed_spans_are_their_children(Sdk sdk) {
        NodeWorker callee = node(sdk);
        String fn = fid("traced");
        callee.registerFunction(fn, "echo");
        awaitFunctionListed(fn);
        NodeWorker caller = node(sdk);

        JsonObject reply = caller.requestOk(NodeWorker.command("callInSpan", "function_id", fn, "data",
                JsonKit.obj("x", 1), "span", "e2e caller " + fn));
        String traceId = JsonKit.str(reply, "trace_id");
        String callerSpanId = JsonKit.str(reply, "span_id");

        Span engine = awaitSpan("engine span of " + fn, s -> !s.json() && s.name().equals("invoke " + fn));
        assertEquals(traceId, engine.traceId(), "the engine continues the caller's trace");
        assertEquals(callerSpanId, engine.parentSpanId(), "the engine span is the child of the caller's span");

        Span callerSpan = awaitSpan("caller's span relayed", s -> s.json() && s.spanId().equals(callerSpanId));
        assertEquals(traceId, callerSpan.traceId());

        Span calleeSpan = awaitSpan("callee's span relayed", s -> s.json() && s.traceId().equals(traceId)
                && s.parentSpanId().equals(engine.spanId()));
        assertTrue(calleeSpan.name().contains(fn), () -> "callee span " + calleeSpan);
    }

    @Test
    void traceparent_and_baggage_cross_the_engine_with_the_engines_span_in_between() {
        JavaWorker callee = java("java-callee-" + shortId());
        String fn = fid("baggage");
        callee.registerFunction(fn, JavaWorker.echo());
        JavaWorker caller = java("java-caller-" + shortId());
        awaitFunctionListed(fn);
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpanId = "00f067aa0ba902b7";
        String invocationId = UUID.randomUUID().toString();

        caller.send(JsonKit.obj("type", "invokefunction", "invocation_id", invocationId, "function_id", fn,
                "data", JsonKit.obj("q", 1), "traceparent", "00-" + traceId + "-" + callerSpanId + "-01",
                "baggage", "tenant=acme"));

        JsonObject result = caller.awaitResult(invocationId, MEDIUM);
        JsonObject routed = callee.awaitFrame("invokefunction", f -> fn.equals(JsonKit.str(f, "function_id")),
                MEDIUM);
        String routedParent = JsonKit.str(routed, "traceparent");
        assertTrue(routedParent.startsWith("00-" + traceId + "-"), () -> "routed traceparent " + routedParent);
        String engineSpanId = routedParent.split("-")[2];
        assertNotEquals(callerSpanId, engineSpanId, "the callee's parent is the engine's span, not the caller's");
        assertTrue(JsonKit.str(routed, "baggage").contains("tenant=acme"), () -> "routed " + routed);
        assertEquals(routedParent, JsonKit.str(result, "traceparent"), "the caller gets the engine's context back");
        assertTrue(JsonKit.str(result, "baggage").contains("tenant=acme"), () -> "result " + result);

        Span engine = awaitSpan("engine span " + engineSpanId, s -> !s.json() && s.spanId().equals(engineSpanId));
        assertEquals(traceId, engine.traceId());
        assertEquals(callerSpanId, engine.parentSpanId());
        assertEquals("invoke " + fn, engine.name());
    }

    @Test
    void an_http_request_continues_the_trace_of_its_traceparent_header() throws Exception {
        JavaWorker worker = java("http-traced-" + shortId());
        String fn = fid("traced-route");
        worker.registerFunction(fn, f -> JsonKit.obj("result", JsonKit.obj("status_code", 200, "body",
                JsonKit.obj("ok", true))));
        String path = "/traced-" + shortId();
        worker.registerTrigger("http", fn, JsonKit.obj("api_path", path, "http_method", "GET"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI route = ArquillianEngine.httpTriggerUri().resolve(path);
        Await.untilTrue("route " + path + " served", MEDIUM, () -> send(http, HttpRequest.newBuilder(route)) == 200);
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        String clientSpanId = "b7ad6b7169203331";

        assertEquals(200, send(http, HttpRequest.newBuilder(route)
                .header("traceparent", "00-" + traceId + "-" + clientSpanId + "-01")));

        JsonObject routed = worker.awaitFrame("invokefunction", f -> fn.equals(JsonKit.str(f, "function_id"))
                && String.valueOf(JsonKit.str(f, "traceparent")).contains(traceId), MEDIUM);
        String engineSpanId = JsonKit.str(routed, "traceparent").split("-")[2];
        Span engine = awaitSpan("engine span of the HTTP request", s -> !s.json() && s.spanId().equals(engineSpanId));
        assertEquals(traceId, engine.traceId());
        assertEquals(clientSpanId, engine.parentSpanId());
    }

    private static int send(HttpClient http, HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void a_call_without_traceparent_gets_a_root_span_and_the_callee_joins_the_engines_trace() {
        NodeWorker callee = node(Sdk.V0_2_1);
        String fn = fid("untraced");
        callee.registerFunction(fn, "echo");
        JavaWorker caller = java("java-caller-" + shortId());
        awaitFunctionListed(fn);

        JsonObject answer = caller.call(fn, JsonKit.obj("y", 2));
        assertTrue(!answer.containsKey("error"), () -> "call answered " + answer);

        Span engine = awaitSpan("engine span of " + fn, s -> !s.json() && s.name().equals("invoke " + fn));
        assertEquals("", engine.parentSpanId());
        awaitSpan("callee's span in the engine's trace", s -> s.json() && s.traceId().equals(engine.traceId())
                && s.parentSpanId().equals(engine.spanId()));
    }

    @Test
    void registrations_connects_disconnects_cleanups_and_engine_metrics_are_exported() {
        NodeWorker w = node(Sdk.V0_11_6);
        String fn = fid("counted");
        w.registerFunction(fn, "echo");
        assertCallOk(w.call(fn, JsonKit.obj("z", 3)));

        awaitSpan("registerfunction span", s -> !s.json() && s.name().equals("registerfunction"));
        awaitSpan("worker connect span", s -> !s.json() && s.name().equals("worker connect"));
        for (String metric : List.of("iii.invocations.total", "iii.invocation.duration", "iii.workers.active",
                "iii.registrations.total")) {
            Await.untilTrue(metric + " exported", EXPORT, () -> COLLECTOR.exports().stream()
                    .anyMatch(e -> e.path().equals("/v1/metrics") && !e.isJson()
                            && new String(e.body(), StandardCharsets.ISO_8859_1).contains(metric)));
        }

        w.close();
        awaitSpan("worker disconnect span", s -> !s.json() && s.name().equals("worker disconnect"));
        awaitSpan("worker cleanup span", s -> !s.json() && s.name().equals("worker cleanup"));
    }

    @Test
    void worker_gauges_fill_latest_metrics_and_are_relayed() {
        NodeWorker w = closeLater(NodeWorker.start(Sdk.V0_2_1, ws(),
                NodeWorker.options().name("gauges-" + shortId()).metricsIntervalMs(500)));
        w.awaitReady(Duration.ofSeconds(60));

        JsonObject metrics = Await.until("latest_metrics of " + w.name(), EXPORT, Duration.ofMillis(300), () ->
                workerRow(w.workerId()).map(row -> row.get("latest_metrics"))
                        .filter(JsonObject.class::isInstance).map(JsonObject.class::cast)
                        .filter(m -> m.containsKey("memory_heap_used")));
        assertTrue(JsonKit.num(metrics, "memory_heap_used") > 0, () -> "latest_metrics " + metrics);
        assertTrue(JsonKit.num(metrics, "timestamp_ms") > 0, () -> "latest_metrics " + metrics);
        assertEquals("node", JsonKit.str(metrics, "runtime"));

        Await.untilTrue("worker gauges relayed as OTLP/JSON", EXPORT, () -> COLLECTOR.exports().stream()
                .anyMatch(e -> e.path().equals("/v1/metrics") && e.isJson() && e.text().contains(w.workerId())));
    }

    @Test
    void engine_log_calls_reach_the_collector_as_otlp_logs() {
        JavaWorker w = java("java-logger-" + shortId());
        String message = "to the collector " + shortId();

        JsonObject answer = w.call("engine::log::info", JsonKit.obj("message", message));
        assertTrue(!answer.containsKey("error"), () -> "engine::log::info answered " + answer);

        Await.untilTrue("log record relayed", EXPORT, () -> COLLECTOR.exports().stream()
                .anyMatch(e -> e.path().equals("/v1/logs") && e.isJson() && e.text().contains(message)));
    }
}
