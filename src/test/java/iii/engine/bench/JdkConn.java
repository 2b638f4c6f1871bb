package iii.engine.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The same connection on the JDK's {@code java.net.http.WebSocket} client ({@code bin/bench --client=jdk}), to show
 * what the choice of client costs. Sends wait for the previous one (the JDK client allows one at a time).
 */
final class JdkConn implements Conn {

    private final Object sendLock = new Object();
    private WebSocket socket;

    static JdkConn connect(String host, int port, String path, Listener listener) throws IOException {
        var conn = new JdkConn();
        try {
            // a client of its own, as each SDK worker has (caller and callee are separate processes in use): one
            // shared by both made small calls at 1 in flight ~20 % faster here, which is not what a worker sees.
            // Messages are taken on the client's selector thread, as the SDK takes them.
            conn.socket = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).executor(Runnable::run)
                    .build().newWebSocketBuilder().buildAsync(URI.create("ws://" + host + ":" + port + path),
                    new Adapter(conn, listener)).get(15, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IOException("connecting to " + host + ":" + port + path + " failed", e);
        }
        return conn;
    }

    @Override
    public void send(String text) throws IOException {
        synchronized (sendLock) {
            try {
                socket.sendText(text, true).get(10, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                throw new IOException("send failed", e);
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            // aborting anyway
        }
        socket.abort();
    }

    private static final class Adapter implements WebSocket.Listener {
        private final JdkConn conn;
        private final Listener listener;
        private StringBuilder parts;

        Adapter(JdkConn conn, Listener listener) {
            this.conn = conn;
            this.listener = listener;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (last && parts == null) {
                listener.onText(conn, data.toString());
            } else {
                if (parts == null) {
                    parts = new StringBuilder();
                }
                parts.append(data);
                if (last) {
                    var text = parts.toString();
                    parts = null;
                    listener.onText(conn, text);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            listener.onClosed(conn, null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            listener.onClosed(conn, error);
        }
    }
}
