package iii.engine.registry;

/** A worker told the engine about itself through {@code engine::workers::register}. */
public record WorkerMetadataUpdated(Worker worker) {
}
