package iii.engine.registry;

import iii.engine.protocol.RawJson;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A trigger instance: when its type fires, {@code functionId} is called. {@code owner} null = the engine's own.
 * {@code stamp} is its registration's place in time (microseconds since the epoch, strictly increasing on one engine,
 * carried to the other engines of a cluster with the trigger): where two registrations claim one thing, such as an
 * HTTP route, the later one has it, on every engine alike.
 */
public record Trigger(String id, String type, String functionId, RawJson config, RawJson metadata, Worker owner,
                      long stamp) {

    private static final AtomicLong LAST = new AtomicLong();

    /** A trigger registered now. */
    public Trigger(String id, String type, String functionId, RawJson config, RawJson metadata, Worker owner) {
        this(id, type, functionId, config, metadata, owner, now());
    }

    /** Later than every stamp this engine gave before. */
    static long now() {
        var micros = System.currentTimeMillis() * 1000;
        return LAST.updateAndGet(last -> Math.max(last + 1, micros));
    }
}
