package iii.engine.registry;

/** A trigger type the engine provides itself; it hears of every instance bound to it. */
public interface BuiltinTriggerType {

    /** Accepts the instance or refuses it with a message for the worker that registered it. */
    void register(Trigger trigger) throws TriggerRejectedException;

    void unregister(Trigger trigger);
}
