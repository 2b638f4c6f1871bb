/**
 * Channels: bounded in-memory pipes between two WebSocket ends ({@code /ws/channels/{id}}), created by
 * {@code engine::channels::create}, through which workers stream bytes and text to each other. The state of a channel
 * and its registry live here, free of the container; the sockets are in {@code connection}. Corresponds to iii's
 * {@code engine/src/workers/worker/channels.rs} and {@code ws_handler.rs}.
 */
package iii.engine.channel;
