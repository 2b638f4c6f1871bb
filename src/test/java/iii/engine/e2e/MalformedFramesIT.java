package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input over a real socket (PROTOCOL.md Part A 8): every malformed frame is answered with an {@code error} frame
 * on the sender's connection, which stays open; nothing of another worker changes.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class MalformedFramesIT extends E2eSupport {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{not json",
            "[\"registerfunction\"]",
            "null",
            "{\"id\":\"x\"}",
            "{\"type\":\"registerfunctions\",\"id\":\"x\"}",
            "{\"type\":\"registerfunction\",\"id\":[]}",
            "{\"type\":\"registertrigger\",\"id\":\"t\",\"trigger_type\":\"x\"}",
            "{\"type\":\"invocationresult\",\"invocation_id\":\"not-a-uuid\",\"function_id\":\"f\"}",
            "{\"type\":\"unregisterfunction\"}",
    })
    void malformedFrameGetsAnErrorAndTheConnectionAndOthersAreUntouched(String frame) {
        var bystander = java("bystander-" + shortId());
        var function = fid("still-here");
        bystander.registerFunction(function, JavaWorker.echo());
        awaitFunctionListed(function);

        var sender = java("sender-" + shortId());
        int mark = sender.mark();
        sender.send(frame);
        var error = sender.awaitFrameFrom(mark, "error", f -> true, SHORT);
        assertEquals("invalid_message", JsonKit.str(error, "error.code"));
        assertFalse(JsonKit.str(error, "error.message").isBlank());
        assertFalse(sender.isClosed());

        var echoed = sender.call(function, JsonKit.obj("n", 1));
        assertEquals(1, echoed.getJsonObject("result").getInt("n"));
        assertFalse(bystander.isClosed());
    }

    @Test
    void binaryGarbageGetsAnErrorAndTelemetryFramesNoAnswer() {
        var sender = java("binary-" + shortId());
        int mark = sender.mark();
        sender.sendBinary(new byte[]{(byte) 0xc3, 0x28, 0, 1, 2, 3});
        assertEquals("invalid_message", JsonKit.str(sender.awaitFrameFrom(mark, "error", f -> true, SHORT),
                "error.code"));
        mark = sender.mark();
        sender.sendBinary("OTLP{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8));
        sender.sendBinary("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
        sender.awaitFrameFrom(mark, "pong", f -> true, SHORT);
        assertTrue(sender.frames(f -> "error".equals(JsonKit.str(f, "type"))).size() == 1,
                "the telemetry frame got no answer");
        assertFalse(sender.isClosed());
    }

    @Test
    void invalidCallWithAnIdIsAnsweredAsItsResult() {
        var sender = java("caller-" + shortId());
        var id = UUID.randomUUID().toString();
        sender.send("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":{\"x\":1}}");
        JsonObject result = sender.awaitResult(id, SHORT);
        assertEquals("invalid_message", JsonKit.str(result, "error.code"));
    }

    @Test
    void telemetrySocketAcceptsFramesSilentlyAndIsNoWorker() {
        var otel = closeLater(JavaWorker.connect(URI.create(ws() + "otel"), "otel-" + shortId()));
        otel.sendBinary("OTLP{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8));
        otel.send("{\"type\":\"ping\"}");
        otel.sendBinary("MTRC{}".getBytes(StandardCharsets.UTF_8));
        var probe = java("probe-" + shortId());
        probe.call(fid("nothing"), JsonKit.obj());
        assertTrue(otel.frames(f -> true).isEmpty(), "nothing is sent on /otel");
        assertFalse(otel.isClosed());
        assertTrue(observer().listWorkers().stream().allMatch(row -> JsonKit.str(row, "name") != null),
                "the telemetry socket is not listed as a (nameless) worker");
    }
}
