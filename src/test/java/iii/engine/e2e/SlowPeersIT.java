package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import iii.engine.it.ArquillianEngine;
import iii.engine.it.RawWebSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Peers that are slow or stop: a frame that takes longer than the heartbeat to arrive keeps its sender alive while
 * its bytes come, and a worker that stops reading is not only unlisted but its socket closed, even though the engine
 * has megabytes queued for it. Frames are written by hand on a plain socket, so that their pace is the test's.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SlowPeersIT extends E2eSupport {

    static final int HEARTBEAT_MS = 500;
    static final int SEND_QUEUE_LIMIT = 1 << 20;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment(Map.of("iii.heartbeat-ms", Integer.toString(HEARTBEAT_MS),
                "iii.send-queue-limit", Integer.toString(SEND_QUEUE_LIMIT)));
    }

    @Test
    void a_frame_arriving_slower_than_the_heartbeat_keeps_its_sender_alive() throws Exception {
        try (var ws = RawWebSocket.open(ws())) {
            ws.readText(); // workerregistered
            String id = UUID.randomUUID().toString();
            byte[] frame = invocation(id, "slow::nowhere", 300_000);
            // 20 pieces 250 ms apart: about 5 s, ten heartbeats, with no whole frame in between
            ws.sendSlowly(0x1, frame, frame.length / 20 + 1, Duration.ofMillis(250));
            String answer = ws.readText();
            assertTrue(answer.contains(id) && answer.contains("function_not_found"), answer);
        }
    }

    @Test
    void a_worker_that_stops_reading_is_unlisted_and_its_socket_closed() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp6")), "reads socket states from /proc/net");
        String fn = fid("stalled");
        JavaWorker caller = java("caller-" + shortId());
        var stalled = closeLater(RawWebSocket.open(ws(), 4096));
        stalled.readText(); // workerregistered; from here on it reads nothing, not even the heartbeat's pings
        stalled.sendText("{\"type\":\"registerfunction\",\"id\":\"" + fn + "\"}");
        // calls it never reads, more than the engine queues for it, from a worker that is fine
        for (int i = 0; i < 16; i++) {
            caller.send(new String(invocation(UUID.randomUUID().toString(), fn, SEND_QUEUE_LIMIT / 2),
                    StandardCharsets.US_ASCII));
        }
        awaitFunctionGone(fn);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (established(ws().getPort(), stalled.localPort()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertFalse(established(ws().getPort(), stalled.localPort()),
                "the engine's side of the stalled worker's socket is still ESTABLISHED");
        assertFalse(caller.isClosed(), "the caller's connection is untouched");
        assertTrue(caller.call("engine::functions::list", JsonKit.obj()).containsKey("result"),
                "and it is answered");
    }

    private static byte[] invocation(String id, String function, int size) {
        var head = ("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":\"" + function
                + "\",\"data\":\"").getBytes(StandardCharsets.US_ASCII);
        var frame = new byte[size];
        Arrays.fill(frame, (byte) 'x');
        System.arraycopy(head, 0, frame, 0, head.length);
        frame[size - 2] = '"';
        frame[size - 1] = '}';
        return frame;
    }

    /** Whether the engine's end (local port {@code server}) of the connection to {@code client} is ESTABLISHED. */
    private static boolean established(int server, int client) throws IOException {
        String local = String.format(Locale.ROOT, ":%04X ", server);
        String remote = String.format(Locale.ROOT, ":%04X ", client);
        for (var table : new String[]{"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (var line : Files.readAllLines(Path.of(table))) {
                var fields = line.trim().split("\\s+");
                if (fields.length > 3 && (fields[1] + " ").endsWith(local) && (fields[2] + " ").endsWith(remote)
                        && fields[3].equals("01")) {
                    return true;
                }
            }
        }
        return false;
    }
}
