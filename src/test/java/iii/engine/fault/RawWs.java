package iii.engine.fault;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * A WebSocket client that does what a well-behaved one would not: any opcode and any payload bytes (invalid UTF-8
 * in a text frame, reserved opcodes), frames of tens of MiB streamed from a generator without holding them, writes
 * throttled to a rate, and no reading at all until told to. One thread uses it at a time; nothing reads in the
 * background, so pings wait unanswered in the socket until {@link #awaitText} runs.
 */
final class RawWs implements AutoCloseable {

    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CLOSE = 8;
    static final int PING = 9;
    static final int PONG = 10;

    /** A frame from the server. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, or -1. */
        int closeCode() {
            return opcode == CLOSE && payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : -1;
        }

        /** A close frame's code and reason, e.g. {@code 1000 'no answer to pings'}. */
        String closeReason() {
            return closeCode() + (payload.length > 2
                    ? " '" + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) + "'" : "");
        }
    }

    /** The bytes of a frame's payload, made as they are sent. */
    interface Payload {
        long length();

        /** Fills {@code buffer[0, n)} with the bytes at {@code offset}. */
        void fill(long offset, byte[] buffer, int n);
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWs(Socket socket, InputStream in) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code ws://127.0.0.1:port/}; {@code receiveBuffer} (bytes, 0: the default) is set first. */
    static RawWs connect(int port, int receiveBuffer) throws IOException {
        return connect(port, receiveBuffer, "");
    }

    /** As {@link #connect(int, int)}, with {@code headers} (each line ending in CRLF) added to the upgrade request. */
    static RawWs connect(int port, int receiveBuffer, String headers) throws IOException {
        var socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(15_000);
            var key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                    + "\r\nSec-WebSocket-Version: 13\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
            var in = new BufferedInputStream(socket.getInputStream(), 65536);
            var head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new EOFException("connection closed during the handshake: " + head);
                }
                head.append((char) c);
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                throw new IOException("handshake refused: " + head.toString().lines().findFirst().orElse(""));
            }
            return new RawWs(socket, in);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    int localPort() {
        return socket.getLocalPort();
    }

    void send(int opcode, byte[] payload) throws IOException {
        send(opcode, new Payload() {
            @Override
            public long length() {
                return payload.length;
            }

            @Override
            public void fill(long offset, byte[] buffer, int n) {
                System.arraycopy(payload, (int) offset, buffer, 0, n);
            }
        }, 0);
    }

    void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends one frame whose payload is made by {@code payload} in chunks; {@code bytesPerSecond} above 0 paces the
     * writes to that rate.
     */
    void send(int opcode, Payload payload, long bytesPerSecond) throws IOException {
        long len = payload.length();
        var header = new byte[14];
        int h = 0;
        header[h++] = (byte) (0x80 | opcode);
        if (len < 126) {
            header[h++] = (byte) (0x80 | len);
        } else if (len < 65536) {
            header[h++] = (byte) (0x80 | 126);
            header[h++] = (byte) (len >>> 8);
            header[h++] = (byte) len;
        } else {
            header[h++] = (byte) (0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                header[h++] = (byte) (len >>> shift);
            }
        }
        var mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        System.arraycopy(mask, 0, header, h, 4);
        h += 4;
        int chunk = bytesPerSecond > 0 ? (int) Math.max(1024, Math.min(65536, bytesPerSecond / 8)) : 1 << 20;
        var buffer = new byte[(int) Math.min(chunk, Math.max(len, 1))];
        long started = System.nanoTime();
        synchronized (out) {
            out.write(header, 0, h);
            for (long offset = 0; offset < len; ) {
                int n = (int) Math.min(buffer.length, len - offset);
                payload.fill(offset, buffer, n);
                int phase = (int) (offset & 3);
                for (int i = 0; i < n; i++) {
                    buffer[i] ^= mask[(phase + i) & 3];
                }
                out.write(buffer, 0, n);
                offset += n;
                if (bytesPerSecond > 0) {
                    long due = started + offset * 1_000_000_000L / bytesPerSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        sleep(wait);
                    }
                }
            }
            out.flush();
        }
    }

    /**
     * Reads frames until a text frame that {@code match} accepts, answering pings; null when {@code millis} pass
     * first. Throws {@link EOFException} when the server closes (a close frame or the socket).
     */
    String awaitText(Predicate<String> match, long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            var frame = read(left);
            if (frame == null) {
                return null;
            }
            if (frame.opcode() == CLOSE) {
                throw new EOFException("closed by the server with " + frame.closeReason());
            }
            if (frame.opcode() == PING) {
                send(PONG, frame.payload());
            } else if (frame.opcode() == TEXT && match.test(frame.text())) {
                return frame.text();
            }
        }
    }

    /** The next frame, or null after {@code millis}; {@link EOFException} when the socket ends. */
    Frame read(long millis) throws IOException {
        socket.setSoTimeout((int) Math.max(1, millis));
        try {
            int b0 = readByte();
            int b1 = readByte();
            long len = b1 & 0x7F;
            if (len == 126) {
                len = readByte() << 8 | readByte();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = len << 8 | readByte();
                }
            }
            if (len > 256L << 20) {
                throw new IOException("frame of " + len + " bytes from the server");
            }
            var payload = in.readNBytes((int) len);
            if (payload.length < len) {
                throw new EOFException();
            }
            return new Frame(b0 & 0x0F, payload);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** After a failed send: the server's close frame (code and reason), if one arrives within {@code millis}. */
    String closeReason(long millis) {
        try {
            long deadline = System.nanoTime() + millis * 1_000_000L;
            var frame = read(millis);
            while (frame != null && frame.opcode() != CLOSE && System.nanoTime() < deadline) {
                frame = read(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
            }
            return frame == null || frame.opcode() != CLOSE ? "no close frame" : "closed with "
                    + frame.closeReason();
        } catch (IOException e) {
            return "no close frame (" + e.getMessage() + ")";
        }
    }

    /**
     * Reads and discards whatever arrives until the server ends the connection (true) or nothing more arrives for
     * {@code quietMillis} (false). A reset counts as the end.
     */
    boolean drainUntilEnd(long quietMillis, long maxMillis) throws IOException {
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        var buffer = new byte[65536];
        socket.setSoTimeout((int) quietMillis);
        try {
            while (System.nanoTime() < deadline) {
                if (in.read(buffer) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    /** Sends a close frame and closes the socket. */
    @Override
    public void close() {
        try {
            send(CLOSE, new byte[] {0x03, (byte) 0xE8});
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
        abort();
    }

    void abort() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private static void sleep(long nanos) throws IOException {
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
