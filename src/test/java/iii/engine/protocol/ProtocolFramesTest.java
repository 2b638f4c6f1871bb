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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every literal frame of PROTOCOL.md (§2.2–§2.15 and Appendix A) decodes to the record it describes. */
class ProtocolFramesTest {

    private static final UUID INVOCATION = UUID.fromString("9a0c7c1e-3f7b-4b1e-9a55-4d8e7b9c0f12");
    private static final String TRIGGER = "2b7e1516-28ae-4d2a-abf7-158809cf4f3c";

    private static RawJson json(String text) {
        return RawJson.trusted(text);
    }

    /** Frames whose fields PROTOCOL.md writes in the codec's order, so encoding their record gives them back. */
    static List<String> canonicalFrames() {
        return List.of(
                "{\"type\":\"workerregistered\",\"worker_id\":\"6f1d2c3a-9b7e-4c55-8a21-0d4e5f6a7b8c\","
                        + "\"reattach_token\":\"c0ffee00-1111-4a2b-9c3d-2e4f5a6b7c8d\"}",
                "{\"type\":\"reattach\",\"previous_worker_id\":\"6f1d2c3a-9b7e-4c55-8a21-0d4e5f6a7b8c\","
                        + "\"reattach_token\":\"c0ffee00-1111-4a2b-9c3d-2e4f5a6b7c8d\"}",
                "{\"type\":\"registerfunction\",\"id\":\"orders::create\",\"description\":\"Create an order\","
                        + "\"metadata\":{\"team\":\"checkout\"}}",
                "{\"type\":\"registerfunction\",\"id\":\"billing::charge\",\"invocation\":{\"url\":"
                        + "\"https://pay.example.net/charge\",\"method\":\"POST\",\"timeout_ms\":5000,\"headers\":"
                        + "{\"x-tenant\":\"acme\"},\"auth\":{\"type\":\"bearer\",\"token_key\":\"PAY_TOKEN\"}}}",
                "{\"type\":\"unregisterfunction\",\"id\":\"orders::create\"}",
                "{\"type\":\"registertriggertype\",\"id\":\"billing::invoice-paid\","
                        + "\"description\":\"Fires when an invoice is paid\"}",
                "{\"type\":\"registertrigger\",\"id\":\"" + TRIGGER + "\",\"trigger_type\":\"http\","
                        + "\"function_id\":\"orders::create\",\"config\":{\"api_path\":\"orders\","
                        + "\"http_method\":\"POST\"}}",
                "{\"type\":\"unregistertrigger\",\"id\":\"" + TRIGGER + "\",\"trigger_type\":\"http\"}",
                "{\"type\":\"unregistertrigger\",\"id\":\"" + TRIGGER + "\","
                        + "\"trigger_type\":\"billing::invoice-paid\"}",
                "{\"type\":\"triggerregistrationresult\",\"id\":\"" + TRIGGER + "\",\"trigger_type\":"
                        + "\"billing::invoice-paid\",\"function_id\":\"orders::on-paid\",\"error\":{\"code\":"
                        + "\"trigger_registration_failed\",\"message\":\"unknown account\"}}",
                "{\"type\":\"invokefunction\",\"invocation_id\":\"" + INVOCATION + "\",\"function_id\":"
                        + "\"orders::create\",\"data\":{\"sku\":\"A-1\",\"qty\":2},\"traceparent\":"
                        + "\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}",
                "{\"type\":\"invokefunction\",\"function_id\":\"audit::log\",\"data\":{\"event\":\"login\"},"
                        + "\"action\":{\"type\":\"void\"}}",
                "{\"type\":\"invocationresult\",\"invocation_id\":\"" + INVOCATION + "\",\"function_id\":"
                        + "\"orders::create\",\"result\":{\"order_id\":\"o-981\"}}",
                "{\"type\":\"invocationresult\",\"invocation_id\":\"" + INVOCATION + "\",\"function_id\":"
                        + "\"orders::create\",\"error\":{\"code\":\"invocation_failed\",\"message\":\"sku not found\","
                        + "\"stacktrace\":\"Error: sku not found\\n    at …\"}}",
                "{\"type\":\"ping\"}",
                "{\"type\":\"pong\"}",
                "{\"type\":\"error\",\"error\":{\"code\":\"AUTH_ERROR\",\"message\":\"…\"}}",
                "{\"type\":\"invokefunction\",\"function_id\":\"engine::workers::register\",\"data\":{\"runtime\":"
                        + "\"node\",\"version\":\"0.2.1\",\"name\":\"build-box:4242\",\"os\":\"linux 6.8.0 (x64)\"}}",
                "{\"type\":\"invokefunction\",\"function_id\":\"engine::workers::register\",\"data\":{\"runtime\":"
                        + "\"node\",\"version\":\"0.3.0\",\"name\":\"build-box:4242\",\"os\":\"linux 6.8.0 (x64)\","
                        + "\"telemetry\":{\"language\":\"en-US\"}}}");
    }

