package iii.engine.registry;

/** A departed worker's registrations and calls are all gone. */
public record WorkerRetired(Worker worker) {
}
