package iii.engine.telemetry;

import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an engine step that gets a span when MicroProfile Telemetry is on: a registration
 * ({@code MessageHandler.handle}) and a departing worker's cleanup ({@code WorkerCleanup.retire} and its disconnect
 * observer). See {@link SpanInterceptor}; routed calls are spanned by {@link EngineTelemetry} directly.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface EngineSpan {
}
