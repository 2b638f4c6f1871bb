package iii.engine.connection;

import iii.engine.registry.WorkerChannel;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The single writer of one WebSocket session. Containers refuse concurrent sends on a session, and a blocking send
 * would hold the caller's thread while a slow worker reads, so frames go into a queue that one asynchronous send at
 * a time drains. A send that completes inline (the common case) continues the loop instead of recursing. A failed
 * send closes this connection, and so does a worker that stops reading until its queue passes the limit: nobody
 * else is affected, and the engine's memory stays bounded. A close is itself a frame that a worker which stopped
 * reading never takes, so where the container's connection is at hand it is ended {@link #CLOSE_DEADLINE_MS} after
 * the engine closed the session, and the socket goes away with it.
 */
final class SessionChannel implements WorkerChannel {

    private static final Logger LOG = Logger.getLogger(SessionChannel.class.getName());

    /** How long a closed session may take to say goodbye before its connection is ended. */
    static final long CLOSE_DEADLINE_MS = 5_000;

    private final Session session;
    private final long queueLimit;
    private final ScheduledExecutorService scheduler;
    private final Runnable abort;
    /** Stands for a ping in the queue, so that pings too are sent by the single writer. */
    private static final String PING = new String("ping");

    private final Queue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param queueLimit characters that may wait for the worker to read them before the connection is closed
     * @param abort      ends the connection below the WebSocket layer; null where the container gives no way to
     */
    SessionChannel(Session session, long queueLimit, ScheduledExecutorService scheduler, Runnable abort) {
        this.session = session;
        this.queueLimit = queueLimit;
        this.scheduler = scheduler;
        this.abort = abort;
    }

    @Override
    public void send(String frame) {
        if (closed) {
            return;
        }
        if (queued.addAndGet(frame.length()) > queueLimit) {
            LOG.warning(() -> "A worker left more than " + queueLimit + " characters unread; closing its connection");
            close("too many unread frames");
            return;
        }
        queue.add(frame);
        drain();
    }

    @Override
    public void ping() {
        if (!closed) {
            queue.add(PING);
            drain();
        }
    }

    @Override
    public void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, reason));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Closing a worker session failed", e);
        }
        if (abort != null) {
            scheduler.schedule(abort, CLOSE_DEADLINE_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void drain() {
        while (sending.compareAndSet(false, true)) {
            var next = queue.poll();
            if (next == null) {
                sending.set(false);
                if (queue.isEmpty()) {
                    return;
                }
                continue;
            }
            if (next == PING) {
                sendPing();
                sending.set(false);
                continue;
            }
            queued.addAndGet(-next.length());
            var completion = new Completion();
            try {
                session.getAsyncRemote().sendText(next, completion);
            } catch (RuntimeException e) {
                completion.onResult(new SendResult(e));
            }
            if (!completion.returned()) {
                return;
            }
        }
    }

    private void sendPing() {
        try {
            session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Ping to a worker failed", e);
        }
    }

    /** Tells whether a send completed before {@code sendText} returned, so the drain loop goes on instead. */
    private final class Completion implements SendHandler {

        private static final int PENDING = 0;
        private static final int RETURNED = 1;
        private static final int DONE_INLINE = 2;

        private final AtomicInteger state = new AtomicInteger(PENDING);

        @Override
        public void onResult(SendResult result) {
            if (!result.isOK()) {
                LOG.log(Level.FINE, "Send to a worker failed; closing its connection", result.getException());
                close("send failed");
            }
            sending.set(false);
            if (!state.compareAndSet(PENDING, DONE_INLINE)) {
                drain();
            }
        }

        /** Called after {@code sendText} returned; true if the send already completed on this thread. */
        boolean returned() {
            return !state.compareAndSet(PENDING, RETURNED);
        }
    }
}
