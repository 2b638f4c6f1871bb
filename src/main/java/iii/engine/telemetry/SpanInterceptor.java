package iii.engine.telemetry;

import iii.engine.invocation.Call;
import iii.engine.invocation.Outcome;
import iii.engine.protocol.Message;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerDisconnected;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts spans around the steps marked {@link EngineSpan}. With telemetry off it only tests a flag and proceeds.
 * <ul>
 * <li>{@code invoke(Call)} returning a future of {@link Outcome}: the hop's span, its trace context written into the
 * routed call and into the outcome, and the invocation metrics, all finished when the future completes;</li>
 * <li>{@code handle(Worker, Message)}: a registration's span;</li>
 * <li>{@code retire(Worker)} and the {@link WorkerDisconnected} observer: a cleanup's span (the observer calls
 * {@code retire} on itself, which no interceptor sees).</li>
 * </ul>
 */
@EngineSpan
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE)
public class SpanInterceptor {

    private static final Logger LOG = Logger.getLogger(SpanInterceptor.class.getName());

    @Inject
    EngineTelemetry telemetry;

    @AroundInvoke
    @SuppressWarnings("unchecked")
    public Object around(InvocationContext context) throws Exception {
        if (!telemetry.enabled()) {
            return context.proceed();
        }
        var parameters = context.getParameters();
        if (parameters.length == 1 && parameters[0] instanceof Call call) {
            EngineTelemetry.InvocationSpan hop;
            try {
                hop = telemetry.startInvocation(call);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "No span for a call of " + call.functionId(), e);
                return context.proceed();
            }
            context.setParameters(new Object[] {hop.call()});
            var result = context.proceed();
            return result instanceof CompletableFuture<?> future
                    ? ((CompletableFuture<Outcome>) future).thenApply(hop::end) : result;
        }
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
