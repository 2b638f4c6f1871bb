package iii.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds an {@link IiiFunction} method to a trigger of any type (one a worker provides, or the engine's own such as
 * {@code engine::functions-available}), registered with the function and gone with it. Repeatable: each annotation is
 * one trigger.
 *
 * <pre>{@code
 * @IiiFunction(id = "stock::on-change")
 * @IiiTrigger(type = "stock::changed", config = "{\"sku\": \"A-1\"}")
 * public void onChange(StockChanged event) { … }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(IiiTriggers.class)
public @interface IiiTrigger {

    /** The trigger type's id. */
    String type();

    /** The trigger's configuration, a JSON object's text; its provider defines what it holds. */
    String config() default "{}";
}
