package iii.engine.access;

/** A bearer token that is not accepted, with a short reason for the log. */
public final class TokenRejected extends Exception {

    private final String reason;

    public TokenRejected(String reason) {
        super(reason);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
