package iii.engine.dispatch;

import iii.engine.registry.Worker;

import java.nio.ByteBuffer;

/**
 * Where workers' telemetry frames go (binary {@code OTLP} / {@code MTRC} / {@code LOGS} frames, PROTOCOL.md §1.3).
 * Called on the sender's socket thread, so an implementation takes what it needs and returns at once.
 */
public interface TelemetryFrames {

    /**
     * @param from  the connection that sent it; null on the telemetry-only socket ({@code /otel})
     * @param frame the whole frame, prefix included; not to be kept after returning
     */
    void accept(Worker from, ByteBuffer frame);
}
