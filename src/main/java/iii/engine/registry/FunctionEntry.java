package iii.engine.registry;

import iii.engine.protocol.RawJson;

/**
 * A registered function. Exactly one of {@code owner} (a worker answers it) and {@code builtin} (the engine answers
 * it) is set, except for a {@code remote} function (an external HTTP function, answered by calling out), which also
 * has the {@code owner} that registered it, so that its unregistration and cleanup stay owner-aware. Immutable but for
 * its {@code stats}, the counters of the calls routed to it: a new registration replaces the entry and starts them
 * anew.
 */
public record FunctionEntry(String id, String description, RawJson requestFormat, RawJson responseFormat,
                            RawJson metadata, Worker owner, BuiltinFunction builtin, RemoteFunction remote,
                            FunctionStats stats) {

    public static FunctionEntry ofWorker(String id, String description, RawJson requestFormat,
                                         RawJson responseFormat, RawJson metadata, Worker owner) {
        return new FunctionEntry(id, description, requestFormat, responseFormat, metadata, owner, null, null,
                new FunctionStats());
    }

    /** A function {@code owner} registered but the engine answers by calling {@code remote}. */
    public static FunctionEntry ofRemote(String id, String description, RawJson requestFormat,
                                         RawJson responseFormat, RawJson metadata, Worker owner,
                                         RemoteFunction remote) {
        return new FunctionEntry(id, description, requestFormat, responseFormat, metadata, owner, null, remote,
                new FunctionStats());
    }

    public static FunctionEntry builtin(String id, String description, BuiltinFunction function) {
        return new FunctionEntry(id, description, null, null, null, null, function, null, new FunctionStats());
    }
}
