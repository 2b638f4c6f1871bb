package iii.engine.core;

import iii.engine.config.EngineConfig;
import iii.engine.invocation.Call;
import iii.engine.protocol.RawJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingTest {

    private final TestEngine engine = new TestEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    private static String invoke(String id, String function, String data) {
        return "{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":\"" + function
                + "\",\"data\":" + data + "}";
    }

    @Test
    void callReachesOwnerWithCallerIdAndAnswerReturnsToCaller() {
        var callee = engine.connect().say("{\"type\":\"registerfunction\",\"id\":\"math::add\"}");
        var caller = engine.connect();
        var id = UUID.randomUUID().toString();

        caller.say(invoke(id, "math::add", "{\"a\" : 1, \"b\":[2, 3.5e1]}"));
        var routed = callee.await("invokefunction");
        assertEquals(id, routed.getString("invocation_id"));
        assertEquals(caller.id(), routed.getJsonObject("data").getString("_caller_worker_id"));
        assertEquals(1, routed.getJsonObject("data").getInt("a"));

        callee.say("{\"type\":\"invocationresult\",\"invocation_id\":\"" + id
                + "\",\"function_id\":\"math::add\",\"result\":{\"sum\":36}}");
        var result = caller.await("invocationresult");
        assertEquals(id, result.getString("invocation_id"));
        assertEquals(36, result.getJsonObject("result").getInt("sum"));
        assertEquals(0, engine.invoker.pendingCount());
        assertTrue(caller.worker.invocations().isEmpty());
        assertTrue(callee.worker.invocations().isEmpty());
    }

    @Test
    void nonObjectPayloadIsPassedUnchanged() {
        var callee = engine.connect().say("{\"type\":\"registerfunction\",\"id\":\"echo\"}");
        var caller = engine.connect();
        caller.say(invoke(UUID.randomUUID().toString(), "echo", "[1,\"two\"]"));
        assertEquals("[1,\"two\"]", callee.await("invokefunction").getJsonArray("data").toString());
    }

    @Test
    void nullResultIsOmittedAndWorkerErrorPassesThrough() {
        var callee = engine.connect().say("{\"type\":\"registerfunction\",\"id\":\"f\"}");
        var caller = engine.connect();
        var first = UUID.randomUUID().toString();
        var second = UUID.randomUUID().toString();
        caller.say(invoke(first, "f", "null")).say(invoke(second, "f", "null"));
        callee.say("{\"type\":\"invocationresult\",\"invocation_id\":\"" + first
                + "\",\"function_id\":\"f\",\"result\":null}");
        callee.say("{\"type\":\"invocationresult\",\"invocation_id\":\"" + second
                + "\",\"function_id\":\"f\",\"error\":{\"code\":\"invocation_failed\",\"message\":\"boom\","
                + "\"stacktrace\":\"at x\"}}");

        var ok = caller.await("invocationresult", frame -> frame.getString("invocation_id").equals(first));
        assertFalse(ok.containsKey("result"));
        assertFalse(ok.containsKey("error"));
        var failed = caller.await("invocationresult", frame -> frame.getString("invocation_id").equals(second));
        assertEquals("{\"code\":\"invocation_failed\",\"message\":\"boom\",\"stacktrace\":\"at x\"}",
                failed.getJsonObject("error").toString());
    }

    @Test
    void unknownFunctionAnswersFunctionNotFound() {
        var caller = engine.connect();
        var id = UUID.randomUUID().toString();
        caller.say(invoke(id, "nobody::home", "{}"));
        var result = caller.await("invocationresult");
        assertEquals("function_not_found", result.getJsonObject("error").getString("code"));
        assertEquals("Function nobody::home not found", result.getJsonObject("error").getString("message"));
    }

    @Test
    void fireAndForgetStillGivesOwnerAnIdButCallerNoResult() {
        var callee = engine.connect().say("{\"type\":\"registerfunction\",\"id\":\"audit\"}");
        var caller = engine.connect();
        caller.say("{\"type\":\"invokefunction\",\"function_id\":\"audit\",\"data\":{\"e\":1}}");
        caller.say("{\"type\":\"invokefunction\",\"invocation_id\":\"" + UUID.randomUUID()
                + "\",\"function_id\":\"audit\",\"data\":{\"e\":2},\"action\":{\"type\":\"void\"}}");
        var first = callee.await("invokefunction");
        var second = callee.await("invokefunction");
        UUID.fromString(first.getString("invocation_id"));
        callee.say("{\"type\":\"invocationresult\",\"invocation_id\":\"" + first.getString("invocation_id")
                + "\",\"function_id\":\"audit\",\"result\":1}");
        callee.say("{\"type\":\"invocationresult\",\"invocation_id\":\"" + second.getString("invocation_id")
                + "\",\"function_id\":\"audit\",\"result\":2}");
        assertEquals(0, engine.invoker.pendingCount());
        assertTrue(caller.received("invocationresult").isEmpty());
        assertTrue(caller.worker.invocations().isEmpty());
    }

    @Test
    void ownerDisconnectingStopsPendingCalls() {
        var callee = engine.connect().say("{\"type\":\"registerfunction\",\"id\":\"slow\"}");
        var caller = engine.connect();
        var id = UUID.randomUUID().toString();
        caller.say(invoke(id, "slow", "{}"));
        callee.await("invokefunction");
        callee.disconnect();
        var result = caller.await("invocationresult");
        assertEquals("invocation_stopped", result.getJsonObject("error").getString("code"));
        assertEquals(0, engine.invoker.pendingCount());
    }

    @Test
    void callerDisconnectingDropsTheLateAnswer() {
        var callee = engine.connect().say("{\"type\":\"registerfunction\",\"id\":\"slow\"}");
        var caller = engine.connect();
        var id = UUID.randomUUID().toString();
        caller.say(invoke(id, "slow", "{}"));
        callee.await("invokefunction");
        caller.disconnect();
        assertEquals(0, engine.invoker.pendingCount());
        assertTrue(callee.worker.invocations().isEmpty());
        callee.say("{\"type\":\"invocationresult\",\"invocation_id\":\"" + id + "\",\"function_id\":\"slow\"}");
        assertTrue(callee.received("error").isEmpty());
    }

    @Test
    void answerFromAnotherWorkerIsIgnored() {
        var callee = engine.connect().say("{\"type\":\"registerfunction\",\"id\":\"f\"}");
        var intruder = engine.connect();
        var caller = engine.connect();
        var id = UUID.randomUUID().toString();
        caller.say(invoke(id, "f", "{}"));
        callee.await("invokefunction");
        intruder.say("{\"type\":\"invocationresult\",\"invocation_id\":\"" + id
                + "\",\"function_id\":\"f\",\"result\":\"forged\"}");
        assertEquals(1, engine.invoker.pendingCount());
        callee.say("{\"type\":\"invocationresult\",\"invocation_id\":\"" + id
                + "\",\"function_id\":\"f\",\"result\":\"real\"}");
        assertEquals("real", caller.await("invocationresult").getString("result"));
    }

    @Test
    void duplicateInvocationIdIsRefusedWithoutDisturbingTheFirstCall() {
        var callee = engine.connect().say("{\"type\":\"registerfunction\",\"id\":\"f\"}");
        var caller = engine.connect();
        var id = UUID.randomUUID().toString();
        caller.say(invoke(id, "f", "1")).say(invoke(id, "f", "2"));
        var refused = caller.await("invocationresult");
        assertEquals("invalid_message", refused.getJsonObject("error").getString("code"));
        callee.say("{\"type\":\"invocationresult\",\"invocation_id\":\"" + id + "\",\"function_id\":\"f\",\"result\":1}");
        assertEquals(1, caller.await("invocationresult").getInt("result"));
    }

    @Test
    void unansweredCallExpiresWithTimeout() throws Exception {
        try (var quick = new TestEngine(new EngineConfig(1024 * 1024, 1, 10, 1 << 20, 0, 1L << 26))) {
            var callee = quick.connect().say("{\"type\":\"registerfunction\",\"id\":\"never\"}");
            var caller = quick.connect();
            caller.say(invoke(UUID.randomUUID().toString(), "never", "{}"));
            callee.await("invokefunction");
            Thread.sleep(5);
            quick.invoker.expireOverdue();
            assertEquals("timeout", caller.await("invocationresult").getJsonObject("error").getString("code"));
            assertTrue(callee.worker.invocations().isEmpty());
        }
    }

    @Test
    void callWithItsOwnTimeoutExpiresAfterItAndItsErrorSaysSo() {
        var callee = engine.connect().register("auth::check");
        var caller = engine.connect();
        var patient = UUID.randomUUID().toString();
        caller.say(invoke(patient, "auth::check", "{}"));
        var hasty = engine.invoker.invoke(new Call(UUID.randomUUID(), "auth::check", RawJson.EMPTY_OBJECT, null, null,
                null, null, true), 0);
        callee.await("invokefunction");
        callee.await("invokefunction");

        engine.invoker.expireOverdue();

        var error = TestEngine.parse(hasty.getNow(null).error().text());
        assertEquals("timeout", error.getString("code"));
        assertEquals("Invocation of auth::check timed out after 0 ms", error.getString("message"));
        assertEquals(1, engine.invoker.pendingCount());
        assertTrue(caller.received("invocationresult").isEmpty());
    }

    @Test
    void traceContextTravelsBothWays() {
        var callee = engine.connect().say("{\"type\":\"registerfunction\",\"id\":\"f\"}");
        var caller = engine.connect();
        var id = UUID.randomUUID().toString();
        var traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        caller.say("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":\"f\",\"data\":{},"
                + "\"traceparent\":\"" + traceparent + "\",\"baggage\":\"k=v\"}");
        var routed = callee.await("invokefunction");
        assertEquals(traceparent, routed.getString("traceparent"));
        assertEquals("k=v", routed.getString("baggage"));
        callee.say("{\"type\":\"invocationresult\",\"invocation_id\":\"" + id + "\",\"function_id\":\"f\"}");
        assertEquals(traceparent, caller.await("invocationresult").getString("traceparent"));
    }

    @Test
    void newestRegistrationOwnsAnIdAndOldOwnerCannotRemoveIt() {
        var first = engine.connect().say("{\"type\":\"registerfunction\",\"id\":\"shared\"}");
        var second = engine.connect().say("{\"type\":\"registerfunction\",\"id\":\"shared\"}");
        first.say("{\"type\":\"unregisterfunction\",\"id\":\"shared\"}");
        first.disconnect();
        var caller = engine.connect();
        caller.say(invoke(UUID.randomUUID().toString(), "shared", "{}"));
        second.await("invokefunction");
        assertTrue(first.worker.functionIds().isEmpty());
    }
}
