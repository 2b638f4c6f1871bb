package iii.engine.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Arrays;
import java.util.List;

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
    private long heartbeatMillis;
    private long framesInFlightBytes;

    protected EngineConfig() {
    }

    @Inject
    public EngineConfig(
            @ConfigProperty(name = "iii.max-frame-bytes", defaultValue = "16777216") int maxFrameBytes,
            @ConfigProperty(name = "iii.invocation-timeout-ms", defaultValue = "600000") long invocationTimeoutMillis,
            @ConfigProperty(name = "iii.functions-available.delay-ms", defaultValue = "100")
            long functionsAvailableDelayMillis,
            @ConfigProperty(name = "iii.send-queue-limit", defaultValue = "67108864") long sendQueueLimit,
            @ConfigProperty(name = "iii.heartbeat-ms", defaultValue = "20000") long heartbeatMillis,
            @ConfigProperty(name = "iii.max-frames-in-flight-bytes", defaultValue = "67108864")
            long framesInFlightBytes) {
        this.maxFrameBytes = maxFrameBytes;
        this.invocationTimeoutMillis = invocationTimeoutMillis;
        this.functionsAvailableDelayMillis = functionsAvailableDelayMillis;
        this.sendQueueLimit = sendQueueLimit;
        this.heartbeatMillis = heartbeatMillis;
        this.framesInFlightBytes = framesInFlightBytes;
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

    /**
     * How often each worker is pinged; one that sends nothing, not even a pong, for two beats in a row is taken as
     * gone. 0 turns the heartbeat off.
     */
    public long heartbeatMillis() {
        return heartbeatMillis;
    }

    /**
     * Bytes of large frames (over 64 KiB) that all connections together may be receiving at once; a large frame that
     * does not fit is refused like one over {@link #maxFrameBytes()}.
     */
    public long framesInFlightBytes() {
        return framesInFlightBytes;
    }

    /**
     * The items of a comma-separated setting, trimmed, empty ones left out. List settings are read as one string:
     * Payara's config producer cannot inject {@code Optional<List<String>>}.
     */
    public static List<String> commaSeparated(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }
}
