package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.e2e.Peer.Kind;
import iii.engine.e2e.Peer.Outcome;
import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * A worker that dies without a goodbye (SIGKILL of the node process, an aborted TCP connection for the Java
 * worker): callers waiting on it get {@code invocation_stopped} at once, long before the SDKs' 30 s timeout, and
 * everything it registered disappears (PROTOCOL.md §3.9, §11; DISCOVERY.md "Automatic Cleanup").
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WorkerCrashIT extends E2eSupport {

    /** Well under the SDKs' default 30 s invocation timeout. */
    private static final long PROMPT_MS = 5_000;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment();
    }

    static Stream<Arguments> calleeAndCaller() {
        return pairs(Kind.main());
    }

    @ParameterizedTest(name = "{0} killed while {1} waits")
    @MethodSource("calleeAndCaller")
    void caller_gets_invocation_stopped_promptly_when_the_callee_is_killed_mid_call(Kind callee, Kind caller)
            throws Exception {
        Peer to = peer(callee);
        Peer from = peer(caller);
        String fn = fid("hangs");
        to.register(fn, "never-answer");
        awaitFunctionListed(fn);

        CompletableFuture<Outcome> pending = from.callAsync(fn, JsonKit.obj("wait", "forever"));
        to.awaitInvokedData(fn, Duration.ofSeconds(10));
        long killedAt = System.nanoTime();
        to.kill();

        Outcome out = pending.get(PROMPT_MS + 5_000, TimeUnit.MILLISECONDS);
        long afterKillMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        assertFalse(out.ok(), () -> "call must fail: " + out.raw());
        assertEquals("invocation_stopped", out.errorCode(), () -> out.raw().toString());
        assertTrue(afterKillMs < PROMPT_MS, () -> "invocation_stopped " + afterKillMs + " ms after the kill");
        awaitFunctionGone(fn);
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_3_0", "V0_11_6", "V0_22_1"})
    void killed_worker_and_its_functions_vanish_from_listings(Sdk sdk) {
        NodeWorker w = node(sdk);
        String f1 = fid("gone-1");
        String f2 = fid("gone-2");
        w.registerFunction(f1, "echo");
        w.registerFunction(f2, "echo");
        awaitFunctionListed(f1);
        awaitFunctionListed(f2);
        String id = w.workerId();

        w.kill();

        awaitFunctionGone(f1);
        awaitFunctionGone(f2);
        awaitWorkerGone(id);
        JsonObject r = observer().call(f1, JsonKit.obj());
        assertEquals("function_not_found", JsonKit.str(r, "error.code"), () -> "call after kill: " + r);
    }

    @Test
    void killed_caller_does_not_disturb_the_callee_or_other_callers() {
        NodeWorker callee = node(Sdk.V0_11_6);
        NodeWorker doomed = node(Sdk.V0_2_1);
        NodeWorker survivor = node(Sdk.V0_22_1);
        String slow = fid("slow");
        callee.registerFunction(slow, "sleep", "ms", 1500);
        awaitFunctionListed(slow);

        doomed.callAsync(slow, JsonKit.obj("who", "doomed"));
        callee.awaitInvoked(slow, SHORT);
        doomed.kill();

        JsonObject reply = survivor.call(slow, JsonKit.obj("who", "survivor"));
        assertCallOk(reply);
        assertEquals("survivor", JsonKit.str(reply, "result.who"));
        assertTrue(callee.isAlive(), callee::diagnostics);
        assertTrue(callee.events(NodeWorker.event("uncaught")).isEmpty(), callee::diagnostics);
    }

    @Test
    void several_pending_calls_from_different_versions_all_stop_when_the_callee_dies() throws Exception {
        NodeWorker callee = node(Sdk.V0_22_1);
        NodeWorker a = node(Sdk.V0_2_1);
        NodeWorker b = node(Sdk.V0_11_6);
        JavaWorker c = java("pending-java-" + shortId());
        String fn = fid("hang-many");
        callee.registerFunction(fn, "never-answer");
        awaitFunctionListed(fn);

        CompletableFuture<JsonObject> fa = a.callAsync(fn, JsonKit.obj("n", 1));
        CompletableFuture<JsonObject> fb = b.callAsync(fn, JsonKit.obj("n", 2));
        CompletableFuture<JsonObject> fc = CompletableFuture.supplyAsync(
                () -> c.call(fn, JsonKit.obj("n", 3), Duration.ofSeconds(30)));
        callee.awaitCount(NodeWorker.invoked(fn), 3, Duration.ofSeconds(10), "three invocations");
        callee.kill();

        assertCallError(a.join(fa, Duration.ofMillis(PROMPT_MS), "0.2.1 result"), "invocation_stopped");
        assertCallError(b.join(fb, Duration.ofMillis(PROMPT_MS), "0.11.6 result"), "invocation_stopped");
        JsonObject frame = fc.get(PROMPT_MS, TimeUnit.MILLISECONDS);
        assertEquals("invocation_stopped", JsonKit.str(frame, "error.code"), () -> "java result " + frame);
    }

    /**
     * Many workers dropping at once: every cleanup runs (none is refused by a busy thread pool) and the engine goes on
     * answering built-in calls meanwhile.
     */
    @Test
    void every_worker_of_a_burst_of_600_dropping_at_once_is_cleaned_up_while_the_engine_keeps_answering() {
        JavaWorker o = observer();
        int crowdSize = 600;
        List<JavaWorker> crowd = new ArrayList<>();
        List<String> functions = new ArrayList<>();
        for (int i = 0; i < crowdSize; i++) {
            JavaWorker w = closeLater(JavaWorker.connectRegistered(ws(), "burst-" + i));
            String fn = fid("burst-" + i);
            w.registerSilentFunction(fn);
            crowd.add(w);
            functions.add(fn);
        }
        Await.untilTrue("the burst's functions listed", MEDIUM,
                () -> new HashSet<>(ids(o.listFunctions(), "function_id")).containsAll(functions));
        List<String> ids = crowd.stream().map(JavaWorker::workerId).toList();

        crowd.parallelStream().forEach(JavaWorker::abort);
        assertFalse(o.listWorkers().isEmpty(), "the engine answers while it cleans up");

        Await.untilTrue("every worker of the burst gone from engine::workers::list", MEDIUM,
                () -> ids(o.listWorkers(), "id").stream().noneMatch(new HashSet<>(ids)::contains));
        Await.untilTrue("every function of the burst gone from engine::functions::list", MEDIUM,
                () -> ids(o.listFunctions(), "function_id").stream().noneMatch(new HashSet<>(functions)::contains));
    }
}
