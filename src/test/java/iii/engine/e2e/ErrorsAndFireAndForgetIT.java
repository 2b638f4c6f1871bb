package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.e2e.Peer.Kind;
import iii.engine.e2e.Peer.Outcome;
import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Errors travel verbatim from callee to caller across versions; unknown functions answer
 * {@code function_not_found}; fire-and-forget calls reach the callee and answer nobody (PROTOCOL.md §2.12, §3.4,
 * §3.8).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ErrorsAndFireAndForgetIT extends E2eSupport {

    /** A small frame limit (Part A item 7) so the oversized-payload test stays cheap; other tests stay far below. */
    static final int MAX_FRAME_BYTES = 1 << 20;

    /** A short engine-side expiry (Part A item 6), well under the SDKs' own 30 s; no other test waits that long. */
    static final int INVOCATION_TIMEOUT_MS = 3_000;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment(Map.of("iii.max-frame-bytes", Integer.toString(MAX_FRAME_BYTES),
                "iii.invocation-timeout-ms", Integer.toString(INVOCATION_TIMEOUT_MS)));
    }

    static Stream<Arguments> failingCalleeAndCaller() {
        return pairs(Kind.main());
    }

    @ParameterizedTest(name = "{0} throws, {1} called")
    @MethodSource("failingCalleeAndCaller")
    void handler_error_reaches_caller_with_code_and_message(Kind callee, Kind caller) {
        Peer to = peer(callee);
        Peer from = peer(caller);
        String fn = fid("throws");
        String message = "boom " + shortId();
        to.register(fn, "fail", message, null);
        awaitFunctionListed(fn);

        Outcome out = from.call(fn, JsonKit.obj("x", 1), Duration.ofSeconds(20));

        assertFalse(out.ok(), () -> "expected an error: " + out.raw());
        assertEquals("invocation_failed", out.errorCode(), () -> out.raw().toString());
        assertTrue(out.errorMessage() != null && out.errorMessage().contains(message), () -> out.raw().toString());
        if (caller == Kind.JAVA && (callee == Kind.SDK_0_11_6 || callee == Kind.SDK_0_22_1)) {
            assertNotNull(JsonKit.str(out.raw(), "error.stacktrace"), () -> "0.11.6+ sends a stacktrace, the engine "
                    + "passes it through: " + out.raw());
        }
        assertTrue(out.elapsedMs() < 10_000, () -> "answered promptly: " + out.elapsedMs() + " ms");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void unknown_function_answers_function_not_found(Kind caller) {
        Peer from = peer(caller);
        String fn = fid("missing");

        Outcome out = from.call(fn, JsonKit.obj("x", 1), Duration.ofSeconds(20));

        assertFalse(out.ok(), () -> out.raw().toString());
        assertEquals("function_not_found", out.errorCode(), () -> out.raw().toString());
        assertTrue(out.errorMessage() != null && out.errorMessage().contains(fn), () -> out.raw().toString());
        assertTrue(out.elapsedMs() < 10_000, () -> "answered promptly: " + out.elapsedMs() + " ms");
    }

    @Test
    void custom_error_body_of_a_java_worker_reaches_sdk_callers_verbatim() {
        JavaWorker callee = java("custom-err-" + shortId());
        NodeWorker old = node(Sdk.V0_2_1);
        NodeWorker current = node(Sdk.V0_22_1);
        String fn = fid("custom");
        callee.registerFunction(fn, JavaWorker.fail("payment_declined", "card 4242 declined"));
        awaitFunctionListed(fn);

        JsonObject e1 = assertCallError(old.call(fn, JsonKit.obj()), "payment_declined");
        assertEquals("object", JsonKit.str(e1, "kind"), "0.2.1 rejects with the raw wire error object");
        assertEquals("card 4242 declined", JsonKit.str(e1, "message"));
        JsonObject e2 = assertCallError(current.call(fn, JsonKit.obj()), "payment_declined");
        assertEquals("InvocationError", JsonKit.str(e2, "name"));
        assertEquals("payment_declined: card 4242 declined", JsonKit.str(e2, "message"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void fire_and_forget_reaches_callee_and_answers_nobody(Kind caller) {
        JavaWorker callee = java("ff-callee-" + shortId());
        Peer from = peer(caller);
        String fn = fid("ff");
        callee.registerFunction(fn, JavaWorker.echo());
        awaitFunctionListed(fn);

        JsonObject payload = JsonKit.obj("fire", shortId());
        from.callVoid(fn, payload);

        JsonObject invocation = callee.awaitInvocations(fn, 1, SHORT).get(0);
        assertNotNull(JsonKit.str(invocation, "invocation_id"),
                () -> "the owner still gets an invocation_id (PROTOCOL.md §3.4): " + invocation);
        assertPayloadWithCaller(payload, invocation.get("data"), from.workerId());

        // A later synchronous call from the same caller completes; nothing was answered for the void call.
        String probe = fid("after-ff");
        callee.registerFunction(probe, JavaWorker.echo());
        awaitFunctionListed(probe);
        assertTrue(from.call(probe, JsonKit.obj("p", 1), Duration.ofSeconds(20)).ok());
        if (from instanceof Peer.JavaPeer jp) {
            assertTrue(jp.w.frames(f -> "invocationresult".equals(JsonKit.str(f, "type"))
                    && fn.equals(JsonKit.str(f, "function_id"))).isEmpty(),
                    () -> "no invocationresult for a fire-and-forget call" + jp.w.diagnostics());
        }
    }

    @Test
    void fire_and_forget_to_a_failing_handler_disturbs_nothing() {
        NodeWorker callee = node(Sdk.V0_11_6);
        NodeWorker caller = node(Sdk.V0_22_1);
        String failing = fid("ff-fails");
        String fine = fid("fine");
        callee.registerFunction(failing, "fail");
        callee.registerFunction(fine, "echo");
        awaitFunctionListed(failing);
        awaitFunctionListed(fine);

        caller.callVoid(failing, JsonKit.obj("n", 1));
        callee.awaitInvoked(failing, SHORT);

        assertCallOk(caller.call(fine, JsonKit.obj("n", 2)));
        assertTrue(caller.events(NodeWorker.event("uncaught")).isEmpty(), caller::diagnostics);
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"SDK_0_2_1", "SDK_0_22_1", "JAVA"})
    void oversized_invocation_answers_payload_too_large_and_disturbs_nobody(Kind caller) {
        NodeWorker callee = node(Sdk.V0_11_6);
        Peer from = peer(caller);
        String fn = fid("big");
        callee.registerFunction(fn, "echo");
        awaitFunctionListed(fn);

        Outcome out = from.call(fn, JsonKit.obj("blob", "x".repeat(MAX_FRAME_BYTES + 1024)), Duration.ofSeconds(30));

        assertFalse(out.ok(), () -> "an oversized call must fail: " + out.raw());
        assertEquals("payload_too_large", out.errorCode(), () -> out.raw().toString());
        assertEquals(0, callee.events(NodeWorker.invoked(fn)).size(), "the callee never saw it");
        // The caller's connection and the callee are fine.
        Outcome small = from.call(fn, JsonKit.obj("blob", "small"), Duration.ofSeconds(20));
        assertTrue(small.ok(), () -> small.raw().toString());
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"SDK_0_2_1", "SDK_0_11_6", "SDK_0_22_1", "JAVA"})
    void unanswered_call_fails_with_timeout_at_the_engines_limit(Kind caller) {
        JavaWorker callee = java("silent-" + shortId());
        Peer from = peer(caller);
        String fn = fid("silent");
        callee.registerSilentFunction(fn);
        awaitFunctionListed(fn);

        Outcome out = from.call(fn, JsonKit.obj("n", 1), Duration.ofSeconds(25));

        assertFalse(out.ok(), () -> out.raw().toString());
        assertEquals("timeout", out.errorCode(), () -> out.raw().toString());
        assertTrue(out.elapsedMs() >= INVOCATION_TIMEOUT_MS - 100 && out.elapsedMs() < 15_000,
                () -> "expired by the engine after about " + INVOCATION_TIMEOUT_MS + " ms: " + out.elapsedMs());
        assertEquals(1, callee.awaitInvocations(fn, 1, SHORT).size());
    }
}
