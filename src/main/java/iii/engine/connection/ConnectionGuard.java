package iii.engine.connection;

import jakarta.servlet.http.WebConnection;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the endpoint of a guarded connection (see {@link UpgradeFilter}) gets to know of it: its frames, its input,
 * and the container's connection, to end it when a close cannot be sent. Handed over on the thread that opens the
 * connection, since the container's WebSocket layer opens the endpoint inside the upgrade handler's init.
 *
 * @param terminate ends the TCP connection at once ({@link ContainerConnection}); null where it cannot be had
 */
record ConnectionGuard(InboundFrames frames, GuardedInputStream input, WebConnection connection, Runnable terminate) {

    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());
    private static final ThreadLocal<ConnectionGuard> OPENING = new ThreadLocal<>();

    /** The guard of the connection being opened on this thread, or null when the container upgraded it alone. */
    static ConnectionGuard opening() {
        return OPENING.get();
    }

    /** Runs {@code open} with this guard as {@link #opening()}. */
    void open(Runnable open) {
        OPENING.set(this);
        try {
            open.run();
        } finally {
            OPENING.remove();
        }
    }

    /** Ends the connection, whatever it still has to send. */
    void abort() {
        if (terminate != null) {
            terminate.run();
            return;
        }
        try {
            connection.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "Ending a connection failed", e);
        }
    }
}
