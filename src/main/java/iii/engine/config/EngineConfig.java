package iii.engine.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The engine's settings, each a MicroProfile Config property and so also an environment variable
 * ({@code iii.max-frame-bytes} is {@code III_MAX_FRAME_BYTES}).
 */
@ApplicationScoped
public class EngineConfig {

    private int maxFrameBytes;
    private long invocationTimeoutMillis;
    private long functionsAvailableDelayMillis;
    private long sendQueueLimit;

    protected EngineConfig() {
    }

    @Inject
    public EngineConfig(
            @ConfigProperty(name = "iii.max-frame-bytes", defaultValue = "16777216") int maxFrameBytes,
            @ConfigProperty(name = "iii.invocation-timeout-ms", defaultValue = "600000") long invocationTimeoutMillis,
            @ConfigProperty(name = "iii.functions-available.delay-ms", defaultValue = "100")
            long functionsAvailableDelayMillis,
            @ConfigProperty(name = "iii.send-queue-limit", defaultValue = "67108864") long sendQueueLimit) {
        this.maxFrameBytes = maxFrameBytes;
        this.invocationTimeoutMillis = invocationTimeoutMillis;
        this.functionsAvailableDelayMillis = functionsAvailableDelayMillis;
        this.sendQueueLimit = sendQueueLimit;
    }

    /** Largest frame the engine processes; larger ones are answered with {@code payload_too_large}. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** How long a routed call may wait for its answer before the caller gets {@code timeout}. */
    public long invocationTimeoutMillis() {
        return invocationTimeoutMillis;
    }

    /** How long a burst of function changes is gathered before {@code engine::functions-available} fires. */
    public long functionsAvailableDelayMillis() {
        return functionsAvailableDelayMillis;
    }

    /** Characters of frames that may wait for a worker to read them; past it the worker's connection is closed. */
    public long sendQueueLimit() {
        return sendQueueLimit;
    }
}
