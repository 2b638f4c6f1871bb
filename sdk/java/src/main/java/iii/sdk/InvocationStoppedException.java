package iii.sdk;

/** The call cannot complete: the callee's connection (or this worker's own) ended while it was pending, or the worker was closed. Code {@code invocation_stopped}. */
public class InvocationStoppedException extends IiiException {

    private static final long serialVersionUID = 1L;

    public InvocationStoppedException(String message, String functionId) {
        super("invocation_stopped", message, functionId);
    }
}
