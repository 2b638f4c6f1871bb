package iii.engine.invocation;

import iii.engine.protocol.RawJson;
import iii.engine.registry.Worker;

import java.util.UUID;

/**
 * One call to route.
 *
 * @param from    the calling worker; null when the engine itself calls (triggers, discovery events)
 * @param awaited whether {@code from} waits for the result (false for fire-and-forget)
 */
public record Call(UUID invocationId, String functionId, RawJson data, String traceparent, String baggage,
                   RawJson metadata, Worker from, boolean awaited) {

    /** A fire-and-forget call by the engine itself. */
    public static Call fromEngine(String functionId, RawJson data) {
        return new Call(UUID.randomUUID(), functionId, data, null, null, null, null, false);
    }
}
