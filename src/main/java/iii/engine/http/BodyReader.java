package iii.engine.http;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * <p>Exactly one outcome reaches the {@link Sink}, once. Reads and the deadline take this object's lock, so once the
 * deadline has passed (and the exchange may be completing on another thread) the stream is not touched again. A read
 * under the lock never blocks: the container said the stream is ready, or the input is finished and what is left of it
 * is buffered.
 */
final class BodyReader implements ReadListener {

    private static final Logger LOG = Logger.getLogger(BodyReader.class.getName());
    private static final int CHUNK = 8192;

    /** Why a body was not read whole. */
    enum Failure {
        /** Over the limit (then read up to the drain limit, or to its end, and dropped). */
        TOO_LARGE,
        /** Not whole by the deadline. */
        TIMED_OUT,
        /** The client went away or the connection broke mid-body. */
        ABORTED
    }

    /** Where the outcome goes: one of the two methods, once. */
    interface Sink {

        void body(byte[] bytes);

        void failed(Failure failure);
    }

    private final ServletInputStream in;
    private final long limit;
    private final long drainLimit;
    private final Sink sink;
    private ByteArrayOutputStream body;
    private byte[] chunk;
    private long read;
    private boolean done;
    private volatile ScheduledFuture<?> deadline;

    private BodyReader(ServletInputStream in, long limit, long drainLimit, boolean keep, Sink sink) {
        this.in = in;
        this.limit = limit;
        this.drainLimit = Math.max(limit, drainLimit);
        this.sink = sink;
        this.body = keep ? new ByteArrayOutputStream() : null;
    }

    /**
     * Starts reading {@code in}, whose request must be in asynchronous mode.
     *
     * @param limit         most bytes of a body; a longer one fails with {@link Failure#TOO_LARGE}
     * @param drainLimit    how far past the limit the body is still read (and dropped) before it fails
     * @param keep          whether the bytes are wanted; if not they are counted and dropped ({@code sink} gets an
     *                      empty array)
     * @param timeoutMillis how long the whole body may take
     */
    static void read(ServletInputStream in, long limit, long drainLimit, boolean keep, long timeoutMillis,
                     ScheduledExecutorService scheduler, Sink sink) {
        var reader = new BodyReader(in, limit, drainLimit, keep, sink);
        in.setReadListener(reader);
        synchronized (reader) {
            if (reader.done) {
                return; // the container read it all already
            }
            reader.deadline = scheduler.schedule(reader::expire, timeoutMillis, TimeUnit.MILLISECONDS);
        }
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
     * answered and recycled (and then fails inside the container).
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
            while (failure == null && !whole) {
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
                return; // more to come: the container calls again
            }
            done = true;
        }
        end();
        if (failure != null) {
            sink.failed(failure);
        } else {
            sink.body(body == null ? new byte[0] : body.toByteArray());
        }
    }

    /** Counts (and keeps, within the limit) {@code n} bytes of {@link #chunk}; false past the drain limit. */
    private boolean take(int n) {
        read += n;
        if (read > drainLimit) {
            return false;
        }
        if (read > limit) {
            body = null; // past the limit nothing is kept
        } else if (body != null) {
            body.write(chunk, 0, n);
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
