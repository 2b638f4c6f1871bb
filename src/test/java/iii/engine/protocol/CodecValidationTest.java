package iii.engine.protocol;

import iii.engine.protocol.Message.InvocationResult;
import iii.engine.protocol.Message.InvokeFunction;
import iii.engine.protocol.Message.RegisterFunction;
import iii.engine.protocol.Message.RegisterService;
import iii.engine.protocol.Message.RegisterTrigger;
import iii.engine.protocol.Message.RegisterTriggerType;
import iii.engine.protocol.Message.UnregisterTrigger;
import iii.engine.protocol.Message.WorkerRegistered;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PROTOCOL.md §1.2, §1.6 and Part A 8: what a frame may leave out, and every way it can be refused. */
class CodecValidationTest {

    private static final String ID = "9a0c7c1e-3f7b-4b1e-9a55-4d8e7b9c0f12";

    private static FrameException refused(String frame) {
        return assertThrows(FrameException.class, () -> Codec.decode(frame));
    }

    private static String message(String frame) {
        return refused(frame).getMessage();
    }

    @Test
    void invokeFunctionWithoutDataCarriesJsonNull() {
        var call = (InvokeFunction) Codec.decode("{\"type\":\"invokefunction\",\"function_id\":\"f\"}");
        assertEquals(RawJson.NULL, call.data());
        assertNull(call.invocationId());
    }

    @Test
    void nullOptionalFieldsCountAsAbsent() {
        assertEquals(new InvokeFunction(null, "f", RawJson.NULL, null, null, null, null),
                Codec.decode("{\"type\":\"invokefunction\",\"invocation_id\":null,\"function_id\":\"f\",\"data\":null,"
                        + "\"traceparent\":null,\"baggage\":null,\"action\":null,\"metadata\":null}"));
        assertEquals(new InvocationResult(UUID.fromString(ID), "f", null, null, null, null),
                Codec.decode("{\"type\":\"invocationresult\",\"invocation_id\":\"" + ID + "\",\"function_id\":\"f\","
                        + "\"result\":null,\"error\":null}"));
        assertEquals(new RegisterFunction("f", null, null, null, null, null),
                Codec.decode("{\"type\":\"registerfunction\",\"id\":\"f\",\"description\":null,\"request_format\":null,"
                        + "\"metadata\":null,\"invocation\":null}"));
    }

    @Test
    void registerTriggerTypeWithoutDescriptionHasAnEmptyOne() {
        assertEquals(new RegisterTriggerType("t", "", null, null),
                Codec.decode("{\"type\":\"registertriggertype\",\"id\":\"t\"}"));
    }

    @Test
    void registerTriggerWithoutConfigCarriesJsonNull() {
        assertEquals(new RegisterTrigger("tr", "t", "f", RawJson.NULL, null),
                Codec.decode("{\"type\":\"registertrigger\",\"id\":\"tr\",\"trigger_type\":\"t\","
                        + "\"function_id\":\"f\"}"));
    }

    @Test
    void registerServiceWithoutNameIsNamedAfterItsId() {
        assertEquals(new RegisterService("svc", "svc", null, null),
                Codec.decode("{\"type\":\"registerservice\",\"id\":\"svc\"}"));
        assertEquals(new RegisterService("svc", "svc", null, null),
                Codec.decode("{\"type\":\"registerservice\",\"id\":\"svc\",\"name\":\"\"}"));
    }

    @Test
    void unregisterTriggerFromAWorkerMayLeaveOutTheType() {
        assertEquals(new UnregisterTrigger("tr", null), Codec.decode("{\"type\":\"unregistertrigger\",\"id\":\"tr\"}"));
    }

    @Test
    void unknownFieldsAreIgnored() {
        assertEquals(new Message.Ping(), Codec.decode("{\"type\":\"ping\",\"namespace\":\"x\",\"extra\":[1,{}]}"));
    }

    @Test
    void workerRegisteredFromAWorkerDecodes() {
        assertEquals(new WorkerRegistered(UUID.fromString(ID), null),
                Codec.decode("{\"type\":\"workerregistered\",\"worker_id\":\"" + ID + "\"}"));
    }

    @Test
    void anUppercaseUuidIsAccepted() {
        var call = (InvokeFunction) Codec.decode("{\"type\":\"invokefunction\",\"invocation_id\":\""
                + ID.toUpperCase() + "\",\"function_id\":\"f\"}");
        assertEquals(UUID.fromString(ID), call.invocationId());
    }

