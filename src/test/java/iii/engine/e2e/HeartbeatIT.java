package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine's heartbeat: a worker whose connection went silent without a close (half-open TCP) is taken as gone
 * after two unanswered pings, its callers get {@code invocation_stopped} and its functions go; live workers of every
 * SDK version answer the pings (their WebSocket library does) and stay.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HeartbeatIT extends E2eSupport {

    static final int HEARTBEAT_MS = 500;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment(Map.of("iii.heartbeat-ms", Integer.toString(HEARTBEAT_MS)));
    }

    @Test
    void half_open_worker_is_retired_and_its_waiting_callers_stopped() throws IOException {
        TcpProxy proxy = closeLater(new TcpProxy(ws()));
        JavaWorker callee = closeLater(JavaWorker.connectRegistered(proxy.url(ws()), "half-open-" + shortId()));
        String fn = fid("silent");
        callee.registerSilentFunction(fn);
        awaitFunctionListed(fn);
        JavaWorker caller = java("caller-" + shortId());
        String id = UUID.randomUUID().toString();
        caller.send(JsonKit.obj("type", "invokefunction", "invocation_id", id, "function_id", fn,
                "data", JsonKit.obj()));
        callee.awaitInvocations(fn, 1, SHORT);

        long start = System.nanoTime();
        proxy.detachClients();
        JsonObject result = caller.awaitResult(id, Duration.ofSeconds(10));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals("invocation_stopped", JsonKit.str(result, "error.code"), result::toString);
        assertTrue(elapsedMs < 5 * HEARTBEAT_MS + 2_000, () -> "noticed after " + elapsedMs + " ms");
        awaitFunctionGone(fn);
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void idle_sdk_worker_answers_pings_and_stays(Sdk sdk) throws InterruptedException {
        NodeWorker worker = node(sdk);
        String fn = fid("idle");
        worker.registerFunction(fn, "echo");
        awaitFunctionListed(fn);
        String workerId = worker.workerId();

        Thread.sleep(6 * HEARTBEAT_MS); // several beats pass while the worker sends nothing of its own

        assertTrue(workerRow(workerId).isPresent(), "the same connection is still there, not a reconnected one");
        JsonObject echoed = observer().call(fn, JsonKit.obj("n", 1));
        assertEquals(1, echoed.getJsonObject("result").getInt("n"), echoed::toString);
    }
}
