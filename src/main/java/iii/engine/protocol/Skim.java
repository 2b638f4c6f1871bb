package iii.engine.protocol;

import java.util.UUID;

/**
 * The three top-level fields that decide who must be answered about a frame, read leniently by
 * {@link Codec#skim(String)}: each is null when absent, of the wrong type or (for the id) not a UUID.
 */
public record Skim(String type, UUID invocationId, String functionId) {
}
