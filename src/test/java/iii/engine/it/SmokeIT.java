package iii.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The container set-up, not the engine's behaviour: the built WAR at "/", both listeners on loopback, WebSocket
 * pings, configuration overrides of {@link ArquillianEngine#deployment(Map)}, and frames larger than Tyrus would
 * buffer (the engine reads them first).
 *
 * <p>Frames here are written by hand on a plain socket: the JDK's WebSocket client splits a long text message into
 * 16 KiB frames.
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
    void a_frame_over_64_mib_is_read_and_answered_and_the_connection_survives() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(ArquillianEngine.workerUri(base))) {
            ws.readText(); // workerregistered
            String id = UUID.randomUUID().toString();
            byte[] head = ("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id
                    + "\",\"function_id\":\"nowhere\",\"data\":\"").getBytes(StandardCharsets.US_ASCII);
            byte[] huge = new byte[(80 << 20)];
            Arrays.fill(huge, (byte) 'x');
            System.arraycopy(head, 0, huge, 0, head.length);
            ws.send(0x1, huge);
            String reply = ws.readText();
            assertTrue(reply.contains("payload_too_large") && reply.contains(id)
                    && reply.contains("frame of " + huge.length + " bytes"), reply);
            ws.send(0x9, new byte[0]);
            assertEquals(0xA, ws.read().opcode(), "the connection survives");
        }
    }

    @Test
    void an_oversized_json_frame_sent_as_binary_is_answered_for_its_invocation() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(ArquillianEngine.workerUri(base))) {
            ws.readText(); // workerregistered
            String id = UUID.randomUUID().toString();
            ws.send(0x2, ("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id
                    + "\",\"function_id\":\"nowhere\",\"data\":\"" + "x".repeat(2 * SMALL_LIMIT) + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
            String reply = ws.readText();
            assertTrue(reply.contains("payload_too_large") && reply.contains(id), reply);
        }
    }

    @Test
    void both_listeners_serve_the_application_and_health_is_on_the_worker_listener_only() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(ArquillianEngine.httpUri(base)
                .resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        HttpResponse<String> route = http.send(HttpRequest.newBuilder(ArquillianEngine.httpTriggerUri()
                .resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, route.statusCode(), "no route registered at /health: " + route.body());
        assertTrue(route.body().contains("NOT_FOUND"), route.body());
    }
}
