package iii.engine.registry;

import iii.engine.protocol.RawJson;

/**
 * A registered function. Exactly one of {@code owner} (a worker answers it) and {@code builtin} (the engine answers
 * it) is set. Immutable: a new registration replaces the entry.
 */
public record FunctionEntry(String id, String description, RawJson requestFormat, RawJson responseFormat,
                            RawJson metadata, Worker owner, BuiltinFunction builtin) {

    public static FunctionEntry ofWorker(String id, String description, RawJson requestFormat,
                                         RawJson responseFormat, RawJson metadata, Worker owner) {
        return new FunctionEntry(id, description, requestFormat, responseFormat, metadata, owner, null);
    }

    public static FunctionEntry builtin(String id, String description, BuiltinFunction function) {
        return new FunctionEntry(id, description, null, null, null, null, function);
    }
}
