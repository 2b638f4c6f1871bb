package iii.engine.registry;

/** A worker's socket closed or broke; its cleanup follows, off the socket's thread. */
public record WorkerDisconnected(Worker worker) {
}
