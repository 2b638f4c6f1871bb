package iii.sdk;

/** The call got no answer in time: the caller's timeout, or the engine's expiry of the call. Code {@code timeout}. */
public class IiiTimeoutException extends IiiException {

    private static final long serialVersionUID = 1L;

    public IiiTimeoutException(String message, String functionId) {
        super("timeout", message, functionId);
    }
}