    @Test
    void enqueueActionIsRecognised() {
        var call = (InvokeFunction) Codec.decode("{\"type\":\"invokefunction\",\"function_id\":\"f\",\"data\":1,"
                + "\"action\":{\"queue\":\"emails\",\"type\":\"enqueue\"}}");
        assertEquals("enqueue", call.action());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"ping\"", "{\"type\":\"ping\"} x", "{\"type\":\"ping\",}", "{type:\"ping\"}",
            "{'type':'ping'}", "{\"type\":\"ping\"}}", "{\"type\":\"ping\"}{}", "{\"type\":\"pi\nng\"}"})
    void invalidJsonIsRefused(String frame) {
        assertTrue(message(frame).startsWith("invalid JSON at offset "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"x\"", "42", "null", "true", "[{\"type\":\"ping\"}]"})
    void aTopLevelValueOtherThanAnObjectIsRefused(String frame) {
        assertEquals("frame is not a JSON object", message(frame));
    }

    @Test
    void aFrameWithoutTypeIsRefused() {
        assertEquals("missing field 'type'", message("{}"));
        assertEquals("missing field 'type'", message("{\"type\":null,\"id\":\"x\"}"));
        assertEquals("missing field 'type'", message("{\"Type\":\"ping\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "true", "{\"name\":\"ping\"}", "[\"ping\"]"})
    void aTypeThatIsNotAStringIsRefused(String type) {
        assertEquals("'type' must be a string", message("{\"type\":" + type + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"registerworker", "Ping", "", "register_function", "registrationrejected"})
    void anUnknownTypeIsRefused(String type) {
        assertEquals("unknown message type '" + type + "'", message("{\"type\":\"" + type + "\"}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            {"type":"registerfunction"}                                    | registerfunction: field 'id' is required
            {"type":"registerfunction","id":null}                          | registerfunction: field 'id' is required
            {"type":"registerfunction","id":42}                            | registerfunction: field 'id' must be a string
            {"type":"registerfunction","id":""}                            | registerfunction: field 'id' must not be empty
            {"type":"registerfunction","id":"f","description":5}           | registerfunction: field 'description' must be a string
            {"type":"registerfunction","id":"f","metadata":"x"}            | registerfunction: field 'metadata' must be an object
            {"type":"registerfunction","id":"f","metadata":[1]}            | registerfunction: field 'metadata' must be an object
            {"type":"registerfunction","id":"f","invocation":"https://x"}  | registerfunction: field 'invocation' must be an object
            {"type":"unregisterfunction","id":""}                          | unregisterfunction: field 'id' must not be empty
            {"type":"registerservice","name":"s"}                          | registerservice: field 'id' is required
            {"type":"registerservice","id":"s","parent_service_id":1}      | registerservice: field 'parent_service_id' must be a string
            {"type":"registertriggertype","id":""}                         | registertriggertype: field 'id' must not be empty
            {"type":"registertriggertype","id":"t","description":{}}       | registertriggertype: field 'description' must be a string
            {"type":"unregistertriggertype"}                               | unregistertriggertype: field 'id' is required
            {"type":"registertrigger","id":"tr","function_id":"f"}         | registertrigger: field 'trigger_type' is required
            {"type":"registertrigger","id":"tr","trigger_type":"t","function_id":""} | registertrigger: field 'function_id' must not be empty
            {"type":"registertrigger","id":"","trigger_type":"t","function_id":"f"}  | registertrigger: field 'id' must not be empty
            {"type":"unregistertrigger","id":"tr","trigger_type":5}        | unregistertrigger: field 'trigger_type' must be a string
            {"type":"triggerregistrationresult","id":"tr","trigger_type":"t"} | triggerregistrationresult: field 'function_id' is required
            {"type":"triggerregistrationresult","id":"tr","trigger_type":"t","function_id":"f","error":"boom"} | triggerregistrationresult: field 'error' must be an object
            {"type":"invokefunction","data":{}}                            | invokefunction: field 'function_id' is required
            {"type":"invokefunction","function_id":""}                     | invokefunction: field 'function_id' must not be empty
            {"type":"invokefunction","function_id":["f"]}                  | invokefunction: field 'function_id' must be a string
            {"type":"invokefunction","function_id":"f","traceparent":1}    | invokefunction: field 'traceparent' must be a string
            {"type":"invokefunction","function_id":"f","baggage":false}    | invokefunction: field 'baggage' must be a string
            {"type":"invocationresult","function_id":"f"}                  | invocationresult: field 'invocation_id' is required
            {"type":"invocationresult","invocation_id":null,"function_id":"f"} | invocationresult: field 'invocation_id' is required
            {"type":"invocationresult","invocation_id":"9a0c7c1e-3f7b-4b1e-9a55-4d8e7b9c0f12"} | invocationresult: field 'function_id' is required
            {"type":"invocationresult","invocation_id":"9a0c7c1e-3f7b-4b1e-9a55-4d8e7b9c0f12","function_id":"f","error":"x"} | invocationresult: field 'error' must be an object
            {"type":"workerregistered"}                                    | workerregistered: field 'worker_id' is required
            {"type":"reattach","reattach_token":"t"}                       | reattach: field 'previous_worker_id' is required
            {"type":"error"}                                               | error: field 'error' is required
            {"type":"error","error":"AUTH_ERROR"}                          | error: field 'error' must be an object
            """)
    void aMissingOrIllTypedFieldIsRefusedByName(String frame, String expected) {
        assertEquals(expected, message(frame));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"void\"", "{}", "{\"type\":\"later\"}", "{\"type\":\"enqueue\"}",
            "{\"type\":\"enqueue\",\"queue\":1}", "{\"type\":1}", "[\"void\"]", "true"})
    void anActionOfAnotherShapeIsRefused(String action) {
        assertEquals("invokefunction: field 'action' must be {\"type\":\"void\"} or "
                        + "{\"type\":\"enqueue\",\"queue\":\"<name>\"}",
                message("{\"type\":\"invokefunction\",\"function_id\":\"f\",\"action\":" + action + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"abc\"", "\"\"", "42", "{}", "\"9a0c7c1e3f7b4b1e9a554d8e7b9c0f12\"",
            "\"{9a0c7c1e-3f7b-4b1e-9a55-4d8e7b9c0f12}\"", "\"9a0c7c1e-3f7b-4b1e-9a55-4d8e7b9c0f1g\"", "\"1-2-3-4-5\"",
            "\"9a0c7c1e-3f7b-4b1e-9a55-4d8e7b9c0f12 \"", "\"urn:uuid:9a0c7c1e-3f7b-4b1e-9a55-4d8e7b9c0f12\"",
            "\"9a0c7c1e-3f7b-4b1e-9a55-4d8e7b9c0f1\"", "\"9a0c7c1e+3f7b-4b1e-9a55-4d8e7b9c0f12\"",
            "\"９a0c7c1e-3f7b-4b1e-9a55-4d8e7b9c0f12\""})
    void anInvocationIdThatIsNotAUuidIsRefused(String id) {
        assertEquals("invokefunction: invocation_id is not a UUID",
                message("{\"type\":\"invokefunction\",\"invocation_id\":" + id + ",\"function_id\":\"f\"}"));
        assertEquals("invocationresult: invocation_id is not a UUID",
                message("{\"type\":\"invocationresult\",\"invocation_id\":" + id + ",\"function_id\":\"f\"}"));
    }

    @Test
    void workerRegisteredIdsMustBeUuids() {
        assertEquals("workerregistered: worker_id is not a UUID",
                message("{\"type\":\"workerregistered\",\"worker_id\":\"w-1\"}"));
        assertEquals("workerregistered: reattach_token is not a UUID",
                message("{\"type\":\"workerregistered\",\"worker_id\":\"" + ID + "\",\"reattach_token\":\"t\"}"));
    }

    @Test
    void deepNestingInDataIsRefused() {
        var deep = "[".repeat(600) + "]".repeat(600);
        assertTrue(message("{\"type\":\"invokefunction\",\"function_id\":\"f\",\"data\":" + deep + "}")
                .endsWith("nesting deeper than 512 levels"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud800", "\\udc00", "\\x", "\\u00G0", "\u0001", "\n", "\uD800"})
    void aBadStringInsideDataIsRefused(String bad) {
        var start = "{\"type\":\"invokefunction\",\"function_id\":\"f\",\"data\":{\"s\":\"";
        var message = message(start + bad + "\"}}");
        var offset = Integer.parseInt(message.replaceFirst("invalid JSON at offset (\\d+): .*", "$1"));
        assertTrue(offset >= start.length() && offset < start.length() + bad.length(), message);
    }

    @Test
    void aRefusedInvocationKeepsItsIdSoTheCallerCanBeAnswered() {
        var e = refused("{\"type\":\"invokefunction\",\"invocation_id\":\"" + ID + "\",\"function_id\":\"f\","
                + "\"traceparent\":7}");
        assertEquals("invokefunction", e.type());
        assertEquals(UUID.fromString(ID), e.invocationId());
        assertEquals("f", e.functionId());
    }

    @Test
    void aRefusedInvocationWithoutFunctionIdStillKeepsItsId() {
        var e = refused("{\"type\":\"invokefunction\",\"invocation_id\":\"" + ID + "\",\"data\":{}}");
        assertEquals("invokefunction", e.type());
        assertEquals(UUID.fromString(ID), e.invocationId());
        assertNull(e.functionId());
    }

    @Test
    void anInvocationWithBrokenJsonDataKeepsItsIdWhenItCameBeforeTheDamage() {
        var e = refused("{\"type\":\"invokefunction\",\"invocation_id\":\"" + ID + "\",\"function_id\":\"f\","
                + "\"data\":{\"a\":tru}}");
        assertTrue(e.getMessage().startsWith("invalid JSON at offset "));
        assertEquals("invokefunction", e.type());
        assertEquals(UUID.fromString(ID), e.invocationId());
        assertEquals("f", e.functionId());
    }

    @Test
    void aRefusedInvocationWithABadIdHasNoId() {
        var e = refused("{\"type\":\"invokefunction\",\"invocation_id\":\"abc\",\"function_id\":\"f\"}");
        assertEquals("invokefunction", e.type());
        assertNull(e.invocationId());
    }

    @Test
    void aFrameThatIsNotAnObjectHasNoContext() {
        var e = refused("[1]");
        assertNull(e.type());
        assertNull(e.invocationId());
        assertNull(e.functionId());
    }

    @Test
    void aRefusedFrameOfAnUnknownTypeNamesIt() {
        assertEquals("teleport", refused("{\"type\":\"teleport\"}").type());
    }
}
