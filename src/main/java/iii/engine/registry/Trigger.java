package iii.engine.registry;

import iii.engine.protocol.RawJson;

/** A trigger instance: when its type fires, {@code functionId} is called. {@code owner} null = the engine's own. */
public record Trigger(String id, String type, String functionId, RawJson config, RawJson metadata, Worker owner) {
}
