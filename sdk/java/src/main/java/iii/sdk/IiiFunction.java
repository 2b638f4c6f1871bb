package iii.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a method of a CDI bean a function of the engine, registered when the application starts and gone when it
 * stops (see {@link IiiExtension}). The method takes at most one parameter, the payload bound by JSON-B, and returns
 * the result (or a {@link java.util.concurrent.CompletionStage} of it); the request and response formats are the
 * JSON Schemas of those types. An exception it throws answers the call with an error (the code of an
 * {@link IiiException}, else {@code invocation_failed}) and its message.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface IiiFunction {

    /** The function's id, e.g. {@code orders::create}. */
    String id();

    String description() default "";
}
