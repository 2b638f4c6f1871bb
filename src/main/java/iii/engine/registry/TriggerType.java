package iii.engine.registry;

import iii.engine.protocol.RawJson;

/** A kind of event source. Exactly one of {@code provider} (a worker) and {@code builtin} (the engine) is set. */
public record TriggerType(String id, String description, RawJson triggerRequestFormat, RawJson callRequestFormat,
                          Worker provider, BuiltinTriggerType builtin) {
}
