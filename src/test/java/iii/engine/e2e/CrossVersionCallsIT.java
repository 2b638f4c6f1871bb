package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.e2e.Peer.Kind;
import iii.engine.e2e.Peer.Outcome;
import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
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
 * Calls between workers of different SDK versions and a raw Java worker, in every direction: the callee sees the
 * caller's payload plus {@code _caller_worker_id}, the caller sees the callee's result (PROTOCOL.md §2.11, §2.12,
 * §3.2; DISCOVERY.md "Cross-Runtime Discovery").
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CrossVersionCallsIT extends E2eSupport {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment();
    }

    static Stream<Arguments> everyCallerAndCallee() {
        return pairs(Kind.all());
    }

    @ParameterizedTest(name = "{0} calls {1}")
    @MethodSource("everyCallerAndCallee")
    void object_payload_reaches_callee_with_caller_id_and_result_returns(Kind caller, Kind callee) {
        Peer to = peer(callee);
        Peer from = peer(caller);
        String fn = fid("echo");
        to.register(fn, "echo");
        awaitFunctionListed(fn);

        JsonObject payload = JsonKit.obj("nonce", shortId(), "n", 42, "pi", 3.25, "flag", true, "none", null,
                "text", "grüße ✓ \"quoted\"", "nested", JsonKit.obj("list", JsonKit.arr(1, "two", null, false)));
        Outcome out = from.call(fn, payload, Duration.ofSeconds(20));

        assertTrue(out.ok(), () -> from + " -> " + to + ": " + out.raw());
        JsonValue seen = to.awaitInvokedData(fn, SHORT);
        assertPayloadWithCaller(payload, seen, from.workerId());
        assertEquals(seen, out.result(), "the caller gets what the callee returned");
    }

    static Stream<Arguments> nonObjectPayloads() {
        return Stream.of(
                Arguments.of(Kind.SDK_0_22_1, Kind.SDK_0_2_1, JsonKit.arr(1, JsonKit.obj("a", 1), "x")),
                Arguments.of(Kind.SDK_0_2_1, Kind.SDK_0_22_1, JsonKit.string("plain string")),
                Arguments.of(Kind.SDK_0_11_6, Kind.JAVA, JsonKit.value(12345)),
                Arguments.of(Kind.JAVA, Kind.SDK_0_11_6, JsonValue.TRUE),
                Arguments.of(Kind.SDK_0_3_0, Kind.SDK_0_11_6, JsonKit.arr()));
    }

    @ParameterizedTest(name = "{0} sends {2} to {1}")
    @MethodSource("nonObjectPayloads")
    void non_object_payload_passes_unchanged(Kind caller, Kind callee, JsonValue payload) {
        Peer to = peer(callee);
        Peer from = peer(caller);
        String fn = fid("raw");
        to.register(fn, "echo");
        awaitFunctionListed(fn);

        Outcome out = from.call(fn, payload, Duration.ofSeconds(20));

        assertTrue(out.ok(), () -> out.raw().toString());
        assertEquals(payload, to.awaitInvokedData(fn, SHORT), "no _caller_worker_id is added to non-objects");
        assertEquals(payload, out.result());
    }

    static Stream<Arguments> mainCallersAndCallees() {
        return pairs(Kind.main());
    }

    @ParameterizedTest(name = "{0} calls {1}")
    @MethodSource("mainCallersAndCallees")
    void null_result_reaches_caller_as_no_value(Kind caller, Kind callee) {
        Peer to = peer(callee);
        Peer from = peer(caller);
        String fn = fid("nothing");
        to.register(fn, "return-null");
        awaitFunctionListed(fn);

        Outcome out = from.call(fn, JsonKit.obj("q", 1), Duration.ofSeconds(20));

        assertTrue(out.ok(), () -> out.raw().toString());
        assertNull(out.result(), () -> "a null result is relayed without 'result' (PROTOCOL.md §2.12): " + out.raw());
    }

    @Test
    void invocation_without_data_is_delivered_as_null() {
        // callVoid('x') / trigger without payload: JSON.stringify drops `data` (Part A item 8: not an error).
        Peer to = peer(Kind.SDK_0_22_1);
        JavaWorker from = java("nodata-" + shortId());
        String fn = fid("nodata");
        to.register(fn, "echo");
        awaitFunctionListed(fn);

        JsonObject frame = from.call(fn, null, Duration.ofSeconds(10));

        assertFalse(frame.containsKey("error"), () -> "missing data is not an error: " + frame);
        assertEquals(JsonValue.NULL, to.awaitInvokedData(fn, SHORT));
        assertNull(frame.get("result"), () -> "echo of null comes back as no result: " + frame);
    }

    @Test
    void chain_through_three_sdk_versions_reports_each_immediate_caller() {
        NodeWorker first = node(Sdk.V0_2_1);
        NodeWorker second = node(Sdk.V0_11_6);
        NodeWorker last = node(Sdk.V0_22_1);
        JavaWorker origin = java("chain-" + shortId());
        String f1 = fid("hop1");
        String f2 = fid("hop2");
        String f3 = fid("hop3");
        last.registerFunction(f3, "echo");
        second.registerFunction(f2, "forward", "target", f3);
        first.registerFunction(f1, "forward", "target", f2);
        awaitFunctionListed(f1);
        awaitFunctionListed(f2);
        awaitFunctionListed(f3);

        JsonObject payload = JsonKit.obj("order", "o-" + shortId());
        JsonObject frame = origin.call(f1, payload, Duration.ofSeconds(20));

        assertFalse(frame.containsKey("error"), () -> "chain failed: " + frame);
        assertPayloadWithCaller(payload, first.awaitInvoked(f1, SHORT).get("data"), origin.workerId());
        // Each hop forwards what it received; the engine sets _caller_worker_id to the immediate caller.
        assertEquals(first.workerId(), JsonKit.str(second.awaitInvoked(f2, SHORT), "data._caller_worker_id"));
        assertEquals(second.workerId(), JsonKit.str(last.awaitInvoked(f3, SHORT), "data._caller_worker_id"));
        assertEquals(payload.getString("order"), JsonKit.str(frame, "result.order"), () -> "result " + frame);
    }

    @Test
    void concurrent_calls_from_two_versions_each_get_their_own_result() {
        NodeWorker callee = node(Sdk.V0_11_6);
        NodeWorker a = node(Sdk.V0_2_1);
        NodeWorker b = node(Sdk.V0_22_1);
        String fn = fid("slow-echo");
        callee.registerFunction(fn, "sleep", "ms", 300);
        awaitFunctionListed(fn);

        var futures = new ArrayList<java.util.concurrent.CompletableFuture<JsonObject>>();
        for (int i = 0; i < 10; i++) {
            futures.add((i % 2 == 0 ? a : b).callAsync(fn, JsonKit.obj("i", i)));
        }
        for (int i = 0; i < 10; i++) {
            NodeWorker caller = i % 2 == 0 ? a : b;
            JsonObject reply = caller.join(futures.get(i), Duration.ofSeconds(20), "call " + i);
            assertCallOk(reply);
            assertEquals(i, JsonKit.num(reply, "result.i").intValue(), () -> "result " + reply);
            assertEquals(caller.workerId(), JsonKit.str(reply, "result._caller_worker_id"));
        }
    }

    static Stream<Arguments> largePayloadPairs() {
        return Stream.of(Arguments.of(Kind.SDK_0_2_1, Kind.SDK_0_22_1), Arguments.of(Kind.SDK_0_22_1, Kind.JAVA),
                Arguments.of(Kind.JAVA, Kind.SDK_0_11_6));
    }

    @ParameterizedTest(name = "{0} sends 3 MiB to {1}")
    @MethodSource("largePayloadPairs")
    void multi_megabyte_payload_travels_both_ways(Kind caller, Kind callee) {
        // Jakarta WebSocket containers default to small message buffers (PROTOCOL.md §1.7); iii has none.
        Peer to = peer(callee);
        Peer from = peer(caller);
        String fn = fid("large");
        to.register(fn, "echo");
        awaitFunctionListed(fn);
        String blob = "0123456789abcdef".repeat(3 * 65536);

        Outcome out = from.call(fn, JsonKit.obj("blob", blob), Duration.ofSeconds(60));

        assertTrue(out.ok(), () -> "large call failed: " + JsonKit.str(out.raw(), "error.code") + " "
                + JsonKit.str(out.raw(), "error.message"));
        assertEquals(blob, JsonKit.str(out.result(), "blob"));
    }

    @Test
    void function_id_registered_again_by_another_version_moves_to_the_newest_and_survives_the_old_owner() {
        NodeWorker older = node(Sdk.V0_2_1);
        NodeWorker newer = node(Sdk.V0_22_1);
        JavaWorker caller = java("owner-caller-" + shortId());
        String fn = fid("contested");
        older.registerFunction(fn, "constant", "result", JsonKit.obj("served_by", "0.2.1"));
        awaitFunctionListed(fn);
        assertEquals("0.2.1", JsonKit.str(caller.call(fn, JsonKit.obj()), "result.served_by"));

        newer.registerFunction(fn, "constant", "result", JsonKit.obj("served_by", "0.22.1"));
        Await.untilTrue(fn + " served by the newest registration", MEDIUM,
                () -> "0.22.1".equals(JsonKit.str(caller.call(fn, JsonKit.obj()), "result.served_by")));

        older.exit(); // removes only what it still owns (Part A item 5)
        awaitWorkerGone(older.workerId());
        assertEquals("0.22.1", JsonKit.str(caller.call(fn, JsonKit.obj()), "result.served_by"));
        assertTrue(observer().functionListed(fn));
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void unregistered_function_is_no_longer_listed_or_callable(Sdk sdk) {
        NodeWorker w = node(sdk);
        String fn = fid("withdrawn");
        String kept = fid("kept");
        w.registerFunction(fn, "echo");
        w.registerFunction(kept, "echo");
        awaitFunctionListed(fn);

        w.unregisterFunction(fn);

        awaitFunctionGone(fn);
        assertEquals("function_not_found", JsonKit.str(observer().call(fn, JsonKit.obj()), "error.code"));
        assertTrue(observer().functionListed(kept), "other functions of the worker stay");
    }

    @Test
    void invocation_metadata_of_0_22_1_reaches_the_handler() {
        NodeWorker callee = node(Sdk.V0_22_1);
        NodeWorker caller = node(Sdk.V0_22_1);
        String fn = fid("with-metadata");
        callee.registerFunction(fn, "echo");
        awaitFunctionListed(fn);

        JsonObject reply = caller.request(JsonKit.obj("cmd", "call", "function_id", fn, "data", JsonKit.obj("a", 1),
                "metadata", JsonKit.obj("tenant", "acme", "attempt", 2)));

        assertCallOk(reply);
        JsonObject invoked = callee.awaitInvoked(fn, SHORT);
        assertEquals("acme", JsonKit.str(invoked, "metadata.tenant"), () -> "metadata (PROTOCOL.md §3.6): " + invoked);
        assertEquals(2L, JsonKit.num(invoked, "metadata.attempt"));
    }
}
