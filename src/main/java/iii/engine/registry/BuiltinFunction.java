package iii.engine.registry;

import iii.engine.protocol.RawJson;

/** A function the engine itself answers. It runs on a container thread, never on a socket's thread. */
@FunctionalInterface
public interface BuiltinFunction {

    /**
     * @param caller the calling worker, or null when the engine itself calls
     * @param data   the call's payload
     * @return the result; JSON null or null for none
     * @throws InvocationException for an error reply with its own code
     */
    RawJson call(Worker caller, RawJson data) throws InvocationException;
}
