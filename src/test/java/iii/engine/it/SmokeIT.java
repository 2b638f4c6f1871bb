package iii.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The container set-up, not the engine's behaviour: the built WAR at "/", both listeners on loopback, WebSocket
 * pings, configuration overrides of {@link ArquillianEngine#deployment(Map)} and Tyrus' frame buffer (web.xml).
 *
 * <p>Frames here are written by hand on a plain socket: the JDK's WebSocket client splits a long text message into
 * 16 KiB frames, which would never reach Tyrus' whole-frame buffer.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SmokeIT {

    private static final int SMALL_LIMIT = 1024;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment(Map.of("iii.max-frame-bytes", Integer.toString(SMALL_LIMIT)));
    }

    @ArquillianResource
    URL base;

    @Test
    void a_worker_at_the_root_gets_workerregistered_first_and_its_pings_are_answered() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(ArquillianEngine.workerUri(base))) {
            assertTrue(ws.readText().contains("\"type\":\"workerregistered\""));
            ws.send(0x9, "hello".getBytes(StandardCharsets.US_ASCII));
            RawWebSocket.Frame pong = ws.read();
            assertEquals(0xA, pong.opcode());
            assertEquals("hello", new String(pong.payload(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void a_configuration_override_of_the_test_reaches_the_engine() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(ArquillianEngine.workerUri(base))) {
            ws.readText(); // workerregistered
            ws.sendText("{\"type\":\"registerservice\",\"id\":\"s\",\"name\":\"" + "x".repeat(2 * SMALL_LIMIT) + "\"}");
            String reply = ws.readText();
            assertTrue(reply.contains("payload_too_large") && reply.contains("limit of " + SMALL_LIMIT), reply);
        }
    }

    @Test
    void one_40_mib_frame_passes_tyrus_and_gets_the_engines_own_answer() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(ArquillianEngine.workerUri(base))) {
            ws.readText(); // workerregistered
            byte[] big = new byte[40 << 20];
            Arrays.fill(big, (byte) 'x');
            ws.send(0x1, big);
            String reply = ws.readText();
            assertTrue(reply.contains("payload_too_large"), reply);
            ws.send(0x9, new byte[0]);
            assertEquals(0xA, ws.read().opcode(), "the connection survives");
        }
    }

    @Test
    void a_frame_over_64_mib_is_refused_by_tyrus() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(ArquillianEngine.workerUri(base))) {
            ws.readText(); // workerregistered
            byte[] huge = new byte[(64 << 20) + 1024];
            Arrays.fill(huge, (byte) 'x');
            try {
                ws.send(0x1, huge);
            } catch (IOException closedWhileSending) {
                return;
            }
            RawWebSocket.Frame close = ws.read();
            assertEquals(0x8, close.opcode());
        }
    }

    @Test
    void both_listeners_serve_the_application() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (URI uri : new URI[] {ArquillianEngine.httpUri(base), ArquillianEngine.httpTriggerUri()}) {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), uri + ": " + health.body());
        }
    }

    /** A WebSocket client that sends each message as exactly one frame. */
    private static final class RawWebSocket implements AutoCloseable {

        record Frame(int opcode, byte[] payload) {
        }

        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        private RawWebSocket(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        static RawWebSocket open(URI uri) throws IOException {
            Socket socket = new Socket(uri.getHost(), uri.getPort());
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

        void sendText(String text) throws IOException {
            send(0x1, text.getBytes(StandardCharsets.UTF_8));
        }

        /** One final frame, masked with a zero key (legal, and the payload goes out as it is). */
        void send(int opcode, byte[] payload) throws IOException {
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
        Frame read() throws IOException {
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

        String readText() throws IOException {
            Frame frame = read();
            assertEquals(0x1, frame.opcode(), () -> "expected a text frame, got opcode " + frame.opcode() + ": "
                    + new String(frame.payload(), StandardCharsets.UTF_8));
            return new String(frame.payload(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
