package iii.engine.connection;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The upgraded connection's input as the container's WebSocket layer reads it: the bytes go through
 * {@link InboundFrames} on their way, and every read that brings bytes tells {@code heard} that the peer is alive, even
 * in the middle of a frame that takes minutes to arrive.
 *
 * <p>It can also stop the WebSocket layer's reading ({@link #pause()}), which Jakarta WebSocket has no API for: the
 * container's WebSocket layer reads while the stream {@link #isReady()}, so a paused stream yields nothing and says it
 * is not ready, without asking the container, which therefore does not call back with more data; the bytes wait in
 * the TCP connection and the peer's sends stall. {@link #resume} lets the WebSocket layer read again, from an engine
 * thread, once nothing of that reading is still running.
 */
final class GuardedInputStream extends ServletInputStream {

    private final ServletInputStream in;
    private final InboundFrames frames;
    private volatile Runnable heard = () -> { };

    private static final int RUNNING = 0;
    /** Asked to pause; the WebSocket layer still reads until it asks whether more is ready. */
    private static final int PAUSING = 1;
    /** The WebSocket layer stopped reading; only {@link #resume} starts it again. */
    private static final int PARKED = 2;
    private final AtomicInteger gate = new AtomicInteger(RUNNING);
    private volatile Runnable readMore;

    GuardedInputStream(ServletInputStream in, InboundFrames frames) {
        this.in = in;
        this.frames = frames;
    }

    /** What to tell whenever bytes arrive. */
    void onBytes(Runnable heard) {
        this.heard = heard;
    }

    /** How the WebSocket layer reads what is available again after a pause. */
    void onResume(Runnable readMore) {
        this.readMore = readMore;
    }

    /** Stops passing bytes on at the end of the current read; false where reading cannot be resumed. */
    boolean pause() {
        if (readMore == null) {
            return false;
        }
        gate.compareAndSet(RUNNING, PAUSING);
        return true;
    }

    /** Passes bytes on again; if the WebSocket layer had stopped reading, it reads again on {@code executor}. */
    void resume(Executor executor) {
        while (true) {
            int state = gate.get();
            if (state == RUNNING) {
                return;
            }
            if (gate.compareAndSet(state, RUNNING)) {
                if (state == PARKED) {
                    executor.execute(() -> {
                        if (isReady()) {
                            readMore.run();
                        }
                    });
                }
                return;
            }
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0 || gate.get() != RUNNING) {
            return 0;
        }
        if (frames.hasPending()) {
            return frames.drain(b, off, len);
        }
        if (len <= frames.held()) {
            // too little room to put the held header bytes in front of new ones (the WebSocket layer never asks
            // for so little): read into a larger array, and pass on from there
            var larger = new byte[frames.held() + 4096];
            int n = readInto(larger, 0, larger.length);
            if (n <= 0) {
                return n;
            }
            frames.passFirst(larger, n);
            return frames.drain(b, off, len);
        }
        return readInto(b, off, len);
    }

    private int readInto(byte[] b, int off, int len) throws IOException {
        int held = frames.takeHeld(b, off);
        int n = in.read(b, off + held, len - held);
        if (n < 0) {
            return -1;
        }
        if (n > 0) {
            heard.run();
        }
        return frames.process(b, off, off + held + n) - off;
    }

    @Override
    public int read() throws IOException {
        var one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
            if (n == 0 && !isReady()) {
                throw new IllegalStateException("no byte is ready to be read");
            }
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int available() throws IOException {
        return frames.hasPending() ? frames.pendingBytes() : in.available() + frames.held();
    }

    @Override
    public boolean isReady() {
        int state = gate.get();
        if (state == PARKED || state == PAUSING && gate.compareAndSet(PAUSING, PARKED)) {
            return false;
        }
        return frames.hasPending() || in.isReady();
    }

    @Override
    public boolean isFinished() {
        return !frames.hasPending() && in.isFinished();
    }

    @Override
    public void setReadListener(ReadListener listener) {
        in.setReadListener(listener);
    }

    @Override
    public void close() throws IOException {
        frames.close();
        in.close();
    }
}