    @ParameterizedTest
    @MethodSource("canonicalFrames")
    void aDocumentedFrameEncodesBackToItsOwnText(String frame) {
        assertEquals(frame, Codec.encode(Codec.decode(frame)));
    }

    @Test
    void workerRegisteredCarriesBothIds() {
        assertEquals(new WorkerRegistered(UUID.fromString("6f1d2c3a-9b7e-4c55-8a21-0d4e5f6a7b8c"),
                        UUID.fromString("c0ffee00-1111-4a2b-9c3d-2e4f5a6b7c8d")),
                Codec.decode(canonicalFrames().get(0)));
    }

    @Test
    void reattachOfSdk0221CarriesThePreviousIdAndToken() {
        assertEquals(new Reattach("6f1d2c3a-9b7e-4c55-8a21-0d4e5f6a7b8c", "c0ffee00-1111-4a2b-9c3d-2e4f5a6b7c8d"),
                Codec.decode(canonicalFrames().get(1)));
    }

    @Test
    void registerFunctionKeepsMetadataAndLeavesTheRestAbsent() {
        assertEquals(new RegisterFunction("orders::create", "Create an order", null, null,
                json("{\"team\":\"checkout\"}"), null), Codec.decode(canonicalFrames().get(2)));
    }

    @Test
    void registerFunctionWithAnInvocationIsAnExternalFunction() {
        var message = (RegisterFunction) Codec.decode(canonicalFrames().get(3));
        assertEquals("billing::charge", message.id());
        assertEquals("{\"url\":\"https://pay.example.net/charge\",\"method\":\"POST\",\"timeout_ms\":5000,"
                + "\"headers\":{\"x-tenant\":\"acme\"},\"auth\":{\"type\":\"bearer\",\"token_key\":\"PAY_TOKEN\"}}",
                message.invocation().text());
    }

    @Test
    void unregisterFunctionCarriesTheId() {
        assertEquals(new UnregisterFunction("orders::create"), Codec.decode(canonicalFrames().get(4)));
    }

    @Test
    void registerTriggerTypeCarriesItsDescription() {
        assertEquals(new RegisterTriggerType("billing::invoice-paid", "Fires when an invoice is paid", null, null),
                Codec.decode(canonicalFrames().get(5)));
    }

    @Test
    void unregisterTriggerTypeAsTheSdksSendItIgnoresTheDescription() {
        assertEquals(new UnregisterTriggerType("…"),
                Codec.decode("{\"type\":\"unregistertriggertype\",\"id\":\"…\",\"description\":\"…\"}"));
    }

    @Test
    void registerTriggerCarriesItsConfig() {
        assertEquals(new RegisterTrigger(TRIGGER, "http", "orders::create",
                        json("{\"api_path\":\"orders\",\"http_method\":\"POST\"}"), null),
                Codec.decode(canonicalFrames().get(6)));
    }

    @Test
    void unregisterTriggerCarriesIdAndType() {
        assertEquals(new UnregisterTrigger(TRIGGER, "http"), Codec.decode(canonicalFrames().get(7)));
        assertEquals(new UnregisterTrigger(TRIGGER, "billing::invoice-paid"), Codec.decode(canonicalFrames().get(8)));
    }

