package iii.engine.core;

import iii.engine.config.EngineConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Part A 8: a bad frame gets a clear error, changes nothing, and the connection stays open. */
class BadInputTest {

    private final TestEngine engine = new TestEngine(new EngineConfig(4096, 600_000, 10, 1 << 20, 0, 1L << 26));

    @AfterEach
    void close() {
        engine.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{not json",
            "[1,2,3]",
            "\"registerfunction\"",
            "42",
            "{}",
            "{\"type\":7}",
            "{\"type\":\"nonsense\"}",
            "{\"type\":\"registerfunction\"}",
            "{\"type\":\"registerfunction\",\"id\":5}",
            "{\"type\":\"registerfunction\",\"id\":\"\"}",
            "{\"type\":\"registertrigger\",\"id\":\"t\",\"function_id\":\"f\"}",
            "{\"type\":\"invocationresult\",\"invocation_id\":\"nope\",\"function_id\":\"f\"}",
            "{\"type\":\"invokefunction\",\"invocation_id\":\"123\",\"function_id\":\"f\"}",
            "{\"type\":\"registerfunction\",\"id\":\"f\"} trailing",
            "{\"type\":\"registerfunction\",\"id\":\"f\",\"metadata\":[1]}",
    })
    void badFrameIsAnsweredWithInvalidMessageAndChangesNothing(String frame) {
        var bystander = engine.connect().register("bystander::f");
        var sender = engine.connect();
        var before = engine.functions.all().size();
        sender.say(frame);
        var error = sender.await("error");
        assertEquals("invalid_message", error.getJsonObject("error").getString("code"));
        assertFalse(error.getJsonObject("error").getString("message").isBlank());
        assertEquals(before, engine.functions.all().size());
        assertFalse(sender.closed);
        assertFalse(bystander.closed);
        assertTrue(bystander.inbox.stream().noneMatch(f -> f.getString("type").equals("error")));

        sender.register("still::works");
        assertEquals(sender.worker, engine.functions.get("still::works").owner());
    }

    @Test
    void invalidCallWithAnIdIsAnsweredAsItsResult() {
        var sender = engine.connect();
        var id = UUID.randomUUID().toString();
        sender.say("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":7}");
        var result = sender.await("invocationresult");
        assertEquals(id, result.getString("invocation_id"));
        assertEquals("invalid_message", result.getJsonObject("error").getString("code"));
    }

    @Test
    void brokenAnswerReachesTheWaitingCallerAsAnError() {
        var callee = engine.connect().register("f");
        var caller = engine.connect();
        var id = UUID.randomUUID().toString();
        caller.say("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":\"f\",\"data\":1}");
        callee.await("invokefunction");
        callee.say("{\"type\":\"invocationresult\",\"invocation_id\":\"" + id + "\",\"function_id\":\"f\","
                + "\"error\":\"not an object\"}");
        assertEquals("invalid_message", caller.await("invocationresult").getJsonObject("error").getString("code"));
        assertEquals(0, engine.invoker.pendingCount());
    }

    @Test
    void oversizeCallAnswersTheCallerWithPayloadTooLarge() {
        var callee = engine.connect().register("f");
        var caller = engine.connect();
        var id = UUID.randomUUID().toString();
        var frame = "{\"type\":\"invokefunction\",\"function_id\":\"f\",\"data\":\"" + "x".repeat(5000)
                + "\",\"invocation_id\":\"" + id + "\"}";
        engine.dispatcher.onRefused(caller.worker, frame, "frame of " + frame.length() + " bytes over the limit");
        var result = caller.await("invocationresult");
        assertEquals(id, result.getString("invocation_id"));
        assertEquals("payload_too_large", result.getJsonObject("error").getString("code"));
        assertTrue(callee.received("invokefunction").isEmpty());
    }

    @Test
    void oversizeAnswerReachesTheCallerAsPayloadTooLarge() {
        var callee = engine.connect().register("f");
        var caller = engine.connect();
        var id = UUID.randomUUID().toString();
        caller.say("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":\"f\",\"data\":1}");
        callee.await("invokefunction");
        var answer = "{\"type\":\"invocationresult\",\"invocation_id\":\"" + id + "\",\"function_id\":\"f\","
                + "\"result\":\"" + "y".repeat(5000) + "\"}";
        engine.dispatcher.onRefused(callee.worker, answer, "frame of " + answer.length() + " bytes over the limit");
        assertEquals("payload_too_large", caller.await("invocationresult").getJsonObject("error").getString("code"));
    }

    @Test
    void telemetryFramesAreAcceptedSilentlyAndHideATelemetryOnlySocketFromListings() {
        var ghost = engine.connect();
        engine.dispatcher.onBinary(ghost.worker, ByteBuffer.wrap("OTLP{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8)));
        engine.dispatcher.onBinary(ghost.worker, ByteBuffer.wrap("MTRC{}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(ghost.inbox.stream().allMatch(f -> f.getString("type").equals("workerregistered")));
        assertTrue(ghost.worker.isTelemetryOnly());
        var caller = engine.connect();
        caller.say("{\"type\":\"invokefunction\",\"invocation_id\":\"" + UUID.randomUUID()
                + "\",\"function_id\":\"engine::workers::list\",\"data\":{}}");
        var ids = caller.await("invocationresult").getJsonObject("result").getJsonArray("workers").stream()
                .map(row -> row.asJsonObject().getString("id")).toList();
        assertFalse(ids.contains(ghost.id()));
        assertTrue(ids.contains(caller.id()));
    }

    @Test
    void binaryGarbageIsRefusedAndBinaryJsonIsAProtocolMessage() {
        var sender = engine.connect();
        engine.dispatcher.onBinary(sender.worker, ByteBuffer.wrap(new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1, 2}));
        assertEquals("invalid_message", sender.await("error").getJsonObject("error").getString("code"));
        engine.dispatcher.onBinary(sender.worker, ByteBuffer.wrap(
                "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8)));
        sender.await("pong");
    }

    @Test
    void blankFramesAreSkippedAndPingIsAnsweredWithPong() {
        var sender = engine.connect();
        sender.say("   ").say("{\"type\":\"ping\"}").say("{\"type\":\"pong\"}");
        sender.await("pong");
        assertTrue(sender.received("error").isEmpty());
    }

    @Test
    void missingDataDescriptionConfigAndNameTakeDefaults() {
        var provider = engine.connect().say("{\"type\":\"registertriggertype\",\"id\":\"t\"}");
        engine.connect().say("{\"type\":\"registertrigger\",\"id\":\"i\",\"trigger_type\":\"t\",\"function_id\":\"f\"}");
        assertTrue(provider.await("registertrigger").isNull("config"));
        var callee = engine.connect().register("f");
        engine.connect().say("{\"type\":\"invokefunction\",\"function_id\":\"f\"}");
        assertTrue(callee.await("invokefunction").isNull("data"));
        engine.connect().say("{\"type\":\"registerservice\",\"id\":\"svc\"}");
        assertEquals("svc", engine.services.all().iterator().next().name());
    }
}
