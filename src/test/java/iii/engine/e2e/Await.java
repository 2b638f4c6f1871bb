package iii.engine.e2e;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Polling with a deadline, for state that is only observable by asking (listings). Never sleep-and-hope. */
final class Await {

    private Await() {
    }

    /**
     * Asks {@code probe} every {@code interval} until it returns a present value or the deadline passes.
     *
     * @throws AssertionError with {@code what} and the last probe failure when the deadline passes
     */
    static <T> T until(String what, Duration timeout, Duration interval, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            try {
                Optional<T> v = probe.get();
                if (v.isPresent()) {
                    return v.get();
                }
            } catch (RuntimeException | AssertionError e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError err = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
                if (last != null) {
                    err.initCause(last);
                }
                throw err;
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    static <T> T until(String what, Duration timeout, Supplier<Optional<T>> probe) {
        return until(what, timeout, Duration.ofMillis(100), probe);
    }

    static void untilTrue(String what, Duration timeout, Supplier<Boolean> probe) {
        until(what, timeout, () -> Boolean.TRUE.equals(probe.get()) ? Optional.of(Boolean.TRUE) : Optional.empty());
    }
}