    @Test
    void triggerRegistrationResultCarriesTheProvidersError() {
        assertEquals(new TriggerRegistrationResult(TRIGGER, "billing::invoice-paid", "orders::on-paid",
                        json("{\"code\":\"trigger_registration_failed\",\"message\":\"unknown account\"}")),
                Codec.decode(canonicalFrames().get(9)));
    }

    @Test
    void invokeFunctionWithAnIdAndTraceparentWaitsForAResult() {
        assertEquals(new InvokeFunction(INVOCATION, "orders::create", json("{\"sku\":\"A-1\",\"qty\":2}"),
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null, null, null),
                Codec.decode(canonicalFrames().get(10)));
    }

    @Test
    void invokeFunctionWithVoidActionIsFireAndForget() {
        assertEquals(new InvokeFunction(null, "audit::log", json("{\"event\":\"login\"}"), null, null, "void", null),
                Codec.decode(canonicalFrames().get(11)));
    }

    @Test
    void invocationResultCarriesAResultOrAnError() {
        assertEquals(new InvocationResult(INVOCATION, "orders::create", json("{\"order_id\":\"o-981\"}"), null, null,
                null), Codec.decode(canonicalFrames().get(12)));
        var failed = (InvocationResult) Codec.decode(canonicalFrames().get(13));
        assertEquals(null, failed.result());
        assertEquals("{\"code\":\"invocation_failed\",\"message\":\"sku not found\","
                + "\"stacktrace\":\"Error: sku not found\\n    at …\"}", failed.error().text());
    }

    @Test
    void pingPongAndErrorDecode() {
        assertEquals(new Ping(), Codec.decode(canonicalFrames().get(14)));
        assertEquals(new Pong(), Codec.decode(canonicalFrames().get(15)));
        assertEquals(new Message.Error(json("{\"code\":\"AUTH_ERROR\",\"message\":\"…\"}")),
                Codec.decode(canonicalFrames().get(16)));
    }

    @Test
    void workersRegisterOfSdk021And030IsAFireAndForgetCall() {
        var v021 = (InvokeFunction) Codec.decode(canonicalFrames().get(17));
        assertEquals(new InvokeFunction(null, "engine::workers::register", json("{\"runtime\":\"node\","
                + "\"version\":\"0.2.1\",\"name\":\"build-box:4242\",\"os\":\"linux 6.8.0 (x64)\"}"),
                null, null, null, null), v021);
        var v030 = (InvokeFunction) Codec.decode(canonicalFrames().get(18));
        assertEquals("0.3.0", JsonScanner.stringValue(JsonScanner.members(v030.data().text()).get("version")));
    }

    @Test
    void workersRegisterOfSdk0116And0221CarriesVoidActionBeforeData() {
        var data0116 = "{\"runtime\":\"node\",\"version\":\"0.11.6\",\"name\":\"build-box:4242\","
                + "\"os\":\"linux 6.8.0 (x64)\",\"pid\":4242,\"isolation\":null,\"telemetry\":{\"language\":\"en-US\","
                + "\"project_name\":\"my-app\",\"framework\":\"iii-node\"}}";
        var data0221 = "{\"runtime\":\"node\",\"version\":\"0.22.1\",\"name\":\"build-box:4242\","
                + "\"os\":\"linux 6.8.0 (x64)\",\"pid\":4242,\"isolation\":null,\"description\":\"billing worker\","
                + "\"telemetry\":{\"language\":\"en-US\",\"project_name\":\"my-app\",\"framework\":\"iii-node\"}}";
        for (var data : List.of(data0116, data0221)) {
            var frame = "{\"type\":\"invokefunction\",\"function_id\":\"engine::workers::register\","
                    + "\"action\":{\"type\":\"void\"},\"data\":" + data + "}";
            assertEquals(new InvokeFunction(null, "engine::workers::register", json(data), null, null, "void", null),
                    Codec.decode(frame));
        }
    }

    @Test
    void registerServiceOfSdk0116DefaultsItsNameToTheId() {
        assertEquals(new RegisterService("billing", "billing", null, "platform"),
                Codec.decode("{\"type\":\"registerservice\",\"id\":\"billing\",\"parent_service_id\":\"platform\"}"));
    }

