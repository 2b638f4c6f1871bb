package iii.engine.registry;

import iii.engine.protocol.ErrorCode;

/** A built-in function's refusal, answered to the caller as {@code {code, message}}. */
public class InvocationException extends Exception {

    private final ErrorCode code;

    public InvocationException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
