package iii.engine.telemetry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * The observability settings. The switch and the collector are MicroProfile Telemetry's own properties, so one
 * setting turns on the engine's spans and the relay of workers' telemetry to the same collector:
 * {@code otel.sdk.disabled} (true by default) and {@code otel.exporter.otlp.endpoint}.
 */
@ApplicationScoped
public class TelemetryConfig {

    private boolean enabled;
    private String endpoint;
    private boolean relay;
    private int bufferFrames;
    private long timeoutMillis;

    protected TelemetryConfig() {
    }

    @Inject
    public TelemetryConfig(
            @ConfigProperty(name = "otel.sdk.disabled", defaultValue = "true") boolean disabled,
            @ConfigProperty(name = "otel.exporter.otlp.endpoint", defaultValue = "http://localhost:4318")
            String endpoint,
            @ConfigProperty(name = "iii.telemetry.relay") Optional<Boolean> relay,
            @ConfigProperty(name = "iii.telemetry.relay.buffer-frames", defaultValue = "1000") int bufferFrames,
            @ConfigProperty(name = "iii.telemetry.relay.timeout-ms", defaultValue = "5000") long timeoutMillis) {
        this(!disabled, endpoint, relay.orElse(!disabled), bufferFrames, timeoutMillis);
    }

    /** For tests outside a container. */
    public TelemetryConfig(boolean enabled, String endpoint, boolean relay, int bufferFrames, long timeoutMillis) {
        this.enabled = enabled;
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.relay = relay;
        this.bufferFrames = Math.max(1, bufferFrames);
        this.timeoutMillis = timeoutMillis;
    }

    /** Off for tests and for an engine without a collector. */
    public static TelemetryConfig off() {
        return new TelemetryConfig(false, "http://localhost:4318", false, 1000, 5000);
    }

    /** MicroProfile Telemetry is on ({@code otel.sdk.disabled=false}): the engine makes spans and metrics. */
    public boolean enabled() {
        return enabled;
    }

    /** The OTLP/HTTP base URL; signals go to {@code /v1/traces}, {@code /v1/metrics}, {@code /v1/logs} under it. */
    public String endpoint() {
        return endpoint;
    }

    /** Whether workers' telemetry is forwarded to {@link #endpoint()}: {@code iii.telemetry.relay}, default on with OTel. */
    public boolean relay() {
        return relay;
    }

    /** How many frames wait for the collector (and, separately, for local decoding) before new ones are dropped. */
    public int bufferFrames() {
        return bufferFrames;
    }

    /** How long one export to the collector may take. */
    public long timeoutMillis() {
        return timeoutMillis;
    }
}
