package iii.engine.registry;

/** A worker's socket opened and it got its id. */
public record WorkerConnected(Worker worker) {
}
