package iii.engine.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The benchmark's one WebSocket client, for the engine and the echo floor alike: RFC 6455 over a plain blocking
 * socket, one reader thread per connection that hands each whole text message to a {@link Conn.Listener} on that
 * thread,
 * and sends written with one {@code write} per frame (or per batch of frames) under a lock. No executor hand-offs and
 * no futures, so that the client adds as little as possible to both sides of a ratio. Masks every frame with a fresh
 * random key, as a client must.
 */
public final class WsClient implements Conn {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int OP_CONT = 0;
    private static final int OP_TEXT = 1;
    private static final int OP_BINARY = 2;
    private static final int OP_CLOSE = 8;
    private static final int OP_PING = 9;
    private static final int OP_PONG = 10;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Listener listener;
    private final Object writeLock = new Object();
    private byte[] writeBuffer = new byte[8192];
    private volatile boolean closing;
    private final Thread reader;

    private WsClient(Socket socket, InputStream in, Listener listener, String name) {
        this.socket = socket;
        this.in = in;
        this.listener = listener;
        try {
            this.out = socket.getOutputStream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.reader = new Thread(null, this::readLoop, name, 256 * 1024);
        this.reader.setDaemon(true);
    }

    /** Opens {@code ws://host:port/path}, completes the handshake and starts reading. */
    public static WsClient connect(String host, int port, String path, Listener listener, String name) throws IOException {
        var socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(15_000);
            var key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            var keyText = Base64.getEncoder().encodeToString(key);
            var request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + keyText + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            var in = new BufferedInputStream(socket.getInputStream(), 65536);
            var head = readHead(in);
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("handshake refused: " + head.lines().findFirst().orElse(head));
            }
            var expected = accept(keyText);
            if (head.lines().noneMatch(l -> l.toLowerCase().startsWith("sec-websocket-accept:")
                    && l.substring(l.indexOf(':') + 1).trim().equals(expected))) {
                throw new IOException("handshake without the right Sec-WebSocket-Accept: " + head);
            }
            socket.setSoTimeout(0);
            var client = new WsClient(socket, in, listener, name);
            client.reader.start();
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends one text message as one frame. */
    @Override
    public void send(String text) throws IOException {
        var payload = text.getBytes(StandardCharsets.UTF_8);
        synchronized (writeLock) {
            int n = frame(payload, OP_TEXT, 0);
            out.write(writeBuffer, 0, n);
        }
    }

    /** Sends several text messages, one frame each, in one write. */
    void sendAll(List<String> texts) throws IOException {
        synchronized (writeLock) {
            int n = 0;
            for (var text : texts) {
                n = frame(text.getBytes(StandardCharsets.UTF_8), OP_TEXT, n);
            }
            out.write(writeBuffer, 0, n);
        }
    }

    /** Sends a close frame (1000) and closes the socket without waiting for the server's close frame. */
    @Override
    public void close() {
        closing = true;
        try {
            synchronized (writeLock) {
                int n = frame(new byte[] {0x03, (byte) 0xE8}, OP_CLOSE, 0);
                out.write(writeBuffer, 0, n);
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
        abort();
    }

    /** Closes the socket at once. */
    public void abort() {
        closing = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    public boolean isOpen() {
        return !socket.isClosed() && reader.isAlive();
    }

    /** Writes one masked frame into {@link #writeBuffer} at {@code at}; returns the new end. */
    private int frame(byte[] payload, int opcode, int at) {
        int len = payload.length;
        int headerLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
        int end = at + headerLen + 4 + len;
        if (end > writeBuffer.length) {
            var grown = new byte[Math.max(end, writeBuffer.length * 2)];
            System.arraycopy(writeBuffer, 0, grown, 0, at);
            writeBuffer = grown;
        }
        var b = writeBuffer;
        int p = at;
        b[p++] = (byte) (0x80 | opcode);
        if (len < 126) {
            b[p++] = (byte) (0x80 | len);
        } else if (len < 65536) {
            b[p++] = (byte) (0x80 | 126);
            b[p++] = (byte) (len >>> 8);
            b[p++] = (byte) len;
        } else {
            b[p++] = (byte) (0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                b[p++] = (byte) ((long) len >>> shift);
            }
        }
        int mask = ThreadLocalRandom.current().nextInt();
        byte m0 = (byte) (mask >>> 24);
        byte m1 = (byte) (mask >>> 16);
        byte m2 = (byte) (mask >>> 8);
        byte m3 = (byte) mask;
        b[p++] = m0;
        b[p++] = m1;
        b[p++] = m2;
        b[p++] = m3;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            b[p++] = (byte) (payload[i] ^ m0);
            b[p++] = (byte) (payload[i + 1] ^ m1);
            b[p++] = (byte) (payload[i + 2] ^ m2);
            b[p++] = (byte) (payload[i + 3] ^ m3);
        }
        for (; i < len; i++) {
            b[p++] = (byte) (payload[i] ^ (i % 4 == 0 ? m0 : i % 4 == 1 ? m1 : i % 4 == 2 ? m2 : m3));
        }
        return p;
    }

    private void readLoop() {
        Throwable error = null;
        byte[] message = new byte[8192];
        int messageLen = 0;
        int messageOp = -1;
        try {
            while (true) {
                int b0 = read();
                int b1 = read();
                boolean fin = (b0 & 0x80) != 0;
                int op = b0 & 0x0F;
                long len = b1 & 0x7F;
                if (len == 126) {
                    len = (read() << 8) | read();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | read();
                    }
                }
                if ((b1 & 0x80) != 0) {
                    throw new IOException("masked frame from the server");
                }
                if (len > Integer.MAX_VALUE - 16) {
                    throw new IOException("frame too large: " + len);
                }
                if (op >= 8) {
                    var control = in.readNBytes((int) len);
                    if (control.length < len) {
                        throw new EOFException();
                    }
                    if (op == OP_CLOSE) {
                        if (!closing) {
                            closing = true;
                            synchronized (writeLock) {
                                int n = frame(control.length >= 2 ? new byte[] {control[0], control[1]} : new byte[0],
                                        OP_CLOSE, 0);
                                out.write(writeBuffer, 0, n);
                            }
                        }
                        return;
                    }
                    if (op == OP_PING) {
                        synchronized (writeLock) {
                            int n = frame(control, OP_PONG, 0);
                            out.write(writeBuffer, 0, n);
                        }
                    }
                    continue;
                }
                if (op != OP_CONT) {
                    messageOp = op;
                    messageLen = 0;
                }
                int need = messageLen + (int) len;
                if (need > message.length) {
                    var grown = new byte[Math.max(need, message.length * 2)];
                    System.arraycopy(message, 0, grown, 0, messageLen);
                    message = grown;
                }
                if (in.readNBytes(message, messageLen, (int) len) < len) {
                    throw new EOFException();
                }
                messageLen = need;
                if (fin) {
                    if (messageOp == OP_TEXT) {
                        listener.onText(this, new String(message, 0, messageLen, StandardCharsets.UTF_8));
                    } else if (messageOp != OP_BINARY) {
                        throw new IOException("unexpected opcode " + messageOp);
                    }
                    if (message.length > 1 << 20) {
                        message = new byte[8192];
                    }
                    messageLen = 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                error = e;
            }
        } finally {
            abort();
            listener.onClosed(this, error);
        }
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    private static String readHead(InputStream in) throws IOException {
        var head = new StringBuilder();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed during the handshake: " + head);
            }
            head.append((char) c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                    ? state + 1 : c == '\r' ? 1 : 0;
        }
        return head.toString();
    }

    private static String accept(String key) {
        try {
            var sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(
                    sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
