package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.it.ArquillianEngine;
import iii.sdk.FunctionInfo;
import iii.sdk.FunctionNotFoundException;
import iii.sdk.Iii;
import iii.sdk.IiiException;
import iii.sdk.IiiOptions;
import iii.sdk.IiiTimeoutException;
import iii.sdk.TriggerConfig;
import iii.sdk.WorkerInfo;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Java SDK ({@code iii.sdk.Iii}) against the engine with the real npm SDKs: Java functions called from Node
 * workers of each generation, Java calling theirs, errors and fire-and-forget both ways, and a closed worker's
 * functions leaving the engine.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JavaSdkIT extends E2eSupport {

    public record In(int n) {
    }

    public record Out(int doubled, String by) {
    }

    public record Data(List<Integer> data) {
    }

    public record Processed(int count, int sum) {
    }

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment();
    }

    private Iii sdk(String name) {
        return closeLater(Iii.connect(ws(), IiiOptions.builder().workerName(name).build()));
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletionStage<?> stage) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(20, TimeUnit.SECONDS));
        return e.getCause();
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void java_function_is_called_by_node_worker_with_bound_records(Sdk sdk) {
        Iii java = sdk("java-callee-" + shortId());
        String fn = fid("double");
        java.registerFunction(fn, In.class, in -> new Out(in.n() * 2, "java"));
        awaitFunctionListed(fn);

        JsonObject reply = assertCallOk(node(sdk).call(fn, JsonKit.obj("n", 21)));

        assertEquals(JsonKit.obj("doubled", 42, "by", "java"), result(reply));
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void java_calls_node_worker_function_and_binds_its_result(Sdk sdk) throws Exception {
        NodeWorker node = node(sdk);
        String fn = fid("echo");
        node.registerFunction(fn, "echo");
        awaitFunctionListed(fn);
        Iii java = sdk("java-caller-" + shortId());

        In echoed = await(java.call(fn, new In(7), In.class));
        JsonObject raw = await(java.call(fn, Map.of("name", "java"), JsonObject.class));

        assertEquals(new In(7), echoed);
        assertEquals("java", raw.getString("name"));
        assertEquals(java.workerId(), raw.getString("_caller_worker_id"), "the engine names the Java caller");
    }

    @Test
    void java_process_is_called_from_node_as_in_the_cross_runtime_example() {
        Iii java = sdk("java-process-" + shortId());
        String fn = "java-" + shortId() + ".process";
        java.registerFunction(fn, Data.class,
                in -> new Processed(in.data().size(), in.data().stream().mapToInt(Integer::intValue).sum()));
        awaitFunctionListed(fn);

        for (Sdk sdk : List.of(Sdk.V0_2_1, Sdk.V0_22_1)) {
            JsonObject reply = assertCallOk(node(sdk).call(fn, JsonKit.obj("data", JsonKit.arr(1, 2, 3, 4))));
            assertEquals(JsonKit.obj("count", 4, "sum", 10), result(reply), () -> sdk + " caller");
        }
    }

    @Test
    void java_trigger_type_provider_is_told_of_node_triggers_and_functions_available_fire() throws Exception {
        Iii java = sdk("java-provider-" + shortId());
        String type = "e2e-" + shortId() + "::java-events";
        var told = new CompletableFuture<TriggerConfig>();
        java.registerTriggerType(type, "events a Java worker provides", told::complete);
        var available = new CompletableFuture<List<FunctionInfo>>();
        java.onFunctionsAvailable(available::complete);
        NodeWorker node = node(Sdk.V0_22_1);
        String target = fid("on-event");
        node.registerFunction(target, "echo");

        node.registerTrigger(type, target, JsonKit.obj("topic", "orders"));

        TriggerConfig trigger = told.get(20, TimeUnit.SECONDS);
        assertEquals(target, trigger.functionId());
        assertEquals("orders", trigger.config().asJsonObject().getString("topic"));
        assertTrue(available.get(20, TimeUnit.SECONDS).stream().anyMatch(f -> f.functionId() != null),
                "engine::functions-available delivered a list");
    }

    @Test
    void reattaching_java_worker_retires_its_half_open_connection_at_once() throws Exception {
        TcpProxy proxy = closeLater(new TcpProxy(ws()));
        String name = "java-reattach-" + shortId();
        Iii java = closeLater(Iii.connect(proxy.url(ws()), IiiOptions.builder().workerName(name)
                .reconnect(Duration.ofMillis(200), Duration.ofSeconds(2), 2, 0.3).build()));
        String fn = fid("reattached");
        java.registerFunction(fn, In.class, in -> new Out(in.n() * 2, "again"));
        awaitFunctionListed(fn);
        String oldId = java.workerId();

        // the worker's side breaks; the engine's side stays open and silent
        proxy.detachClients();

        // reattach{previous_worker_id, reattach_token} first: the engine retires the old connection at once
        Await.untilTrue("exactly one live worker named " + name + " and it is a new connection", MEDIUM, () -> {
            List<String> ids = observer().listWorkers().stream().filter(r -> name.equals(JsonKit.str(r, "name")))
                    .map(r -> JsonKit.str(r, "id")).toList();
            return ids.size() == 1 && !ids.get(0).equals(oldId);
        });
        JsonObject reply = observer().call(fn, JsonKit.obj("n", 4));
        assertEquals(JsonKit.obj("doubled", 8, "by", "again"), reply.get("result"), reply::toString);
        proxy.releaseDetached();
        JsonObject again = observer().call(fn, JsonKit.obj("n", 5));
        assertEquals(JsonKit.obj("doubled", 10, "by", "again"), again.get("result"), "after the late close");
    }

    @Test
    void thrown_exception_reaches_node_caller_with_its_code_and_message() {
        Iii java = sdk("java-failing-" + shortId());
        String coded = fid("coded");
        String plain = fid("plain");
        java.registerFunction(coded, In.class, in -> {
            throw new IiiException("out_of_stock", "sku " + in.n() + " is gone");
        });
        java.registerFunction(plain, In.class, in -> {
            throw new IllegalArgumentException("n must be positive");
        });
        awaitFunctionListed(plain);
        NodeWorker node = node(Sdk.V0_22_1);

        JsonObject codedError = assertCallError(node.call(coded, JsonKit.obj("n", 3)), "out_of_stock");
        JsonObject plainError = assertCallError(node.call(plain, JsonKit.obj("n", -1)), "invocation_failed");

        assertTrue(JsonKit.str(codedError, "message").contains("sku 3 is gone"), codedError::toString);
        assertTrue(JsonKit.str(plainError, "message").contains("n must be positive"), plainError::toString);
    }

    @Test
    void async_handler_is_answered_when_its_stage_completes() throws Exception {
        Iii callee = sdk("java-async-" + shortId());
        String fn = fid("later");
        callee.registerFunction(fn, In.class, in -> CompletableFuture.supplyAsync(() -> new Out(in.n() * 2, "later"),
                CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS)));
        awaitFunctionListed(fn);
        Iii caller = sdk("java-async-caller-" + shortId());

        assertEquals(new Out(10, "later"), await(caller.call(fn, new In(5), Out.class)));
    }

    @Test
    void handler_that_waits_for_its_own_call_is_answered_on_the_default_executor() {
        NodeWorker node = node(Sdk.V0_22_1);
        String inner = fid("inner");
        node.registerFunction(inner, "echo");
        awaitFunctionListed(inner);
        Iii java = sdk("java-waits-" + shortId());
        String fn = fid("waits");
        // blocks its thread until the result of its own call comes in on the same connection
        java.registerFunction(fn, In.class, in -> {
            try {
                return new Out(await(java.call(inner, new In(in.n() * 2), In.class)).n(), "waited");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitFunctionListed(fn);
        JsonObject reply = assertCallOk(node.call(fn, JsonKit.obj("n", 4)));

        assertEquals(JsonKit.obj("doubled", 8, "by", "waited"), result(reply));
    }

    @Test
    void handlers_on_the_client_thread_are_answered_without_a_pool_thread() throws Exception {
        Iii inline = closeLater(Iii.connect(ws(), IiiOptions.builder().workerName("java-inline-" + shortId())
                .executor(Runnable::run).build()));
        String fn = fid("inline");
        var threads = new ConcurrentLinkedQueue<String>();
        inline.registerFunction(fn, In.class, in -> {
            threads.add(Thread.currentThread().getName());
            return new Out(in.n() * 2, "inline");
        });
        String later = fid("inline-later");
        inline.registerFunction(later, In.class, in -> CompletableFuture.supplyAsync(() -> new Out(in.n(), "later"),
                CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)));
        awaitFunctionListed(fn);
        awaitFunctionListed(later);
        Iii caller = sdk("java-inline-caller-" + shortId());

        assertEquals(new Out(6, "inline"), await(caller.call(fn, new In(3), Out.class)));
        assertEquals(JsonKit.obj("doubled", 10, "by", "inline"),
                result(assertCallOk(node(Sdk.V0_11_6).call(fn, JsonKit.obj("n", 5)))));
        assertEquals(new Out(9, "later"), await(caller.call(later, new In(9), Out.class)));
        assertEquals(2, threads.size());
        assertTrue(threads.stream().noneMatch(t -> t.startsWith("iii-sdk-")), threads::toString);
    }

    @Test
    void node_error_and_missing_function_and_timeout_are_typed_exceptions() {
        NodeWorker node = node(Sdk.V0_22_1);
        String failing = fid("fail");
        String silent = fid("silent");
        node.registerFunction(failing, "fail", "message", "node says no");
        node.registerFunction(silent, "never-answer");
        awaitFunctionListed(silent);
        Iii java = sdk("java-errors-" + shortId());

        Throwable failed = failure(java.call(failing, Map.of(), JsonObject.class));
        Throwable missing = failure(java.call(fid("missing"), Map.of(), JsonObject.class));
        Throwable late = failure(java.call(silent, Map.of(), JsonObject.class, Duration.ofMillis(500)));

        assertInstanceOf(IiiException.class, failed);
        assertTrue(failed.getMessage().contains("node says no"), failed::toString);
        assertEquals(failing, ((IiiException) failed).functionId());
        assertInstanceOf(FunctionNotFoundException.class, missing);
        assertInstanceOf(IiiTimeoutException.class, late);
    }

    @Test
    void fired_call_reaches_node_function_without_an_answer() {
        NodeWorker node = node(Sdk.V0_22_1);
        String sink = fid("sink");
        node.registerFunction(sink, "echo");
        awaitFunctionListed(sink);
        Iii java = sdk("java-fire-" + shortId());

        java.fire(sink, Map.of("from", "java"));

        JsonObject invoked = node.await(e -> "invoked".equals(NodeWorker.type(e))
                && sink.equals(JsonKit.str(e, "function_id")), SHORT, "invocation of " + sink);
        assertEquals("java", JsonKit.str(invoked, "data.from"));
    }

    @Test
    void closing_in_a_calls_continuation_on_the_client_thread_returns_at_once_and_its_functions_leave() throws Exception {
        Iii callee = sdk("java-close-callee");
        String fn = fid("slow-echo");
        // answered a moment later, so that the continuation below is in place and runs where the answer comes in
        callee.registerFunction(fn, In.class, in -> CompletableFuture.supplyAsync(() -> in,
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)));
        Iii caller = Iii.connect(ws(), IiiOptions.builder().workerName("java-closer-" + shortId()).build());
        String own = fid("closer-own");
        caller.registerFunction(own, In.class, in -> in);
        awaitFunctionListed(fn);
        awaitFunctionListed(own);
        var closeMillis = new CompletableFuture<Long>();

        caller.call(fn, new In(1), In.class).thenAccept(r -> {
            long start = System.nanoTime();
            caller.close();
            closeMillis.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        });

        long ms = closeMillis.get(20, TimeUnit.SECONDS);
        // before, it waited the whole 3 s for a close handshake that only that thread could complete, then aborted
        assertTrue(ms < 2_000, "close() on the client's thread took " + ms + " ms");
        awaitFunctionGone(own);
    }

    @Test
    void worker_is_listed_with_its_runtime_and_closed_worker_functions_leave_the_engine() throws Exception {
        String name = "java-listed-" + shortId();
        Iii java = Iii.connect(ws(), IiiOptions.builder().workerName(name).build());
        String fn = fid("transient");
        try {
            java.registerFunction(fn, In.class, in -> in);
            awaitFunctionListed(fn);
            List<FunctionInfo> functions = await(java.listFunctions());
            WorkerInfo me = Await.until("the Java worker's row with its name", MEDIUM, () -> {
                try {
                    return await(java.listWorkers()).stream().filter(w -> name.equals(w.name())).findFirst();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertTrue(functions.stream().anyMatch(f -> fn.equals(f.functionId())), functions::toString);
            assertEquals("java", me.runtime());
            assertEquals(java.workerId(), me.id());
        } finally {
            java.close();
        }
        awaitFunctionGone(fn);
    }
}
