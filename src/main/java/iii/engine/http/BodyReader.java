package iii.engine.http;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Reads one request body without holding a container thread: a {@link ReadListener} on the request's input stream
 * (after {@code startAsync}) takes what has arrived and returns, so a client that sends its body a byte at a time
 * costs a connection and a small buffer, not a thread of the listener's pool. The body must be whole within a deadline
 * and may not pass a limit; bytes past the limit are not kept (up to a drain limit they are read and dropped, so that
 * an HTTP/2 client that waits for flow-control credit before it reads the answer gets its 413).
 *
 * <p>Two uses: {@link #read} keeps the body and hands it over whole; {@link #pieces} hands each piece over as it
 * arrives (within the limit) and can be {@link #pause paused} while the consumer is full, so a long upload costs the
 * consumer's buffer, never the whole body.
 *
 * <p>Exactly one outcome (the end, or a failure) reaches the sink, once. Reads and the deadline take this object's
 * lock, so once the reader has ended (and the exchange may be completing on another thread) the stream is not touched
 * again. A read under the lock never blocks: the container said the stream is ready, or the input is finished and
 * what is left of it is buffered.
 */
final class BodyReader implements ReadListener {

    private static final Logger LOG = Logger.getLogger(BodyReader.class.getName());
    private static final int CHUNK = 32 * 1024;

    /** Why a body was not read whole. */
    enum Failure {
        /** Over the limit (then read up to the drain limit, or to its end, and dropped). */
        TOO_LARGE,
        /** Not whole by the deadline. */
        TIMED_OUT,
        /** The client went away or the connection broke mid-body. */
        ABORTED
    }

    /** Where a whole body goes: one of the two methods, once. */
    interface Sink {

        void body(byte[] bytes);

        void failed(Failure failure);
    }

    /** Where a streamed body goes: pieces in order, then the end or a failure, once. */
    interface Pieces {

        /** A piece within the limit; the buffer is the consumer's to keep. */
        void piece(ByteBuffer bytes);

        void end();

        void failed(Failure failure);
    }

    private final ServletInputStream in;
    private final long limit;
    private final long drainLimit;
    private final Pieces sink;
    private byte[] chunk;
    private long read;
    private boolean done;
    private boolean paused;
    private volatile ScheduledFuture<?> deadline;
    /** For a streamed body: when the last byte arrived or reading resumed; the deadline then counts from there. */
    private volatile long progressNanos;
    private boolean idle;
    private long timeoutNanos;
    private ScheduledExecutorService scheduler;

    private BodyReader(ServletInputStream in, long limit, long drainLimit, Pieces sink) {
        this.in = in;
        this.limit = limit;
        this.drainLimit = Math.max(limit, drainLimit);
        this.sink = sink;
    }

    /**
     * Starts reading {@code in}, whose request must be in asynchronous mode, and hands the body over whole.
     *
     * @param limit         most bytes of a body; a longer one fails with {@link Failure#TOO_LARGE}
     * @param drainLimit    how far past the limit the body is still read (and dropped) before it fails
     * @param keep          whether the bytes are wanted; if not they are counted and dropped ({@code sink} gets an
     *                      empty array)
     * @param timeoutMillis how long the whole body may take
     */
    static void read(ServletInputStream in, long limit, long drainLimit, boolean keep, long timeoutMillis,
                     ScheduledExecutorService scheduler, Sink sink) {
        var body = keep ? new ByteArrayOutputStream() : null;
        pieces(in, limit, drainLimit, new Pieces() {
            @Override
            public void piece(ByteBuffer bytes) {
                if (body != null) {
                    body.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                }
            }

            @Override
            public void end() {
                sink.body(body == null ? new byte[0] : body.toByteArray());
            }

            @Override
            public void failed(Failure failure) {
                sink.failed(failure);
            }
        }).start(timeoutMillis, scheduler, false);
    }

    /**
     * A reader of {@code in} (see {@link #read}) that hands each piece over as it arrives, once {@link #start}ed:
     * the consumer may hold it (to pause it) before the first piece comes.
     */
    static BodyReader pieces(ServletInputStream in, long limit, long drainLimit, Pieces sink) {
        return new BodyReader(in, limit, drainLimit, sink);
    }

    /**
     * Starts reading. With {@code idle} false the body must be whole within {@code timeoutMillis}; with {@code idle}
     * true (a body streamed to its consumer, however long) no more than {@code timeoutMillis} may pass without a byte
     * arriving while the consumer wants more.
     */
    BodyReader start(long timeoutMillis, ScheduledExecutorService scheduler, boolean idle) {
        synchronized (this) {
            this.idle = idle;
            this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            this.scheduler = scheduler;
            progressNanos = System.nanoTime();
        }
        in.setReadListener(this);
        synchronized (this) {
            if (!done) { // else the container read it all already
                deadline = scheduler.schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
            }
        }
        return this;
    }

    /**
     * Stops reading until {@link #resume}: what the container has not handed over stays in the connection (and, past
     * its buffers, in the client), which is how a full consumer holds back an upload.
     */
    synchronized void pause() {
        paused = true;
    }

    /** Reads again, on {@code executor}: the container calls nobody back for a stream that was left ready. */
    void resume(Executor executor) {
        synchronized (this) {
            if (!paused) {
                return;
            }
            paused = false;
            progressNanos = System.nanoTime();
        }
        executor.execute(() -> {
            try {
                readArrived(false);
            } catch (IOException | RuntimeException e) {
                onError(e);
            }
        });
    }

    /** Stops for good without an outcome (the request was answered meanwhile): the stream is not touched again. */
    void cancel() {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        end();
    }

    @Override
    public void onDataAvailable() throws IOException {
        readArrived(false);
    }

    @Override
    public void onAllDataRead() throws IOException {
        readArrived(true);
    }

    /**
     * Reads what has arrived and, when that is the whole body, hands the outcome over. Once the input is finished
     * the rest is read by {@code available()}, never by {@code isReady()}: on Payara an {@code isReady()} that finds
     * nothing left schedules an {@code onAllDataRead} on another thread, which may run after the request has been
     * answered and recycled (and then fails inside the container). A paused reader returns with the stream still
     * ready; {@link #resume} comes back to it.
     */
    private void readArrived(boolean allArrived) throws IOException {
        Failure failure = null;
        boolean whole = false;
        synchronized (this) {
            if (done) {
                return;
            }
            if (chunk == null) {
                chunk = new byte[CHUNK];
            }
            while (failure == null && !whole && !paused) {
                boolean finished = allArrived || in.isFinished();
                if (finished ? in.available() <= 0 : !in.isReady()) {
                    whole = finished;
                    break;
                }
                int n = in.read(chunk);
                if (n < 0) {
                    whole = true;
                } else if (!take(n)) {
                    failure = Failure.TOO_LARGE;
                }
            }
            if (whole && read > limit) {
                failure = Failure.TOO_LARGE;
            }
            if (failure == null && !whole) {
                return; // more to come: the container (or resume) calls again
            }
            done = true;
        }
        end();
        if (failure != null) {
            sink.failed(failure);
        } else {
            sink.end();
        }
    }

    /** Counts (and hands over, within the limit) {@code n} bytes of {@link #chunk}; false past the drain limit. */
    private boolean take(int n) {
        read += n;
        if (n > 0 && idle) {
            progressNanos = System.nanoTime();
        }
        if (read > drainLimit) {
            return false;
        }
        if (read <= limit && n > 0) {
            var piece = new byte[n];
            System.arraycopy(chunk, 0, piece, 0, n);
            sink.piece(ByteBuffer.wrap(piece));
        }
        return true;
    }

    /** The client's business (it went away mid-body): one FINE line, never a stack trace. */
    @Override
    public void onError(Throwable failure) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        end();
        LOG.fine(() -> "HTTP request body not read to its end after " + read + " bytes: " + failure);
        sink.failed(Failure.ABORTED);
    }

    private void expire() {
        synchronized (this) {
            if (done) {
                return;
            }
            if (idle) {
                var left = paused ? timeoutNanos : progressNanos + timeoutNanos - System.nanoTime();
                if (left > 0) {
                    deadline = scheduler.schedule(this::expire, left, TimeUnit.NANOSECONDS);
                    return;
                }
            }
            done = true;
        }
        sink.failed(Failure.TIMED_OUT);
    }

    private void end() {
        var timer = deadline;
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
