package iii.sdk;

import jakarta.json.JsonValue;

/**
 * A trigger as its type's provider sees it: its id, the function it calls, its configuration and metadata (absent in
 * an unregistration, where only the id and type are sent).
 */
public record TriggerConfig(String id, String triggerType, String functionId, JsonValue config, JsonValue metadata) {
}
