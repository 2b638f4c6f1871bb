package iii.engine.badinput;

import java.util.logging.Level;

/**
 * The kinds of bad input the engine logs, a closed set: the global counters are one per kind, and a connection
 * remembers which kinds it has had logged in one bit each.
 */
public enum BadInput {

    /** A frame that could not be decoded or failed validation (answered with {@code invalid_message}). */
    INVALID_MESSAGE("invalid_message", Level.WARNING),
    /** A frame over {@code iii.max-frame-bytes} (answered with {@code payload_too_large}). */
    PAYLOAD_TOO_LARGE("payload_too_large", Level.WARNING),
    /** A well-formed message whose handler threw: an engine bug that a worker's input brought out. */
    HANDLER_FAILED("handler_failed", Level.SEVERE),
    /** A built-in function that threw on a caller's data. */
    BUILTIN_FAILED("builtin_failed", Level.WARNING),
    /** A trigger whose type (built-in or a worker's) refused its config. */
    TRIGGER_REFUSED("trigger_refused", Level.WARNING),
    /** A worker's attempt to register a trigger type the engine provides itself. */
    TRIGGER_TYPE_RESERVED("trigger_type_reserved", Level.WARNING),
    /** A {@code reattach} to another connection without that connection's token. */
    REATTACH_REFUSED("reattach_refused", Level.WARNING),
    /** A telemetry frame that could not be processed. */
    TELEMETRY_UNREADABLE("telemetry_unreadable", Level.WARNING),
    /** An HTTP request whose URI has a broken %-escape, which the container fails on before the engine sees it. */
    MALFORMED_URI("malformed_uri", Level.WARNING),
    /** A text frame on an HTTP request's response channel, before its body, that is not a control message. */
    RESPONSE_CONTROL("response_control", Level.WARNING, 10),
    /** An upgrade on the RBAC-gated listener that was refused (origin, token, auth function): each its own line. */
    UPGRADE_REFUSED("upgrade_refused", Level.WARNING, 20),
    /** A call or registration of an RBAC session that its grant does not allow: each its own line. */
    ACCESS_DENIED("access_denied", Level.WARNING, 20);

    private final String label;
    private final Level level;
    private final int linesPerMinute;

    BadInput(String label, Level level) {
        this(label, level, 0);
    }

    BadInput(String label, Level level, int linesPerMinute) {
        this.label = label;
        this.level = level;
        this.linesPerMinute = linesPerMinute;
    }

    /**
     * 0: the first occurrence on each connection is logged, the rest counted. More: every occurrence is logged, up to
     * this many lines a minute engine-wide (what an operator audits, such as refused access), the rest counted.
     */
    public int linesPerMinute() {
        return linesPerMinute;
    }

    /** The name the log uses for this kind. */
    public String label() {
        return label;
    }

    /** The level its first occurrence on a connection is logged at. */
    public Level level() {
        return level;
    }
}
