package iii.engine.connection;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of large frames that all connections together may be gathering at once
 * ({@code iii.max-frames-in-flight-bytes}). Without it, N workers each sending a frame just under the limit would
 * hold N times the limit; with it, a large frame that does not fit is refused like one over the limit, and the
 * memory that frames in flight take stays bounded whatever the number of connections.
 */
final class FrameBudget {

    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    FrameBudget(long capacity) {
        this.capacity = capacity;
    }

    /** Takes {@code bytes} if they fit; tells whether they did. */
    boolean reserve(long bytes) {
        long now;
        do {
            now = used.get();
            if (now + bytes > capacity) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes taken now. */
    long used() {
        return used.get();
    }
}
