package iii.sdk;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One WebSocket connection to the engine: its listener (whole text messages handed to {@code onMessage}), a
 * send queue (the JDK client takes one send at a time), the time of the last frame received (for the idle check) and
 * whether it is over. A connection is used once; a reconnect makes a new one.
 *
 * <p>Frames go to the engine as binary messages of their UTF-8 JSON, which the engine reads as it reads text frames:
 * the JDK client encodes a text message char by char (a 4 KiB frame took 5.6 µs, its UTF-8 bytes from the string
 * 0.45 µs).
 */
final class Link implements WebSocket.Listener {

    final long epoch;
    private final Consumer<String> onMessage;
    private final BiConsumer<Link, Throwable> onLost;
    private final ConcurrentLinkedQueue<String> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean over = new AtomicBoolean();
    private final StringBuilder partial = new StringBuilder();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile WebSocket socket;
    volatile long lastInboundNanos = System.nanoTime();

    Link(long epoch, Consumer<String> onMessage, BiConsumer<Link, Throwable> onLost) {
        this.epoch = epoch;
        this.onMessage = onMessage;
        this.onLost = onLost;
    }

    boolean isOver() {
        return over.get();
    }

    /** Queues a frame; frames go out in order, one at a time. */
    void send(String frame) {
        outbox.add(frame);
        drain();
    }

    private void drain() {
        WebSocket ws = socket;
        while (ws != null && !over.get() && sending.compareAndSet(false, true)) {
            String frame = outbox.poll();
            if (frame == null) {
                sending.set(false);
                if (outbox.isEmpty()) {
                    return;
                }
                continue;
            }
            CompletableFuture<WebSocket> sent = ws.sendBinary(ByteBuffer.wrap(frame.getBytes(StandardCharsets.UTF_8)),
                    true);
            if (sent.isDone() && !sent.isCompletedExceptionally()) {
                sending.set(false);
                continue;
            }
            sent.whenComplete((w, e) -> {
                if (e != null) {
                    lost(e);
                    return;
                }
                sending.set(false);
                drain();
            });
            return;
        }
    }

    void ping() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.sendPing(ByteBuffer.allocate(0));
        }
    }

    /** Ends the connection at once, without a close handshake. */
    void abort(Throwable why) {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        lost(why);
    }

    /** Sends a close frame and ends the connection when the engine answers it (or at once on failure). */
    CompletionStage<Void> close() {
        WebSocket ws = socket;
        if (ws == null || over.get()) {
            return CompletableFuture.completedFuture(null);
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").whenComplete((w, e) -> {
            if (e != null) {
                abort(e);
            }
        });
        return closed;
    }

    private void lost(Throwable why) {
        if (over.compareAndSet(false, true)) {
            closed.complete(null);
            onLost.accept(this, why);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        // every message is taken in whole as it comes (copied, handled elsewhere): no demand to count per message
        webSocket.request(Long.MAX_VALUE);
        drain();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        lastInboundNanos = System.nanoTime();
        if (last && partial.length() == 0) {
            onMessage.accept(data.toString());
        } else {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onMessage.accept(text);
            }
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        lastInboundNanos = System.nanoTime();
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        lastInboundNanos = System.nanoTime();
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        lastInboundNanos = System.nanoTime();
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        lost(new IllegalStateException("the engine closed the connection (" + statusCode + " " + reason + ")"));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        lost(error);
    }
}
