package iii.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds an {@link IiiFunction} method to an HTTP route of the engine's trigger listener: the method receives an
 * {@link ApiRequest} and answers an {@link ApiResponse} (or any value, sent as the JSON body with status 200).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface HttpTrigger {

    /** The route, without a leading slash; {@code :name} segments are path parameters ({@code orders/:id}). */
    String path();

    /** {@code GET}, {@code POST}, {@code PUT}, {@code PATCH} or {@code DELETE}. */
    String method() default "POST";
}
