package iii.engine.protocol;

import java.util.UUID;

/**
 * A frame that cannot be decoded or fails validation. The message says what was wrong in words fit for the
 * {@code invalid_message} error frame (PROTOCOL.md Part A 8). When the frame showed its {@code type},
 * {@code invocation_id} and {@code function_id} before it went wrong, they are kept here, so the engine can answer a
 * caller waiting on that invocation with an {@code invocationresult} instead of an error frame.
 *
 * <p>It carries no stack trace: bad frames come from outside, are expected, and the message is all a log line needs.
 */
public final class FrameException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String type;
    private final UUID invocationId;
    private final String functionId;

    public FrameException(String message) {
        this(message, null, null, null);
    }

    private FrameException(String message, String type, UUID invocationId, String functionId) {
        super(message, null, false, false);
        this.type = type;
        this.invocationId = invocationId;
        this.functionId = functionId;
    }

    /** The same failure, now knowing what could be read of the frame. */
    FrameException about(Skim frame) {
        return new FrameException(getMessage(), frame.type(), frame.invocationId(), frame.functionId());
    }

    /** The frame's {@code type}, or null if it had none that could be read. */
    public String type() {
        return type;
    }

    /** The frame's {@code invocation_id}, or null if it had no valid one. */
    public UUID invocationId() {
        return invocationId;
    }

    /** The frame's {@code function_id}, or null if it had none that could be read. */
    public String functionId() {
        return functionId;
    }
}
