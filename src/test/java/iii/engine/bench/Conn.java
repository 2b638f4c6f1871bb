package iii.engine.bench;

import java.io.IOException;

/** A client WebSocket connection as the call loop sees it: {@link WsClient}, or {@link JdkConn} for comparison. */
public interface Conn extends AutoCloseable {

    /** Receives whole text messages. */
    interface Listener {
        void onText(Conn connection, String text);

        /** The connection ended: the server closed it, or reading failed; {@code error} is null for a clean close. */
        default void onClosed(Conn connection, Throwable error) {
        }
    }

    /** Sends one text message. Safe to call from the listener and from other threads. */
    void send(String text) throws IOException;

    @Override
    void close();
}
