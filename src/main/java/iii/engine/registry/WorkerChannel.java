package iii.engine.registry;

/**
 * The way to a worker's socket. Implementations serialize their writes (one writer per connection) and never block
 * the caller; a failed send ends that connection only.
 */
public interface WorkerChannel {

    /** Queues one text frame for the worker; silently dropped once the channel is closed. */
    void send(String frame);

    /**
     * Queues the {@code invokefunction} frame of a call whose caller waits at most {@code timeoutMillis}: a channel to
     * a worker of another engine passes the deadline on, so that the engine there keeps the caller's.
     */
    default void sendCall(String frame, long timeoutMillis) {
        send(frame);
    }

    /** Queues a WebSocket ping; the worker's pong proves the connection is alive. */
    void ping();

    /** Closes the connection; the usual disconnect cleanup follows. */
    void close(String reason);
}
