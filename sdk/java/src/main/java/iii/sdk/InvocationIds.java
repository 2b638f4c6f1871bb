package iii.sdk;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker's invocation ids: UUIDs (version 4 form) whose first 74 bits are random, drawn once, and whose last 48 are
 * a counter; unique like random ones without a secure random number per call.
 */
final class InvocationIds {

    private static final int PREFIX = 24;

    private final String prefix = UUID.randomUUID().toString().substring(0, PREFIX);
    private final AtomicLong count = new AtomicLong();

    String next() {
        long n = count.incrementAndGet();
        char[] id = new char[PREFIX + 12];
        prefix.getChars(0, PREFIX, id, 0);
        for (int i = id.length - 1; i >= PREFIX; i--, n >>>= 4) {
            id[i] = Character.forDigit((int) (n & 0xF), 16);
        }
        return new String(id);
    }
}
