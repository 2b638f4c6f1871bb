package iii.engine.protocol;

/**
 * The error codes this engine puts in {@code error.code}, a closed set whose wire strings are iii's exactly
 * (PROTOCOL.md §3.8), so the SDKs' checks on codes keep working. Codes that workers or external functions report are
 * passed through as they came and are not listed here.
 */
public enum ErrorCode {

    /** The called id is not registered (or the call was to a capability this engine does not offer yet). */
    FUNCTION_NOT_FOUND("function_not_found"),
    /** The owner or caller of a pending call disconnected. */
    INVOCATION_STOPPED("invocation_stopped"),
    /** A pending call got no answer within the engine's expiry (PROTOCOL.md Part A 6). */
    TIMEOUT("timeout"),
    /** A frame exceeded the size limit (PROTOCOL.md Part A 7). */
    PAYLOAD_TOO_LARGE("payload_too_large"),
    /** A frame could not be decoded or failed validation (PROTOCOL.md Part A 8). */
    INVALID_MESSAGE("invalid_message"),
    /** A function failed while handling the call. */
    INVOCATION_FAILED("invocation_failed"),
    /** A built-in function got an input it cannot read. */
    DESERIALIZATION_ERROR("deserialization_error"),
    /** A trigger's provider refused the trigger. */
    TRIGGER_REGISTRATION_FAILED("trigger_registration_failed"),
    /** The engine itself failed while handling a frame: a bug, logged with its cause. */
    INTERNAL_ERROR("internal_error"),
    /** A discovery built-in was asked about something that does not exist. */
    NOT_FOUND("NOT_FOUND"),
    /** A discovery built-in got arguments it cannot use. */
    INVALID_ARGUMENTS("INVALID_ARGUMENTS"),
    /** A session of the RBAC-gated listener may not call or register this. */
    FORBIDDEN("FORBIDDEN");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    /** The code as written on the wire. */
    public String wire() {
        return wire;
    }

    /** The error body {@code {"code":"…","message":"…"}} for this code. */
    public RawJson body(String message) {
        var b = new StringBuilder(32 + wire.length() + message.length());
        b.append("{\"code\":");
        Codec.quote(b, wire);
        b.append(",\"message\":");
        Codec.quote(b, message);
        return RawJson.trusted(b.append('}').toString());
    }
}
