package iii.engine.registry;

import iii.engine.protocol.RawJson;

import java.util.concurrent.CompletableFuture;

/**
 * A function the engine answers by calling out to something else, e.g. an external HTTP function (PROTOCOL.md §8).
 * It must not block the calling thread, and its future completes normally, never exceptionally.
 */
@FunctionalInterface
public interface RemoteFunction {

    /** The answer: a result (null for none) or an error body {@code {code, message}}, never both. */
    record Reply(RawJson result, RawJson error) {
    }

    CompletableFuture<Reply> call(String functionId, RawJson data);
}
