package iii.engine.protocol;

import iii.engine.protocol.Message.InvocationResult;
import iii.engine.protocol.Message.InvokeFunction;
import iii.engine.protocol.Message.Ping;
import iii.engine.protocol.Message.Pong;
import iii.engine.protocol.Message.Reattach;
import iii.engine.protocol.Message.RegisterFunction;
import iii.engine.protocol.Message.RegisterService;
import iii.engine.protocol.Message.RegisterTrigger;
import iii.engine.protocol.Message.RegisterTriggerType;
import iii.engine.protocol.Message.TriggerRegistrationResult;
import iii.engine.protocol.Message.UnregisterFunction;
import iii.engine.protocol.Message.UnregisterTrigger;
import iii.engine.protocol.Message.UnregisterTriggerType;
import iii.engine.protocol.Message.WorkerRegistered;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CodecEncodeTest {

    private static final UUID ID = UUID.fromString("9a0c7c1e-3f7b-4b1e-9a55-4d8e7b9c0f12");
    private static final UUID OTHER = UUID.fromString("6f1d2c3a-9b7e-4c55-8a21-0d4e5f6a7b8c");

    private static RawJson json(String text) {
        return RawJson.trusted(text);
    }

    /** One record of every type with every field set, and one with only what is required. */
    static List<Message> messages() {
        var object = json("{\"k\":[1,\"v\"]}");
        return List.of(
                new WorkerRegistered(ID, OTHER),
                new WorkerRegistered(ID, null),
                new Reattach(ID.toString(), OTHER.toString()),
                new Reattach(ID.toString(), null),
                new RegisterFunction("a::b", "does b", json("{\"type\":\"object\"}"), json("[1]"), object, object),
                new RegisterFunction("a::b", null, null, null, null, null),
                new UnregisterFunction("a::b"),
                new RegisterService("svc", "Service", "all of it", "parent"),
                new RegisterService("svc", "svc", null, null),
                new RegisterTriggerType("t", "a type", object, json("\"s\"")),
                new RegisterTriggerType("t", "", null, null),
                new UnregisterTriggerType("t"),
                new RegisterTrigger("tr", "t", "a::b", object, object),
                new RegisterTrigger("tr", "t", "a::b", RawJson.NULL, null),
                new UnregisterTrigger("tr", "t"),
                new UnregisterTrigger("tr", null),
                new TriggerRegistrationResult("tr", "t", "a::b", ErrorCode.TRIGGER_REGISTRATION_FAILED.body("no")),
                new TriggerRegistrationResult("tr", "t", "a::b", null),
                new InvokeFunction(ID, "a::b", object, "00-tp-01", "k=v", "void", object),
                new InvokeFunction(null, "a::b", RawJson.NULL, null, null, null, null),
                new InvocationResult(ID, "a::b", object, ErrorCode.INVOCATION_FAILED.body("x"), "00-tp-01", "k=v"),
                new InvocationResult(ID, "a::b", null, null, null, null),
                new Ping(),
                new Pong(),
                new Message.Error(ErrorCode.INVALID_MESSAGE.body("bad")));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyMessageDecodesToItselfAfterEncoding(Message message) {
        assertEquals(message, Codec.decode(Codec.encode(message)));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyEncodedMessageIsJsonWithTypeFirst(Message message) {
        var frame = Codec.encode(message);
        assertEquals(message.type(), ((JsonObject) RawJson.trusted(frame).toJsonValue()).getString("type"));
        assertEquals(0, frame.indexOf("{\"type\":\"" + message.type() + "\""));
    }

    @Test
    void invocationResultWithNullResultOmitsResultWhenEncoded() {
        var expected = "{\"type\":\"invocationresult\",\"invocation_id\":\"" + ID + "\","
                + "\"function_id\":\"state::get\"}";
        assertEquals(expected, Codec.encode(new InvocationResult(ID, "state::get", RawJson.NULL, null, null, null)));
        assertEquals(expected, Codec.encode(new InvocationResult(ID, "state::get", null, RawJson.NULL, null, null)));
    }

    @Test
    void invocationResultWithAnErrorWritesResultBeforeError() {
        assertEquals("{\"type\":\"invocationresult\",\"invocation_id\":\"" + ID + "\",\"function_id\":\"f\","
                        + "\"result\":1,\"error\":{\"code\":\"timeout\",\"message\":\"no answer\"},"
                        + "\"traceparent\":\"tp\",\"baggage\":\"b\"}",
                Codec.encode(new InvocationResult(ID, "f", json("1"), ErrorCode.TIMEOUT.body("no answer"), "tp", "b")));
    }

    @Test
    void invokeFunctionAlwaysWritesDataEvenWhenNull() {
        assertEquals("{\"type\":\"invokefunction\",\"invocation_id\":\"" + ID + "\",\"function_id\":\"f\","
                        + "\"data\":null}",
                Codec.encode(new InvokeFunction(ID, "f", RawJson.NULL, null, null, null, null)));
        assertEquals("{\"type\":\"invokefunction\",\"function_id\":\"f\",\"data\":null}",
                Codec.encode(new InvokeFunction(null, "f", null, null, null, null, null)));
    }

    @Test
    void invokeFunctionWritesEveryFieldInTableOrder() {
        assertEquals("{\"type\":\"invokefunction\",\"invocation_id\":\"" + ID + "\",\"function_id\":\"f\","
                        + "\"data\":[1],\"traceparent\":\"tp\",\"baggage\":\"b\",\"action\":{\"type\":\"void\"},"
                        + "\"metadata\":{\"m\":1}}",
                Codec.encode(new InvokeFunction(ID, "f", json("[1]"), "tp", "b", "void", json("{\"m\":1}"))));
    }

    @Test
    void invokeFunctionWithAnEnqueueActionCannotBeEncoded() {
        assertThrows(IllegalArgumentException.class,
                () -> Codec.encode(new InvokeFunction(ID, "f", RawJson.NULL, null, null, "enqueue", null)));
    }

    @Test
    void registerTriggerToAProviderCarriesMetadataOnlyWhenPresent() {
        assertEquals("{\"type\":\"registertrigger\",\"id\":\"tr\",\"trigger_type\":\"t\",\"function_id\":\"f\","
                + "\"config\":null}", Codec.encode(new RegisterTrigger("tr", "t", "f", RawJson.NULL, RawJson.NULL)));
        assertEquals("{\"type\":\"registertrigger\",\"id\":\"tr\",\"trigger_type\":\"t\",\"function_id\":\"f\","
                        + "\"config\":{},\"metadata\":{\"a\":1}}",
                Codec.encode(new RegisterTrigger("tr", "t", "f", RawJson.EMPTY_OBJECT, json("{\"a\":1}"))));
    }

    @Test
    void unregisterTriggerToAProviderHasOnlyIdAndType() {
        assertEquals("{\"type\":\"unregistertrigger\",\"id\":\"tr\",\"trigger_type\":\"t\"}",
                Codec.encode(new UnregisterTrigger("tr", "t")));
    }

    @Test
    void triggerRegistrationResultOmitsErrorOnSuccess() {
        assertEquals("{\"type\":\"triggerregistrationresult\",\"id\":\"tr\",\"trigger_type\":\"t\",\"function_id\":"
                + "\"f\"}", Codec.encode(new TriggerRegistrationResult("tr", "t", "f", null)));
    }

    @Test
    void workerRegisteredOmitsAMissingReattachToken() {
        assertEquals("{\"type\":\"workerregistered\",\"worker_id\":\"" + ID + "\"}",
                Codec.encode(new WorkerRegistered(ID, null)));
        assertEquals("{\"type\":\"workerregistered\",\"worker_id\":\"" + ID + "\","
                        + "\"reattach_token\":\"" + OTHER + "\"}",
                Codec.encode(new WorkerRegistered(ID, OTHER)));
    }

    @Test
    void anErrorFrameWrapsTheErrorBody() {
        assertEquals("{\"type\":\"error\",\"error\":{\"code\":\"invalid_message\","
                        + "\"message\":\"missing field 'type'\"}}",
                Codec.encode(new Message.Error(ErrorCode.INVALID_MESSAGE.body("missing field 'type'"))));
    }

    @Test
    void dataPassesThroughByteIdentical() {
        var data = "{\"a\" : [1, 2.5e3, \"x\\u00e9\"],\n\t\"b\":{ }  }";
        var frame = "{ \"type\" : \"invokefunction\", \"function_id\":\"f\", \"data\" : " + data + " }";
        var decoded = (InvokeFunction) Codec.decode(frame);
        assertEquals(data, decoded.data().text());
        assertEquals("{\"type\":\"invokefunction\",\"function_id\":\"f\",\"data\":" + data + "}",
                Codec.encode(decoded));
    }

    @Test
    void stringsAreEscapedOnlyWhereJsonRequires() {
        var value = "quote\" backslash\\ slash/ nl\n cr\r tab\t bs\b ff\f nul\0 us\u001f del\u007f é 😀 \u2028";
        var frame = Codec.encode(new UnregisterFunction(value));
        assertEquals("{\"type\":\"unregisterfunction\",\"id\":\"quote\\\" backslash\\\\ slash/ nl\\n cr\\r tab\\t "
                + "bs\\b ff\\f nul\\u0000 us\\u001f del\u007f é 😀 \u2028\"}", frame);
        assertEquals(new UnregisterFunction(value), Codec.decode(frame));
    }

    @Test
    void everyAsciiCharacterSurvivesEncodingAndDecoding() {
        var all = IntStream.range(0, 128).collect(StringBuilder::new, StringBuilder::appendCodePoint,
                StringBuilder::append).toString();
        var message = new InvocationResult(ID, all, null, null, all, all);
        var frame = Codec.encode(message);
        assertEquals(message, Codec.decode(frame));
        assertEquals(all, ((JsonObject) RawJson.trusted(frame).toJsonValue()).getString("function_id"));
    }
}
