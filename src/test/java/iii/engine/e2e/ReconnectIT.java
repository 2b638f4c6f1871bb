package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Workers whose connection breaks reconnect by themselves and replay their registrations; 0.22.1 reattaches so
 * the engine retires the old connection at once; a late cleanup of a stale connection never removes what the
 * reconnected worker registered again (PROTOCOL.md §2.3, §2.15, §11; Part A items 5 and 15).
 *
 * <p>The workers connect through a {@link TcpProxy} so the test can cut their TCP connection.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ReconnectIT extends E2eSupport {

    /** SDK backoff starts at 1 s ±30 %. */
    private static final Duration RECONNECT = Duration.ofSeconds(20);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment();
    }

    private TcpProxy proxy() {
        try {
            return closeLater(new TcpProxy(ws()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private NodeWorker nodeVia(TcpProxy proxy, Sdk sdk, String name) {
        URI url = proxy.url(ws());
        return node(sdk, url, NodeWorker.options().name(name));
    }

    private List<JsonObject> rowsNamed(String name) {
        return observer().listWorkers().stream().filter(r -> name.equals(JsonKit.str(r, "name"))).toList();
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6", "V0_22_1"})
    void dropped_connection_is_reestablished_with_functions_and_triggers_replayed(Sdk sdk) {
        TcpProxy proxy = proxy();
        String name = "reconnect-" + sdk.version() + "-" + shortId();
        NodeWorker w = nodeVia(proxy, sdk, name);
        NodeWorker provider = node(Sdk.V0_22_1);
        String type = "e2e-" + shortId() + "::replayed";
        String fn = fid("survives");
        provider.registerTriggerType(type);
        w.registerFunction(fn, "echo");
        w.registerTrigger(type, fn, JsonKit.obj("replay", true));
        JsonObject first = provider.await(e -> "registerTrigger".equals(NodeWorker.type(e))
                && fn.equals(JsonKit.str(e, "trigger.function_id")), SHORT, "registerTrigger");
        String oldId = w.workerId();

        proxy.dropAll();

        awaitWorkerGone(oldId);
        String newId = Await.until("a new connection named " + name, RECONNECT,
                () -> rowsNamed(name).stream().map(r -> JsonKit.str(r, "id")).filter(id -> !oldId.equals(id))
                        .findFirst());
        assertNotEquals(oldId, newId);
        JsonObject frame = Await.until(fn + " callable again", RECONNECT, () -> {
            JsonObject r = observer().call(fn, JsonKit.obj("back", true), Duration.ofSeconds(2));
            return r.containsKey("error") ? Optional.empty() : Optional.of(r);
        });
        assertTrue(JsonKit.isTrue(frame, "result.back"), () -> "result " + frame);
        // The trigger comes back with the id the SDK keeps across reconnects.
        String triggerId = JsonKit.str(first, "trigger.id");
        provider.awaitCount(e -> "registerTrigger".equals(NodeWorker.type(e))
                && triggerId.equals(JsonKit.str(e, "trigger.id")), 2, RECONNECT, "re-registration of " + triggerId);
    }

    @Test
    void reattaching_0_22_1_worker_retires_its_half_open_connection_at_once() {
        TcpProxy proxy = proxy();
        String name = "reattach-" + shortId();
        NodeWorker w = nodeVia(proxy, Sdk.V0_22_1, name);
        String fn = fid("reattached");
        w.registerFunction(fn, "echo");
        awaitFunctionListed(fn);
        String oldId = w.workerId();

        // The worker's side breaks; the engine's side stays open and silent (the engine has not noticed).
        proxy.detachClients();

        // The SDK reconnects and sends reattach{previous_worker_id, reattach_token} first: the old connection is
        // retired as if it had closed, so only one worker of that name remains, though its socket is still open.
        Await.untilTrue("exactly one live worker named " + name + " and it is a new connection", RECONNECT, () -> {
            List<JsonObject> rows = rowsNamed(name);
            return rows.size() == 1 && !oldId.equals(JsonKit.str(rows.get(0), "id"));
        });
        JsonObject r = observer().call(fn, JsonKit.obj("after", "reattach"));
        assertEquals("reattach", JsonKit.str(r, "result.after"), () -> "call after reattach: " + r);

        proxy.releaseDetached();
        JsonObject again = observer().call(fn, JsonKit.obj("after", "late close"));
        assertEquals("late close", JsonKit.str(again, "result.after"), () -> "call after the late close: " + again);
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_2_1", "V0_11_6"})
    void late_cleanup_of_a_stale_connection_keeps_the_reconnected_workers_registrations(Sdk sdk) {
        // Versions without reattach: the engine learns of the old connection's death only after the worker has
        // re-registered on a new one. Cleanup is owner-aware (Part A item 5).
        TcpProxy proxy = proxy();
        String name = "stale-" + sdk.version() + "-" + shortId();
        NodeWorker w = nodeVia(proxy, sdk, name);
        String fn = fid("owned");
        w.registerFunction(fn, "echo");
        awaitFunctionListed(fn);
        String oldId = w.workerId();

        proxy.detachClients();
        String newId = Await.until("the reconnected worker " + name, RECONNECT,
                () -> rowsNamed(name).stream().map(r -> JsonKit.str(r, "id")).filter(id -> !oldId.equals(id))
                        .findFirst());
        Await.untilTrue(fn + " owned by the new connection", RECONNECT, () -> {
            JsonObject r = observer().call(fn, JsonKit.obj("who", "new"), Duration.ofSeconds(2));
            return !r.containsKey("error");
        });

        proxy.releaseDetached();
        awaitWorkerGone(oldId);

        JsonObject r = observer().call(fn, JsonKit.obj("after", "stale cleanup"));
        assertEquals("stale cleanup", JsonKit.str(r, "result.after"), () -> "call after the stale cleanup: " + r);
        assertTrue(workerRow(newId).isPresent(), "the new connection is still listed");
        assertTrue(observer().functionListed(fn), "the function is still listed");
    }
}
