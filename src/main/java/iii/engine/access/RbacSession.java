package iii.engine.access;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A connection of the RBAC-gated listener: its {@link Grant}, and the order its messages are handled in. A
 * registration that waits for a hook's answer holds back the messages after it (a trigger may name the function
 * registered just before it), without holding the thread that read them.
 */
public final class RbacSession {

    /** Messages that may wait behind a hook's answer; more are refused. */
    static final int MAX_WAITING = 1024;

    private final Grant grant;
    private final AtomicInteger waiting = new AtomicInteger();
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    public RbacSession(Grant grant) {
        this.grant = grant;
    }

    public Grant grant() {
        return grant;
    }

    /**
     * Runs {@code step} once every earlier step has completed; false (and nothing runs) when too many wait already.
     * Steps are started by the thread that completes the one before, or at once when none is pending.
     */
    boolean after(Supplier<CompletionStage<Void>> step) {
        if (waiting.incrementAndGet() > MAX_WAITING) {
            waiting.decrementAndGet();
            return false;
        }
        synchronized (this) {
            tail = tail.handle((ignored, failure) -> null)
                    .thenCompose(ignored -> {
                        try {
                            // a step that throws must not stop the ones after it
                            return step.get();
                        } catch (RuntimeException e) {
                            return CompletableFuture.<Void>failedFuture(e);
                        }
                    })
                    .whenComplete((ignored, failure) -> waiting.decrementAndGet());
        }
        return true;
    }
}
