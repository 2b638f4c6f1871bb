package iii.engine.access;

/**
 * A bearer token that does not pass verification. Its {@link #reason()} is short and names no token content, so it can
 * go to a log line as is: {@code expired}, {@code wrong issuer}, {@code bad signature}, {@code malformed}, ...
 * Rejections are expected input, not faults: the exception carries no stack trace.
 */
public final class TokenRejected extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public TokenRejected(String reason) {
        super(reason, null, false, false);
        this.reason = reason;
    }

    /** Why the token was refused, in a few words. */
    public String reason() {
        return reason;
    }
}
