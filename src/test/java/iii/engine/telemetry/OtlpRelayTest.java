package iii.engine.telemetry;

import iii.engine.config.EngineExecutors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OtlpRelayTest {

    private final OtlpReceiver receiver = OtlpReceiver.start();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final EngineExecutors executors = new EngineExecutors(executor, scheduler);

    @AfterEach
    void close() {
        receiver.close();
        executor.shutdownNow();
        scheduler.shutdownNow();
    }

    private OtlpRelay relay(int buffer) {
        return new OtlpRelay(new TelemetryConfig(true, receiver.endpoint() + "/", true, buffer, 2000), executors);
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void documentsReachTheCollectorAsOtlpJsonOnTheirSignalPath() {
        var relay = relay(10);

        relay.offer(OtlpRelay.TRACES, json("{\"resourceSpans\":[]}"));
        relay.offer(OtlpRelay.LOGS, json("{\"resourceLogs\":[]}"));

        var traces = receiver.await(e -> e.path().equals("/v1/traces"), Duration.ofSeconds(5), "traces");
        assertTrue(traces.isJson());
        assertEquals("{\"resourceSpans\":[]}", traces.text());
        receiver.await(e -> e.path().equals("/v1/logs"), Duration.ofSeconds(5), "logs");
    }

    @Test
    void whileTheCollectorIsAwayTheBufferIsBoundedAndTheRestIsDeliveredWhenItReturns() throws InterruptedException {
        var relay = relay(3);
        receiver.away(true);

        for (int i = 0; i < 10; i++) {
            relay.offer(OtlpRelay.METRICS, json("{\"n\":" + i + "}"));
        }
        Thread.sleep(300);
        assertEquals(7, relay.dropped(), "three wait, the other seven are dropped and counted");
        assertEquals(0, receiver.exports().size());

        receiver.away(false);

        receiver.await(e -> e.text().equals("{\"n\":2}"), Duration.ofSeconds(10), "the last buffered export");
        assertEquals(3, receiver.exports().size());
        assertEquals("{\"n\":0}", receiver.exports().get(0).text(), "in order");
        var deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (relay.sent() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(3, relay.sent());
        assertEquals(0, relay.queued());
    }

    @Test
    void offeringNeverWaitsForTheCollector() {
        var relay = relay(1000);
        receiver.away(true);

        var started = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            relay.offer(OtlpRelay.TRACES, json("{}"));
        }
        var elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(elapsed.toMillis() < 500, "1000 offers took " + elapsed);
    }

    @Test
    void nothingIsSentWhenTheRelayIsOff() {
        var relay = new OtlpRelay(new TelemetryConfig(false, receiver.endpoint(), false, 10, 2000), executors);

        assertFalse(relay.offer(OtlpRelay.TRACES, json("{}")));
        assertEquals(0, relay.queued());
    }
}
