package iii.sdk;

/**
 * The provider of a trigger type: told of every trigger of its type that a worker registers (and, by the engine's
 * newer protocol, unregisters). A registration that throws is reported to the engine as
 * {@code trigger_registration_failed} with the exception's message.
 */
@FunctionalInterface
public interface TriggerHandler {

    void registerTrigger(TriggerConfig trigger) throws Exception;

    default void unregisterTrigger(TriggerConfig trigger) throws Exception {
    }
}
