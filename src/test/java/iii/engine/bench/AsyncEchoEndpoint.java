package iii.engine.bench;

import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A second floor ({@code bin/bench --floor=/echo-async}) that uses the container the way the engine's socket does:
 * text received in parts ({@code String, boolean}) and sent back through the asynchronous remote, one send at a
 * time from a queue, the next one started by the completion of the previous. The difference to {@link EchoEndpoint}
 * is what those API choices cost by themselves, without any of the engine's own work.
 */
@ServerEndpoint("/echo-async")
public class AsyncEchoEndpoint {

    private final Queue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    private Session session;
    private StringBuilder parts;

    @OnOpen
    public void open(Session session) {
        this.session = session;
    }

    @OnMessage
    public void text(String part, boolean last) {
        if (parts == null && last) {
            send(part);
            return;
        }
        if (parts == null) {
            parts = new StringBuilder();
        }
        parts.append(part);
        if (last) {
            var message = parts.toString();
            parts = null;
            send(message);
        }
    }

    private void send(String message) {
        queue.add(message);
        drain();
    }

    private void drain() {
        if (!sending.compareAndSet(false, true)) {
            return;
        }
        var next = queue.poll();
        if (next == null) {
            sending.set(false);
            if (!queue.isEmpty()) {
                drain();
            }
            return;
        }
        session.getAsyncRemote().sendText(next, this::sent);
    }

    private void sent(SendResult result) {
        if (!result.isOK()) {
            try {
                session.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        sending.set(false);
        drain();
    }
}
