package iii.engine.badinput;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kinds of bad input one connection has had logged, one bit per {@link BadInput}. It belongs to the connection
 * (a {@code Worker} holds one), so it goes away with it: nothing about a connection outlives it, however much bad
 * input it sent.
 */
public final class BadInputMarks {

    static {
        if (BadInput.values().length > Integer.SIZE) {
            throw new ExceptionInInitializerError("more kinds of bad input than bits in an int");
        }
    }

    private final AtomicInteger logged = new AtomicInteger();

    /** True exactly once per kind: for the first caller to mark it. */
    boolean mark(BadInput kind) {
        int bit = 1 << kind.ordinal();
        return (logged.get() & bit) == 0 && (logged.getAndUpdate(bits -> bits | bit) & bit) == 0;
    }
}
