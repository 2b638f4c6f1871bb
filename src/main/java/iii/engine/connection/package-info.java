/**
 * The only package that touches {@code jakarta.websocket}: the worker socket at {@code /}, the telemetry socket at
 * {@code /otel}, the channel sockets at {@code /ws/channels/{id}}, and the per-connection writer; and, below the
 * WebSocket layer, what the engine adds to an upgrade ({@link iii.engine.connection.UpgradeFilter}): the peer's
 * address on every container, the refusal of upgrades to unknown channels, and on Tyrus the engine's own reading of
 * frames ({@link iii.engine.connection.InboundFrames}) before Tyrus buffers them, which can also pause a channel
 * writer's socket.
 */
package iii.engine.connection;
