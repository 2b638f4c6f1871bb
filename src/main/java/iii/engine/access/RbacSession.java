package iii.engine.access;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A connection of the RBAC-gated listener: its {@link Grant}, and the order its messages are handled in. A
 * registration that waits for a hook's answer holds back the messages after it (a trigger may name the function
 * registered just before it), without holding the thread that read them.
 */
public final class RbacSession {

    /** Messages that may wait behind a hook's answer; more are refused. */
    static final int MAX_WAITING = 1024;
    /** Characters of frames that may wait behind a hook's answer; more are refused. */
    static final long MAX_WAITING_CHARS = 32L << 20;

    private final Grant grant;
    /** Ids a hook renamed: registered id → the id the worker registered, and back (a prefix alone is the grant's). */
    private final Map<String, String> localIds = new ConcurrentHashMap<>();
    private final Map<String, String> registeredIds = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong waitingChars = new AtomicLong();
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    public RbacSession(Grant grant) {
        this.grant = grant;
    }

    public Grant grant() {
        return grant;
    }

    /** The id the worker knows for a function registered under {@code registeredId}. */
    public String localId(String registeredId) {
        var renamed = localIds.get(registeredId);
        return renamed != null ? renamed : grant.localId(registeredId);
    }

    /** The id under which the worker's own id {@code localId} is registered. */
    String registeredId(String localId) {
        var renamed = registeredIds.get(localId);
        return renamed != null ? renamed : grant.registeredId(localId);
    }

    /** Records that a hook renamed the worker's {@code localId} to {@code registeredId} (its prefix included). */
    void registeredAs(String localId, String registeredId) {
        var previous = registeredIds.put(localId, registeredId);
        if (previous != null) {
            localIds.remove(previous);
        }
        localIds.put(registeredId, localId);
    }

    /** Forgets a renaming of {@code localId}: it is unregistered, or registered again without one. */
    void unregistered(String localId) {
        var registered = registeredIds.remove(localId);
        if (registered != null) {
            localIds.remove(registered);
        }
    }

    /**
     * Runs {@code step}, the handling of a frame of {@code chars} characters, once every earlier step has completed;
     * false (and nothing runs) when too many messages or characters wait already. Steps are started by the thread
     * that completes the one before, or at once when none is pending.
     */
    boolean after(long chars, Supplier<CompletionStage<Void>> step) {
        if (waiting.incrementAndGet() > MAX_WAITING || waitingChars.addAndGet(chars) > MAX_WAITING_CHARS) {
            waiting.decrementAndGet();
            waitingChars.addAndGet(-chars);
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
                    .whenComplete((ignored, failure) -> {
                        waiting.decrementAndGet();
                        waitingChars.addAndGet(-chars);
                    });
        }
        return true;
    }
}
