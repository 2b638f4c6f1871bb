package iii.engine.telemetry;

import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an engine step that gets a span (and, for invocations, metrics) when MicroProfile Telemetry is on: a routed
 * call ({@code Invoker.invoke(Call)}), a registration ({@code MessageHandler.handle}) and a departing worker's
 * cleanup ({@code WorkerCleanup.retire} and its disconnect observer). See {@link SpanInterceptor}.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface EngineSpan {
}