    /**
     * Appendix A, with the ids the document abbreviates ({@code tttttttt-…}, {@code 9f3b…}) written out: they stand
     * for UUIDs, and the abbreviations themselves are not UUIDs (see
     * {@link #theAppendixAbbreviationsAreNotUuids()}).
     */
    @Test
    void theAppendixTranscriptDecodesFrameByFrame() {
        var call = "9f3b0000-0000-4000-8000-000000000000";
        var trigger = "11111111-2222-4333-8444-555555555555";
        var register = "{\"type\":\"registertrigger\",\"id\":\"" + trigger + "\",\"trigger_type\":"
                + "\"billing::invoice-paid\",\"function_id\":\"orders::on-paid\",\"config\":{\"min_amount\":10}}";
        var transcript = List.of(
                "{\"type\":\"workerregistered\",\"worker_id\":\"aaaaaaaa-0000-4000-8000-000000000001\","
                        + "\"reattach_token\":\"ffffffff-0000-4000-8000-000000000001\"}",
                "{\"type\":\"registertriggertype\",\"id\":\"billing::invoice-paid\",\"description\":\"Invoice paid\"}",
                "{\"type\":\"registerfunction\",\"id\":\"billing::fire\"}",
                "{\"type\":\"invokefunction\",\"function_id\":\"engine::workers::register\",\"action\":{\"type\":"
                        + "\"void\"},\"data\":{\"runtime\":\"node\",\"version\":\"0.22.1\",\"name\":\"billing:101\","
                        + "\"os\":\"linux 6.8.0 (x64)\",\"pid\":101,\"isolation\":null,\"telemetry\":{\"language\":"
                        + "\"en-US\",\"project_name\":\"billing\",\"framework\":\"iii-node\"}}}",
                "{\"type\":\"registerfunction\",\"id\":\"orders::on-paid\"}",
                register,
                register,
                "{\"type\":\"triggerregistrationresult\",\"id\":\"" + trigger + "\",\"trigger_type\":"
                        + "\"billing::invoice-paid\",\"function_id\":\"orders::on-paid\"}",
                "{\"type\":\"invokefunction\",\"function_id\":\"orders::on-paid\",\"data\":{\"invoice\":\"inv-7\","
                        + "\"amount\":42},\"action\":{\"type\":\"void\"}}",
                "{\"type\":\"invokefunction\",\"invocation_id\":\"" + call + "\",\"function_id\":\"orders::on-paid\","
                        + "\"data\":{\"invoice\":\"inv-7\",\"amount\":42,"
                        + "\"_caller_worker_id\":\"aaaaaaaa-0000-4000-8000-000000000001\"}}",
                "{\"type\":\"invocationresult\",\"invocation_id\":\"" + call + "\",\"function_id\":"
                        + "\"orders::on-paid\",\"result\":{\"ok\":true}}",
                "{\"type\":\"unregistertrigger\",\"id\":\"" + trigger + "\",\"trigger_type\":"
                        + "\"billing::invoice-paid\"}");
        var types = transcript.stream().map(frame -> Codec.decode(frame).type()).toList();
        assertEquals(List.of("workerregistered", "registertriggertype", "registerfunction", "invokefunction",
                "registerfunction", "registertrigger", "registertrigger", "triggerregistrationresult",
                "invokefunction", "invokefunction", "invocationresult", "unregistertrigger"), types);
        for (var frame : transcript) {
            assertEquals(Codec.decode(frame), Codec.decode(Codec.encode(Codec.decode(frame))));
        }
        assertEquals(new RegisterTrigger(trigger, "billing::invoice-paid", "orders::on-paid",
                json("{\"min_amount\":10}"), null), Codec.decode(register));
    }

    @Test
    void theAppendixAbbreviationsAreNotUuids() {
        assertThrows(FrameException.class, () -> Codec.decode("{\"type\":\"workerregistered\",\"worker_id\":"
                + "\"aaaaaaaa-0000-4000-8000-000000000001\","
                + "\"reattach_token\":\"tttttttt-0000-4000-8000-000000000001\"}"));
        assertThrows(FrameException.class, () -> Codec.decode("{\"type\":\"invocationresult\",\"invocation_id\":"
                + "\"9f3b…\",\"function_id\":\"orders::on-paid\",\"result\":{\"ok\":true}}"));
    }
}
