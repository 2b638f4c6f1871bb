package iii.engine.telemetry;

import iii.engine.protocol.Message;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerDisconnected;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * Puts spans around the steps marked {@link EngineSpan}. With telemetry off it only tests a flag and proceeds.
 * (Routed calls, the hot path, are watched without an interceptor: {@link EngineTelemetry} is the invoker's
 * {@code InvocationObserver}.)
 * <ul>
 * <li>{@code handle(Worker, Message)}: a registration's span;</li>
 * <li>{@code retire(Worker)} and the {@link WorkerDisconnected} observer: a cleanup's span (the observer calls
 * {@code retire} on itself, which no interceptor sees).</li>
 * </ul>
 */
@EngineSpan
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE)
public class SpanInterceptor {

    @Inject
    EngineTelemetry telemetry;

    @AroundInvoke
    public Object around(InvocationContext context) throws Exception {
        if (!telemetry.enabled()) {
            return context.proceed();
        }
        var parameters = context.getParameters();
        io.opentelemetry.api.trace.Span span;
        if (parameters.length == 2 && parameters[0] instanceof Worker from && parameters[1] instanceof Message message) {
            span = telemetry.startRegistration(from, message);
        } else if (parameters.length == 1 && parameters[0] instanceof Worker worker) {
            span = telemetry.startCleanup(worker);
        } else if (parameters.length == 1 && parameters[0] instanceof WorkerDisconnected event) {
            span = telemetry.startCleanup(event.worker());
        } else {
            return context.proceed();
        }
        try (var scope = span.makeCurrent()) {
            return context.proceed();
        } catch (Exception | Error e) {
            span.recordException(e);
            span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }
}
