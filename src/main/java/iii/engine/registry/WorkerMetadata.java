package iii.engine.registry;

import iii.engine.protocol.RawJson;

/**
 * What a worker says about itself through {@code engine::workers::register}; all fields are null until it does.
 */
public record WorkerMetadata(String name, String description, String runtime, String version, String os, Long pid,
                             String isolation, RawJson telemetry) {

    public static final WorkerMetadata NONE = new WorkerMetadata(null, null, null, null, null, null, null, null);
}
