package iii.engine.connection;

import iii.engine.config.EngineConfig;
import iii.engine.dispatch.TelemetryFrames;
import jakarta.inject.Inject;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.server.ServerEndpoint;

import java.nio.ByteBuffer;

/**
 * The telemetry-only socket of SDK 0.11.6 and later ({@code <url>/otel}). Its frames go to {@link TelemetryFrames}
 * and are never answered; the connection is not a worker. Text frames are ignored.
 */
@ServerEndpoint("/otel")
public class TelemetryEndpoint {

    @Inject
    TelemetryFrames telemetry;
    @Inject
    EngineConfig config;

    private FrameAssembler frames;

    @OnOpen
    public void open() {
        var guard = ConnectionGuard.opening();
        frames = new FrameAssembler(config.maxFrameBytes(), guard == null ? null : guard.frames());
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last) {
        var frame = frames.binary(part, last);
        if (frame != null && frames.refusal() == null) {
            telemetry.accept(null, frame);
        }
    }

    @OnMessage
    public void text(String part, boolean last) {
    }
}
