package iii.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A WebSocket client that sends each message as exactly one frame. */
public final class RawWebSocket implements AutoCloseable {

    public record Frame(int opcode, byte[] payload) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawWebSocket open(URI uri) throws IOException {
        return open(uri, 0);
    }

    /** Opens a connection whose receive buffer is {@code receiveBuffer} bytes (0: the system's default). */
    public static RawWebSocket open(URI uri, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
        socket.setSoTimeout(60_000);
        RawWebSocket ws = new RawWebSocket(socket);
        String key = Base64.getEncoder().encodeToString("iii-smoke-test-k".getBytes(StandardCharsets.US_ASCII));
        ws.out.write(("GET / HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) ws.in.readUnsignedByte());
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
        return ws;
    }

    public void sendText(String text) throws IOException {
        send(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    /** One final frame, masked with a zero key (legal, and the payload goes out as it is). */
    public void send(int opcode, byte[] payload) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(14);
        header.put((byte) (0x80 | opcode));
        if (payload.length < 126) {
            header.put((byte) (0x80 | payload.length));
        } else if (payload.length < 65536) {
            header.put((byte) (0x80 | 126)).putShort((short) payload.length);
        } else {
            header.put((byte) (0x80 | 127)).putLong(payload.length);
        }
        header.putInt(0);
        out.write(header.array(), 0, header.position());
        out.write(payload);
        out.flush();
    }

    /** The next frame from the engine; its heartbeat pings are answered and skipped. */
    public Frame read() throws IOException {
        Frame frame = readAny();
        while (frame.opcode() == 0x9) {
            send(0xA, frame.payload());
            frame = readAny();
        }
        return frame;
    }

    private Frame readAny() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    public String readText() throws IOException {
        Frame frame = read();
        assertEquals(0x1, frame.opcode(), () -> "expected a text frame, got opcode " + frame.opcode() + ": "
                + new String(frame.payload(), StandardCharsets.UTF_8));
        return new String(frame.payload(), StandardCharsets.UTF_8);
    }

    /** One final frame whose bytes go out {@code chunk} at a time, {@code pause} apart. */
    public void sendSlowly(int opcode, byte[] payload, int chunk, Duration pause)
            throws IOException, InterruptedException {
        var frame = new ByteArrayOutputStream();
        var saved = out;
        out = frame;
        send(opcode, payload);
        out = saved;
        byte[] bytes = frame.toByteArray();
        for (int at = 0; at < bytes.length; at += chunk) {
            out.write(bytes, at, Math.min(chunk, bytes.length - at));
            out.flush();
            Thread.sleep(pause.toMillis());
        }
    }

    /** The local port of this connection, as the engine sees it from its side. */
    public int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
