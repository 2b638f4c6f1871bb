package iii.sdk;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * How a worker connects: its name, headers for the upgrade (a bearer token for the engine's RBAC-gated listener),
 * the call timeout, reconnect backoff and heartbeat. The defaults are those of {@code iii-sdk} 0.22.1.
 */
public final class IiiOptions {

    final String workerName;
    final String description;
    final Map<String, String> headers;
    final Duration invocationTimeout;
    final Duration connectTimeout;
    final Duration initialReconnectDelay;
    final Duration maxReconnectDelay;
    final double backoffMultiplier;
    final double jitter;
    final int maxReconnectAttempts;
    final Duration pingInterval;
    final Duration idleTimeout;
    final Executor executor;

    private IiiOptions(Builder b) {
        workerName = b.workerName;
        description = b.description;
        headers = Map.copyOf(b.headers);
        invocationTimeout = b.invocationTimeout;
        connectTimeout = b.connectTimeout;
        initialReconnectDelay = b.initialReconnectDelay;
        maxReconnectDelay = b.maxReconnectDelay;
        backoffMultiplier = b.backoffMultiplier;
        jitter = b.jitter;
        maxReconnectAttempts = b.maxReconnectAttempts;
        pingInterval = b.pingInterval;
        idleTimeout = b.idleTimeout;
        executor = b.executor;
    }

    public static IiiOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link IiiOptions}; every setting has a default. */
    public static final class Builder {
        private String workerName;
        private String description;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration invocationTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration initialReconnectDelay = Duration.ofSeconds(1);
        private Duration maxReconnectDelay = Duration.ofSeconds(30);
        private double backoffMultiplier = 2;
        private double jitter = 0.3;
        private int maxReconnectAttempts = -1;
        private Duration pingInterval = Duration.ofSeconds(20);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Executor executor;

        private Builder() {
        }

        /** The name in the engine's worker listings; default {@code III_WORKER_NAME}, else {@code host:pid}. */
        public Builder workerName(String name) {
            workerName = name;
            return this;
        }

        /** A description in the engine's worker listings. */
        public Builder description(String text) {
            description = text;
            return this;
        }

        /** A header sent with every WebSocket upgrade (e.g. for the engine's auth function). */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /** {@code Authorization: Bearer <token>} with every upgrade (a JWT for the RBAC-gated listener). */
        public Builder bearerToken(String token) {
            return header("Authorization", "Bearer " + token);
        }

        /** How long {@link Iii#call} waits for an answer by default (30 s). */
        public Builder invocationTimeout(Duration timeout) {
            invocationTimeout = positive(timeout);
            return this;
        }

        /** The WebSocket opening handshake's limit (10 s). */
        public Builder connectTimeout(Duration timeout) {
            connectTimeout = positive(timeout);
            return this;
        }

        /** Reconnect backoff: first delay (1 s), cap (30 s), multiplier (2), jitter fraction (0.3). */
        public Builder reconnect(Duration initialDelay, Duration maxDelay, double multiplier, double jitterFraction) {
            if (multiplier < 1 || jitterFraction < 0 || jitterFraction > 1) {
                throw new IllegalArgumentException("multiplier >= 1 and 0 <= jitter <= 1");
            }
            initialReconnectDelay = positive(initialDelay);
            maxReconnectDelay = positive(maxDelay);
            backoffMultiplier = multiplier;
            jitter = jitterFraction;
            return this;
        }

        /** Reconnect attempts after a connection is lost before giving up; -1 (default): never give up. */
        public Builder maxReconnectAttempts(int attempts) {
            maxReconnectAttempts = attempts;
            return this;
        }

        /** WebSocket ping every {@code interval} (20 s); no frame for {@code idle} (60 s) ends the connection. */
        public Builder heartbeat(Duration interval, Duration idle) {
            pingInterval = positive(interval);
            idleTimeout = positive(idle);
            return this;
        }

        /**
         * Where handlers run; default: the worker's own pool of daemon threads (shut down by {@link Iii#close}): as
         * many as the machine has cores, and more while handlers block (a handler left waiting 10 to 20 ms for a thread
         * gets one). A given executor is not shut down. (Calls complete on the WebSocket client's thread.)
         *
         * <p>{@code Runnable::run} runs each handler on the WebSocket client's thread as its invocation arrives:
         * no thread switch per invocation, the fastest for handlers that never block (compute, or return a
         * {@link java.util.concurrent.CompletionStage} at once). A handler that blocks there holds up every frame of
         * this worker, the results of its own calls included: it must not wait for a call.
         */
        public Builder executor(Executor e) {
            executor = e;
            return this;
        }

        public IiiOptions build() {
            return new IiiOptions(this);
        }

        private static Duration positive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration must be positive: " + d);
            }
            return d;
        }
    }
}
