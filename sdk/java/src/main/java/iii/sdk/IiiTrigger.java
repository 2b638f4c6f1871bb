package iii.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds an {@link IiiFunction} method to a trigger of any type: {@code @IiiTrigger(type = "cron", config =
 * "{\"expression\":\"0 * * * * *\"}")}. Repeatable; registered with the function, as {@link Iii#registerTrigger}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(IiiTrigger.List.class)
public @interface IiiTrigger {

    /** The trigger type's id: the engine's ({@code http}, {@code engine::functions-available}) or a worker's. */
    String type();

    /** The trigger's configuration as a JSON object's text; default none. */
    String config() default "{}";

    /** Several {@link IiiTrigger}s on one method. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface List {
        IiiTrigger[] value();
    }
}
