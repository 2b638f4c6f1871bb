package iii.engine.connection;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

import java.nio.ByteBuffer;

/**
 * The telemetry-only socket of SDK 0.11.6 and later ({@code <url>/otel}). Its frames are accepted and never answered;
 * the connection is not a worker. Ingesting the telemetry is later work.
 */
@ServerEndpoint("/otel")
public class TelemetryEndpoint {

    @OnMessage
    public void binary(ByteBuffer part, boolean last) {
    }

    @OnMessage
    public void text(String part, boolean last) {
    }
}
