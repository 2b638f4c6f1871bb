package iii.engine.bench;

import iii.sdk.Iii;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The routed call of {@link CallDriver} made through the Java SDK ({@code iii.sdk.Iii}) on both ends: a caller with
 * {@code inflight} calls outstanding, each result bound by JSON-B to a {@link Payload} and checked, and the next call
 * made when it completes; the callee ({@link #registerCallee}) is an SDK function that returns what it was given.
 * {@code data} is JSON-B's {@code {"n":"<sequence, 16 hex>","pad":"xx…"}}, as long as {@code CallDriver}'s.
 */
final class SdkDriver extends Driver {

    static final String FUNCTION = "bench::sdk-echo";
    /** The same callee on a worker whose handlers run on the WebSocket client's thread. */
    static final String INLINE_FUNCTION = "bench::sdk-echo-inline";

    /** The payload, as JSON-B writes it: {@code n} then {@code pad}. */
    public record Payload(String n, String pad) {
    }

    private final Iii caller;
    private final String function;
    private final int inflight;
    private final String pad;
    private final AtomicLong seq = new AtomicLong();

    SdkDriver(Iii caller, String function, int payloadBytes, int inflight) {
        this.caller = caller;
        this.function = function;
        this.inflight = inflight;
        int padLength = payloadBytes - "{\"n\":\"0123456789abcdef\",\"pad\":\"\"}".length();
        if (padLength < 0) {
            throw new IllegalArgumentException("payload too small: " + payloadBytes);
        }
        this.pad = "x".repeat(padLength);
    }

    /** The callee: returns its payload, bound to a {@link Payload} and written again. */
    static void registerCallee(Iii callee, String function) {
        callee.registerFunction(function, Payload.class, p -> p);
    }

    void start() {
        outstanding.set(inflight);
        for (int s = 0; s < inflight; s++) {
            call();
        }
    }

    private void call() {
        String n = HexFormat.of().toHexDigits(seq.getAndIncrement());
        long sent = System.nanoTime();
        caller.call(function, new Payload(n, pad), Payload.class).whenComplete((result, failure) -> {
            long now = System.nanoTime();
            if (failure != null) {
                error("call failed: " + failure);
            } else if (result == null || !n.equals(result.n()) || !pad.equals(result.pad())) {
                error("call " + n + " answered with the wrong payload");
            } else {
                sample(now - sent);
            }
            if (stopping) {
                outstanding.decrementAndGet();
            } else {
                call();
            }
        });
    }

    /** Completions come on several threads. */
    @Override
    protected synchronized void sample(long nanos) {
        super.sample(nanos);
    }
}
