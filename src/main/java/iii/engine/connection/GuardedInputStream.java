package iii.engine.connection;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.IOException;

/**
 * The upgraded connection's input as the container's WebSocket layer reads it: the bytes go through
 * {@link InboundFrames} on their way, and every read that brings bytes tells {@code heard} that the peer is alive, even
 * in the middle of a frame that takes minutes to arrive.
 */
final class GuardedInputStream extends ServletInputStream {

    private final ServletInputStream in;
    private final InboundFrames frames;
    private volatile Runnable heard = () -> { };

    GuardedInputStream(ServletInputStream in, InboundFrames frames) {
        this.in = in;
        this.frames = frames;
    }

    /** What to tell whenever bytes arrive. */
    void onBytes(Runnable heard) {
        this.heard = heard;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
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
