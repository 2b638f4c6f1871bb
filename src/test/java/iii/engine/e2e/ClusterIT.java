package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.bench.Server;
import iii.sdk.Iii;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two engines on Payara Micro forming one cluster through Payara's Hazelcast (III_CLUSTER_MEMBERS, each on its own
 * free loopback member port), with real iii-sdk workers of different versions on different engines: the listings
 * show both engines' workers and functions with their node, calls go across both ways (results, errors, fire and
 * forget), discovery events tell of the other engine's workers, an HTTP route is served by both engines, a trigger
 * reaches the provider of its type on the other engine, a worker's departure and an engine's death are cleaned up on
 * the other engine. The engine killed last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final Duration WORKER_GONE = Duration.ofSeconds(3);
    private static final Duration ENGINE_GONE = Duration.ofSeconds(10);
    private static final Duration LISTED = Duration.ofSeconds(10);
    private static final Duration STREAM = Duration.ofSeconds(60);
    private static final int MIB = 1024 * 1024;

    private static Server a;
    private static Server b;
    /** The two engines' member addresses and their cluster's name, for an engine that joins them later. */
    private static String members;
    private static String clusterName;
    private static final Map<Server, Integer> HTTP_PORTS = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<NodeWorker> workers = new ArrayList<>();

    @BeforeAll
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    static void startTwoEngines() throws Exception {
        int memberA = Server.freePort();
        int memberB = Server.freePort();
        members = "127.0.0.1:" + memberA + ",127.0.0.1:" + memberB;
        clusterName = "iii-test-" + UUID.randomUUID();
        a = start("cluster-a", members, memberA, clusterName);
        try {
            b = start("cluster-b", members, memberB, clusterName);
            a.awaitReady(280);
            b.awaitReady(280);
        } catch (Exception | AssertionError e) {
            stopEngines();
            throw e;
        }
    }

    private static Server start(String server, String members, int memberPort, String cluster) throws Exception {
        return start(server, members, memberPort, cluster, Map.of());
    }

    private static Server start(String server, String members, int memberPort, String cluster,
                                Map<String, String> settings) throws Exception {
        int httpPort = Server.freePort();
        var started = EngineProcess.clusterMember(server, members, memberPort, cluster, httpPort, "512m", settings);
        HTTP_PORTS.put(started, httpPort);
        return started;
    }

    @AfterAll
    static void stopEngines() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(NodeWorker::close);
        workers.clear();
    }

    private NodeWorker worker(Sdk sdk, Server engine, String name) {
        var worker = NodeWorker.startReady(sdk, URI.create("ws://127.0.0.1:" + engine.port + "/"), name);
        workers.add(worker);
        return worker;
    }

    private static String fid(String what) {
        return "cluster::" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Optional<JsonObject> row(JsonObject listing, String path, String key, String value) {
        return JsonKit.objects(listing, path).stream().filter(row -> value.equals(JsonKit.str(row, key))).findFirst();
    }

    @Test
    @Order(1)
    void listings_show_the_workers_functions_and_services_of_both_engines_with_their_node() {
        var onA = worker(Sdk.V0_22_1, a, "cluster-list-a");
        var onB = worker(Sdk.V0_11_6, b, "cluster-list-b");
        var fa = fid("on-a");
        var fb = fid("on-b");
        onA.registerFunction(fa, "echo");
        onB.registerFunction(fb, "echo");

        var remote = onA.awaitFunctionListed(fb, LISTED);
        var local = onA.awaitFunctionListed(fa, LISTED);
        assertEquals(onB.workerId(), JsonKit.str(remote, "worker_id"), remote::toString);
        assertNotEquals(JsonKit.str(local, "node"), JsonKit.str(remote, "node"), () -> local + " / " + remote);
        var seenFromB = onB.awaitFunctionListed(fa, LISTED);
        assertEquals(JsonKit.str(local, "node"), JsonKit.str(seenFromB, "node"), seenFromB::toString);

        var service = "cluster-svc-" + UUID.randomUUID().toString().substring(0, 8);
        onB.registerService(service, "name", "cluster service");
        var serviceRow = Await.until(service + " listed on A", LISTED,
                () -> row(onA.call("engine::services::list", JsonKit.obj()), "result.services", "id", service));
        assertEquals(JsonKit.str(remote, "node"), JsonKit.str(serviceRow, "node"), serviceRow::toString);

        var listing = onA.listWorkers();
        var workerB = row(listing, "workers", "id", onB.workerId()).orElseThrow(() -> new AssertionError(
                "worker of engine B not listed on A: " + listing));
        assertEquals("cluster-list-b", JsonKit.str(workerB, "name"), workerB::toString);
        assertEquals(JsonKit.str(remote, "node"), JsonKit.str(workerB, "node"), workerB::toString);
    }

    @Test
    @Order(2)
    void calls_cross_engines_both_ways_with_results_and_errors() {
        var onA = worker(Sdk.V0_2_1, a, "cluster-call-a");
        var onB = worker(Sdk.V0_22_1, b, "cluster-call-b");
        var echoA = fid("echo-a");
        var echoB = fid("echo-b");
        var failB = fid("fail-b");
        onA.registerFunction(echoA, "echo");
        onB.registerFunction(echoB, "echo");
        onB.registerFunction(failB, "fail", "message", "broken on B");
        onA.awaitFunctionListed(echoB, LISTED);
        onA.awaitFunctionListed(failB, LISTED);
        onB.awaitFunctionListed(echoA, LISTED);

        var toB = onA.call(echoB, JsonKit.obj("from", "a", "n", 1));
        assertTrue(JsonKit.isTrue(toB, "ok"), toB::toString);
        assertEquals("a", JsonKit.str(toB, "result.from"), toB::toString);
        var toA = onB.call(echoA, JsonKit.obj("from", "b"));
        assertTrue(JsonKit.isTrue(toA, "ok"), toA::toString);
        assertEquals("b", JsonKit.str(toA, "result.from"), toA::toString);

        var failed = onA.call(failB, JsonKit.obj());
        assertFalse(JsonKit.isTrue(failed, "ok"), failed::toString);
        assertTrue(failed.toString().contains("broken on B"), failed::toString);
    }

    @Test
    @Order(3)
    void fire_and_forget_across_engines_is_delivered_once() throws Exception {
        var onA = worker(Sdk.V0_11_6, a, "cluster-void-a");
        var onB = worker(Sdk.V0_22_1, b, "cluster-void-b");
        var fb = fid("void-b");
        onB.registerFunction(fb, "echo");
        onA.awaitFunctionListed(fb, LISTED);

        onA.callVoid(fb, JsonKit.obj("once", true));
        onB.awaitInvoked(fb, Duration.ofSeconds(10));
        // a second delivery would come as fast as the first; the answer of a synchronous call after it shows the
        // path is clear
        assertTrue(JsonKit.isTrue(onA.call(fb, JsonKit.obj("after", true)), "ok"));
        assertEquals(2, onB.awaitCount(NodeWorker.invoked(fb), 2, Duration.ofSeconds(10), "invocations").size(),
                onB::diagnostics);
    }

    @Test
    @Order(4)
    void a_worker_that_leaves_one_engine_is_gone_from_the_other_within_3_s() {
        var observer = worker(Sdk.V0_22_1, a, "cluster-observer");
        var doomed = worker(Sdk.V0_2_1, b, "cluster-doomed");
        var fb = fid("doomed");
        doomed.registerFunction(fb, "echo");
        observer.awaitFunctionListed(fb, LISTED);
        var id = doomed.workerId();

        doomed.kill();

        observer.awaitFunctionGone(fb, WORKER_GONE);
        Await.untilTrue("worker " + id + " gone", WORKER_GONE,
                () -> row(observer.listWorkers(), "workers", "id", id).isEmpty());
        var call = observer.call(fb, JsonKit.obj());
        assertEquals("function_not_found", JsonKit.str(call, "error.code"), call::toString);
    }

    @Test
    @Order(4)
    void a_worker_with_10000_functions_that_leaves_one_engine_is_gone_from_the_other_within_3_s() {
        String prefix = fid("many") + "::f";
        try (Iii observer = Iii.connect(URI.create("ws://127.0.0.1:" + a.port + "/"))) {
            try (Iii many = Iii.connect(URI.create("ws://127.0.0.1:" + b.port + "/"))) {
                for (int i = 0; i < 10_000; i++) {
                    many.registerFunction(prefix + i, in -> in);
                }
                Await.untilTrue("all 10,000 listed on engine A", LISTED, () -> listed(observer, prefix) == 10_000);
            }
            Await.untilTrue("all 10,000 gone from engine A", WORKER_GONE, () -> listed(observer, prefix) == 0);
        }
    }

    private static long listed(Iii observer, String prefix) {
        return observer.listFunctions().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join().stream()
                .filter(f -> f.functionId() != null && f.functionId().startsWith(prefix)).count();
    }

    @Test
    @Order(5)
    void the_newest_registration_wins_across_engines_and_the_old_owner_leaving_keeps_it() {
        var first = worker(Sdk.V0_11_6, a, "cluster-first");
        var second = worker(Sdk.V0_22_1, b, "cluster-second");
        var f = fid("moved");
        first.registerFunction(f, "constant", "result", "first");
        Await.untilTrue(f + " owned by the first worker on B", LISTED, () -> row(second.listFunctions(), "functions",
                "function_id", f).map(r -> first.workerId().equals(JsonKit.str(r, "worker_id"))).orElse(false));
        second.registerFunction(f, "constant", "result", "second");
        Await.untilTrue(f + " owned by the second worker on A", LISTED, () -> row(first.listFunctions(), "functions",
                "function_id", f).map(r -> second.workerId().equals(JsonKit.str(r, "worker_id"))).orElse(false));

        first.close();

        var reply = second.call(f, JsonKit.obj());
        assertEquals("second", JsonKit.str(reply, "result"), reply::toString);
        var observer = worker(Sdk.V0_22_1, a, "cluster-after");
        var row = observer.awaitFunctionListed(f, LISTED);
        assertEquals(second.workerId(), JsonKit.str(row, "worker_id"), row::toString);
        var fromA = observer.call(f, JsonKit.obj());
        assertEquals("second", JsonKit.str(fromA, "result"), fromA::toString);
    }

    @Test
    @Order(6)
    void discovery_events_on_one_engine_tell_of_workers_of_the_other_once_each() {
        var monitor = worker(Sdk.V0_22_1, a, "cluster-monitor");
        var fn = fid("workers-seen");
        monitor.registerFunction(fn, "return-null");
        monitor.registerTrigger("workers.available", fn, JsonKit.obj());
        monitor.awaitFunctionListed(fn, LISTED);
        int mark = monitor.mark();

        var visitor = worker(Sdk.V0_11_6, b, "cluster-visitor");
        var id = visitor.workerId();
        visitor.registerFunction(fid("visitor"), "echo");
        monitor.awaitFrom(mark, e -> NodeWorker.invoked(fn).test(e) && workerEvent(e, "worker_connected", id),
                LISTED, "worker_connected " + id);
        visitor.kill();
        monitor.awaitFrom(mark, e -> NodeWorker.invoked(fn).test(e) && workerEvent(e, "worker_disconnected", id),
                WORKER_GONE, "worker_disconnected " + id);
        assertEquals(1, monitor.events(e -> NodeWorker.invoked(fn).test(e)
                && workerEvent(e, "worker_connected", id)).size(), monitor::diagnostics);
    }

    private static boolean workerEvent(JsonObject event, String kind, String workerId) {
        return kind.equals(JsonKit.str(event, "data.event")) && workerId.equals(JsonKit.str(event, "data.worker_id"));
    }

    @Test
    @Order(7)
    void an_http_route_of_a_worker_on_one_engine_is_served_by_both_and_goes_with_its_worker() throws Exception {
        var onB = worker(Sdk.V0_22_1, b, "cluster-http");
        var fn = fid("route");
        var path = "cluster-" + UUID.randomUUID().toString().substring(0, 8) + "/hello";
        onB.registerFunction(fn, "http-echo");
        onB.registerTrigger("http", fn, JsonKit.obj("api_path", path, "http_method", "GET"));
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (var engine : List.of(b, a)) {
            var url = URI.create("http://127.0.0.1:" + HTTP_PORTS.get(engine) + "/" + path);
            var response = Await.until("GET " + url, LISTED, () -> {
                var r = get(http, url);
                return r.statusCode() == 200 ? Optional.of(r) : Optional.empty();
            });
            assertTrue(response.body().contains("received"), response::body);
        }

        onB.kill();

        var onA = URI.create("http://127.0.0.1:" + HTTP_PORTS.get(a) + "/" + path);
        Await.untilTrue("route gone from engine A", WORKER_GONE, () -> get(http, onA).statusCode() == 404);
    }

    private static HttpResponse<String> get(HttpClient http, URI url) {
        try {
            return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(8)
    void a_trigger_registered_on_one_engine_reaches_the_provider_of_its_type_on_the_other() {
        var provider = worker(Sdk.V0_22_1, b, "cluster-provider");
        var subscriber = worker(Sdk.V0_11_6, a, "cluster-subscriber");
        var type = "cluster-type-" + UUID.randomUUID().toString().substring(0, 8);
        var fn = fid("on-trigger");
        provider.registerTriggerType(type);
        subscriber.registerFunction(fn, "echo");
        var handle = subscriber.registerTrigger(type, fn, JsonKit.obj("topic", "t1"));

        var delivered = provider.await(e -> "registerTrigger".equals(NodeWorker.type(e))
                && type.equals(JsonKit.str(e, "type_id")), LISTED, "the trigger at its provider");
        assertEquals(fn, JsonKit.str(delivered, "trigger.function_id"), delivered::toString);
        provider.awaitFunctionListed(fn, LISTED);
        var fired = provider.fireTrigger(type, JsonKit.obj("n", 1), "call");
        var firings = JsonKit.objects(fired, "fired");
        assertEquals(1, firings.size(), fired::toString);
        assertTrue(JsonKit.isTrue(firings.get(0), "ok"), fired::toString);
        subscriber.awaitInvoked(fn, Duration.ofSeconds(10));

        subscriber.unregisterTrigger(handle);
        provider.await(e -> "unregisterTrigger".equals(NodeWorker.type(e))
                && type.equals(JsonKit.str(e, "type_id")), LISTED, "the trigger's removal at its provider");
    }

    @Test
    @Order(9)
    void when_the_provider_on_one_engine_leaves_its_triggers_move_to_the_next_provider_on_the_other() {
        var first = worker(Sdk.V0_22_1, b, "cluster-first-provider");
        var subscriber = worker(Sdk.V0_2_1, a, "cluster-moving-subscriber");
        var type = "cluster-moving-" + UUID.randomUUID().toString().substring(0, 8);
        var fn = fid("moving");
        first.registerTriggerType(type);
        subscriber.registerFunction(fn, "echo");
        subscriber.registerTrigger(type, fn, JsonKit.obj("topic", "t2"));
        first.await(e -> "registerTrigger".equals(NodeWorker.type(e)) && type.equals(JsonKit.str(e, "type_id")),
                LISTED, "the trigger at the first provider");

        first.kill();
        var next = worker(Sdk.V0_11_6, a, "cluster-next-provider");
        next.registerTriggerType(type);

        var delivered = next.await(e -> "registerTrigger".equals(NodeWorker.type(e))
                && type.equals(JsonKit.str(e, "type_id")), LISTED, "the trigger at the next provider");
        assertEquals(fn, JsonKit.str(delivered, "trigger.function_id"), delivered::toString);
        var fired = next.fireTrigger(type, JsonKit.obj("n", 2), "call");
        assertEquals(1, JsonKit.objects(fired, "fired").size(), fired::toString);
        subscriber.awaitInvoked(fn, Duration.ofSeconds(10));
    }

    private static List<JsonObject> registeredTriggers(NodeWorker observer, String functionId) {
        var listing = observer.call("engine::registered-triggers::list", JsonKit.obj("include_parked", true));
        return JsonKit.objects(listing, "result.registered_triggers").stream()
                .filter(row -> functionId.equals(JsonKit.str(row, "function_id"))).toList();
    }

    private static Optional<JsonObject> triggerType(NodeWorker observer, String type) {
        return row(observer.call("engine::trigger-types::list", JsonKit.obj()), "result.trigger_types", "id", type);
    }

    private static String nodeOf(NodeWorker observer, NodeWorker worker) {
        var listing = observer.listWorkers();
        return row(listing, "workers", "id", worker.workerId()).map(r -> JsonKit.str(r, "node"))
                .orElseThrow(() -> new AssertionError(worker.workerId() + " not listed: " + listing));
    }

    private static Predicate<JsonObject> delivered(String type, String functionId) {
        return e -> "registerTrigger".equals(NodeWorker.type(e)) && type.equals(JsonKit.str(e, "type_id"))
                && functionId.equals(JsonKit.str(e, "trigger.function_id"));
    }

    @Test
    @Order(10)
    void a_trigger_refused_by_its_provider_on_the_other_engine_is_parked_on_both_and_its_worker_is_told() {
        var provider = worker(Sdk.V0_22_1, b, "cluster-picky-provider");
        var subscriber = worker(Sdk.V0_22_1, a, "cluster-refused-subscriber");
        var type = "cluster-picky-" + UUID.randomUUID().toString().substring(0, 8);
        var fn = fid("refused");
        provider.registerTriggerType(type, "fail_register", "unknown account");
        Await.untilTrue(type + " listed on A", LISTED, () -> triggerType(subscriber, type).isPresent());
        subscriber.registerTrigger(type, fn, JsonKit.obj("account", "nope"));

        provider.await(delivered(type, fn), LISTED, "the trigger at its provider");
        var told = subscriber.await(e -> "console".equals(NodeWorker.type(e))
                && String.valueOf(JsonKit.str(e, "text")).contains("Trigger registration failed")
                && String.valueOf(JsonKit.str(e, "text")).contains("unknown account"), LISTED,
                "the 0.22.1 SDK logs the refusal forwarded to it");
        for (var observer : List.of(subscriber, provider)) {
            Await.untilTrue("the trigger parked, as seen by " + observer.name(), LISTED, () -> {
                var rows = registeredTriggers(observer, fn);
                return rows.size() == 1 && JsonKit.isTrue(rows.get(0), "parked");
            });
        }
        assertEquals(1, provider.events(delivered(type, fn)).size(), provider::diagnostics);
        assertTrue(told.toString().contains(type), told::toString);
    }

    @Test
    @Order(11)
    void a_trigger_type_registered_on_both_engines_at_once_ends_with_one_provider_that_got_each_trigger_once() {
        var onA = worker(Sdk.V0_22_1, a, "cluster-race-a");
        var onB = worker(Sdk.V0_22_1, b, "cluster-race-b");
        var subscriber = worker(Sdk.V0_11_6, a, "cluster-race-subscriber");
        for (int round = 0; round < 8; round++) {
            var type = "cluster-race-" + round + "-" + UUID.randomUUID().toString().substring(0, 8);
            var before = fid("before-" + round);
            var after = fid("after-" + round);
            subscriber.registerTrigger(type, before, JsonKit.obj("round", round));
            Await.untilTrue(before + " listed on B", LISTED, () -> registeredTriggers(onB, before).size() == 1);

            var fromA = onA.requestAsync(NodeWorker.command("registerTriggerType", "type_id", type));
            var fromB = onB.requestAsync(NodeWorker.command("registerTriggerType", "type_id", type));
            onA.join(fromA, LISTED, "registerTriggerType on A");
            onB.join(fromB, LISTED, "registerTriggerType on B");

            var winnerId = Await.until(type + " provided by one worker on both engines", LISTED, () -> {
                var seenOnA = triggerType(onA, type).map(r -> JsonKit.str(r, "worker_id"));
                var seenOnB = triggerType(onB, type).map(r -> JsonKit.str(r, "worker_id"));
                return seenOnA.isPresent() && seenOnA.equals(seenOnB) ? seenOnA : Optional.<String>empty();
            });
            var winner = winnerId.equals(onA.workerId()) ? onA : onB;
            var loser = winner == onA ? onB : onA;
            assertEquals(winner.workerId(), winnerId);
            winner.await(delivered(type, before), LISTED, "the trigger at the provider that won");
            // a trigger registered now reaches only the provider that won, after anything sent before it
            subscriber.registerTrigger(type, after, JsonKit.obj("round", round));
            winner.await(delivered(type, after), LISTED, "the later trigger at the provider that won");

            var lastRound = round;
            assertEquals(1, winner.events(delivered(type, before)).size(), () -> "round " + lastRound + ": "
                    + winner.diagnostics());
            assertEquals(1, winner.events(delivered(type, after)).size(), winner::diagnostics);
            assertTrue(loser.events(delivered(type, after)).isEmpty(), loser::diagnostics);
            assertEquals(Optional.of(winnerId), triggerType(onA, type).map(r -> JsonKit.str(r, "worker_id")));
            assertEquals(Optional.of(winnerId), triggerType(onB, type).map(r -> JsonKit.str(r, "worker_id")));
        }
    }

    @Test
    @Order(12)
    void triggers_are_listed_once_on_each_engine_with_the_node_of_the_worker_that_registered_them() {
        var providerB = worker(Sdk.V0_22_1, b, "cluster-listed-provider-b");
        var providerA = worker(Sdk.V0_22_1, a, "cluster-listed-provider-a");
        var subscriberA = worker(Sdk.V0_11_6, a, "cluster-listed-subscriber-a");
        var subscriberB = worker(Sdk.V0_22_1, b, "cluster-listed-subscriber-b");
        var typeB = "cluster-listed-b-" + UUID.randomUUID().toString().substring(0, 8);
        var typeA = "cluster-listed-a-" + UUID.randomUUID().toString().substring(0, 8);
        providerB.registerTriggerType(typeB);
        providerA.registerTriggerType(typeA);
        var fromAToB = fid("a-to-b");
        var fromBToB = fid("b-to-b");
        var fromAToA = fid("a-to-a");
        subscriberA.registerTrigger(typeB, fromAToB, JsonKit.obj());
        subscriberB.registerTrigger(typeB, fromBToB, JsonKit.obj());
        subscriberA.registerTrigger(typeA, fromAToA, JsonKit.obj());
        providerB.await(delivered(typeB, fromAToB), LISTED, "A's trigger at B's provider");
        providerB.await(delivered(typeB, fromBToB), LISTED, "B's trigger at B's provider");
        providerA.await(delivered(typeA, fromAToA), LISTED, "A's trigger at A's provider");

        var nodeA = nodeOf(providerA, subscriberA);
        var nodeB = nodeOf(providerA, subscriberB);
        assertNotEquals(nodeA, nodeB);
        var expected = Map.of(fromAToB, subscriberA, fromBToB, subscriberB, fromAToA, subscriberA);
        for (var observer : List.of(providerA, providerB)) {
            for (var entry : expected.entrySet()) {
                var owner = entry.getValue();
                var node = owner == subscriberA ? nodeA : nodeB;
                var rows = Await.until(entry.getKey() + " listed by " + observer.name(), LISTED, () -> {
                    var found = registeredTriggers(observer, entry.getKey());
                    return found.isEmpty() ? Optional.<List<JsonObject>>empty() : Optional.of(found);
                });
                assertEquals(1, rows.size(), rows::toString);
                var row = rows.get(0);
                assertEquals(owner.workerId(), JsonKit.str(row, "worker_id"), row::toString);
                assertEquals(node, JsonKit.str(row, "node"), row::toString);
                assertFalse(JsonKit.isTrue(row, "parked"), row::toString);
            }
        }
        assertEquals(1, providerB.events(delivered(typeB, fromAToB)).size(), providerB::diagnostics);
        assertTrue(providerB.events(delivered(typeA, fromAToA)).isEmpty(), providerB::diagnostics);
    }

    @Test
    @Order(13)
    void the_console_settings_name_this_engines_node() throws Exception {
        var onA = worker(Sdk.V0_22_1, a, "cluster-console-a");
        var onB = worker(Sdk.V0_22_1, b, "cluster-console-b");
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (var engine : List.of(a, b)) {
            var local = engine == a ? onA : onB;
            var response = get(http, URI.create("http://127.0.0.1:" + engine.port + "/console/settings.json"));
            assertEquals(200, response.statusCode(), response::body);
            var settings = JsonKit.parseObject(response.body());
            assertEquals(nodeOf(local, local), JsonKit.str(settings, "node"), response::body);
        }
    }

    @Test
    @Order(14)
    void triggers_of_the_engines_own_types_are_listed_on_both_and_each_log_record_and_change_reaches_them_once() {
        var watcher = worker(Sdk.V0_22_1, a, "cluster-engine-types-watcher");
        var logs = fid("logs");
        var changes = fid("changes");
        watcher.registerFunction(logs, "return-null");
        watcher.registerFunction(changes, "return-null");
        watcher.registerTrigger("log", logs, JsonKit.obj("level", "warn"));
        watcher.registerTrigger("engine::functions-available", changes, JsonKit.obj());
        var onB = worker(Sdk.V0_11_6, b, "cluster-engine-types-b");
        var nodeA = nodeOf(onB, watcher);
        for (var function : List.of(logs, changes)) {
            var rows = Await.until(function + "'s trigger listed on B", LISTED, () -> {
                var found = registeredTriggers(onB, function);
                return found.isEmpty() ? Optional.<List<JsonObject>>empty() : Optional.of(found);
            });
            assertEquals(1, rows.size(), rows::toString);
            assertEquals(nodeA, JsonKit.str(rows.get(0), "node"), rows::toString);
        }
        int mark = watcher.mark();

        var message = "logged on B " + UUID.randomUUID();
        onB.call("engine::log::warn", JsonKit.obj("message", message));
        var added = fid("added-on-b");
        onB.registerFunction(added, "echo");
        watcher.awaitFrom(mark, e -> NodeWorker.invoked(logs).test(e) && message.equals(JsonKit.str(e, "data.body")),
                LISTED, "B's log record at A's log trigger");
        watcher.awaitFrom(mark, e -> NodeWorker.invoked(changes).test(e) && lists(e, added), LISTED,
                "the change on B at A's functions-available trigger");
        // a later change, after which every event of the first one is in
        var probe = fid("probe-on-b");
        onB.registerFunction(probe, "echo");
        watcher.awaitFrom(mark, e -> NodeWorker.invoked(changes).test(e) && lists(e, probe), LISTED,
                "the probe's change");
        assertEquals(1, watcher.events(e -> NodeWorker.invoked(changes).test(e) && lists(e, added)
                && !lists(e, probe)).size(), watcher::diagnostics);
        assertEquals(1, watcher.events(e -> NodeWorker.invoked(logs).test(e)
                && message.equals(JsonKit.str(e, "data.body"))).size(), watcher::diagnostics);
    }

    @Test
    @Order(15)
    void a_trigger_id_registered_on_both_engines_at_once_ends_with_the_same_registration_on_both() throws Exception {
        try (var onA = JavaWorker.connectRegistered(URI.create("ws://127.0.0.1:" + a.port + "/"), "cluster-same-a");
             var onB = JavaWorker.connectRegistered(URI.create("ws://127.0.0.1:" + b.port + "/"), "cluster-same-b")) {
            var ids = new ArrayList<String>();
            for (int round = 0; round < 10; round++) {
                var id = "cluster-same-" + round + "-" + UUID.randomUUID().toString().substring(0, 8);
                ids.add(id);
                // a parked trigger and a live one of the engine's own type, in turn
                var type = round % 2 == 0 ? "cluster-same-parked" : "log";
                var start = new CyclicBarrier(2);
                var sends = List.of(onA, onB).stream().map(worker -> CompletableFuture.runAsync(() -> {
                    await(start);
                    worker.send(JsonKit.obj("type", "registertrigger", "id", id, "trigger_type", type,
                            "function_id", "cluster::same-" + worker.label(), "config", JsonKit.obj()));
                })).toList();
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            }
            for (var id : ids) {
                Await.untilTrue(id + " registered by the same worker on both engines", LISTED, () -> {
                    var onEngineA = triggerRows(onA, id);
                    var onEngineB = triggerRows(onB, id);
                    return onEngineA.size() == 1 && onEngineB.size() == 1
                            && JsonKit.str(onEngineA.get(0), "worker_id").equals(
                            JsonKit.str(onEngineB.get(0), "worker_id"));
                });
            }
        }
    }

    @Test
    @Order(19)
    void a_route_or_one_of_its_shape_registered_on_both_engines_at_once_is_served_by_the_same_function_on_both()
            throws Exception {
        try (var onA = JavaWorker.connectRegistered(URI.create("ws://127.0.0.1:" + a.port + "/"), "cluster-route-a");
             var onB = JavaWorker.connectRegistered(URI.create("ws://127.0.0.1:" + b.port + "/"), "cluster-route-b")) {
            for (var worker : List.of(onA, onB)) {
                worker.registerFunction("cluster::route-" + worker.label(), f -> JsonKit.obj("result",
                        JsonKit.obj("status_code", 200, "body", JsonKit.obj("by", worker.label()))));
            }
            var paths = new ArrayList<String>();
            for (int round = 0; round < 8; round++) {
                var path = "cluster-claimed-" + round + "-" + UUID.randomUUID().toString().substring(0, 8);
                // odd rounds: the same shape with another parameter name on each engine (one of them is refused)
                boolean shaped = round % 2 == 1;
                paths.add(shaped ? path + "/x" : path);
                var start = new CyclicBarrier(2);
                var sends = List.of(onA, onB).stream().map(worker -> CompletableFuture.runAsync(() -> {
                    await(start);
                    var apiPath = shaped ? path + "/:" + (worker == onA ? "a" : "b") : path;
                    worker.send(JsonKit.obj("type", "registertrigger", "id", path + "-" + worker.label(),
                            "trigger_type", "http", "function_id", "cluster::route-" + worker.label(),
                            "config", JsonKit.obj("api_path", apiPath, "http_method", "GET")));
                })).toList();
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            }
            var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (var path : paths) {
                Await.untilTrue(path + " answered by the same function through both engines", LISTED,
                        () -> sameAnswer(http, path));
            }
            // and they stay so: a moment's agreement before the second registration reached an engine is not it
            Thread.sleep(1000);
            for (var path : paths) {
                assertTrue(sameAnswer(http, path), path);
            }
            // of two routes of one shape, the one not served is refused or withdrawn, as one engine refuses it: its
            // worker hears trigger_registration_failed and the trigger is listed nowhere
            for (var path : paths.stream().filter(p -> p.endsWith("/x")).toList()) {
                var base = path.substring(0, path.length() - 2);
                var ofA = base + "-" + onA.label();
                var ofB = base + "-" + onB.label();
                Await.untilTrue(base + ": one of its two triggers kept on both engines, the other refused", LISTED,
                        () -> {
                            boolean keptA = listedOnBoth(onA, onB, ofA);
                            boolean keptB = listedOnBoth(onA, onB, ofB);
                            return keptA != keptB && refused(keptA ? onB : onA, keptA ? ofB : ofA, onA, onB);
                        });
            }
        }
    }

    private static boolean listedOnBoth(JavaWorker onA, JavaWorker onB, String triggerId) {
        return !triggerRows(onA, triggerId).isEmpty() && !triggerRows(onB, triggerId).isEmpty();
    }

    /** Whether {@code worker} heard its trigger refused (or withdrawn) and neither engine lists it. */
    private static boolean refused(JavaWorker worker, String triggerId, JavaWorker onA, JavaWorker onB) {
        return triggerRows(onA, triggerId).isEmpty() && triggerRows(onB, triggerId).isEmpty()
                && !worker.frames(f -> "triggerregistrationresult".equals(JsonKit.str(f, "type"))
                && triggerId.equals(JsonKit.str(f, "id")) && f.toString().contains("trigger_registration_failed"))
                .isEmpty();
    }

    private static boolean sameAnswer(HttpClient http, String path) {
        var answers = List.of(a, b).stream().map(engine -> get(http,
                URI.create("http://127.0.0.1:" + HTTP_PORTS.get(engine) + "/" + path))).toList();
        return answers.stream().allMatch(r -> r.statusCode() == 200)
                && answers.get(0).body().equals(answers.get(1).body());
    }

    @Test
    @Order(20)
    void an_engine_that_joins_later_serves_the_routes_registered_before_it_came() throws Exception {
        var onB = worker(Sdk.V0_22_1, b, "cluster-before-join");
        var fn = fid("early-route");
        var path = "cluster-early-" + UUID.randomUUID().toString().substring(0, 8) + "/hello";
        onB.registerFunction(fn, "http-echo");
        onB.registerTrigger("http", fn, JsonKit.obj("api_path", path, "http_method", "GET"));
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Await.untilTrue("the route on engine A", LISTED, () -> get(http,
                URI.create("http://127.0.0.1:" + HTTP_PORTS.get(a) + "/" + path)).statusCode() == 200);
        int memberC = Server.freePort();

        try (var c = start("cluster-c", members + ",127.0.0.1:" + memberC, memberC, clusterName)) {
            c.awaitReady(280);
            var onC = URI.create("http://127.0.0.1:" + HTTP_PORTS.get(c) + "/" + path);
            var response = Await.until("the route on engine C, which joined after it was registered", LISTED, () -> {
                var r = get(http, onC);
                return r.statusCode() == 200 ? Optional.of(r) : Optional.empty();
            });

            assertTrue(response.body().contains("received"), response::body);
        }
    }

    @Test
    @Order(21)
    void a_call_across_engines_keeps_its_callers_deadline_whatever_the_limit_of_the_callees_engine() throws Exception {
        int memberC = Server.freePort();
        try (var c = start("cluster-c-short", members + ",127.0.0.1:" + memberC, memberC, clusterName,
                Map.of("III_INVOCATION_TIMEOUT_MS", "1500"))) {
            c.awaitReady(280);
            var onA = worker(Sdk.V0_22_1, a, "cluster-deadline-a");
            var onC = worker(Sdk.V0_22_1, c, "cluster-deadline-c");
            var slowOnA = fid("slow-on-a");
            var slowOnC = fid("slow-on-c");
            onA.registerFunction(slowOnA, "sleep", "ms", 3000);
            onC.registerFunction(slowOnC, "sleep", "ms", 3000);
            onA.awaitFunctionListed(slowOnC, LISTED);
            onC.awaitFunctionListed(slowOnA, LISTED);

            // engine A's limit (10 minutes) is the caller's: engine C's 1.5 s does not cut the call short there
            var fromA = onA.call(slowOnC, JsonKit.obj("from", "a"), 20_000);
            long t0 = System.nanoTime();
            // and engine C's limit holds for its caller on engine A's worker too
            var fromC = onC.call(slowOnA, JsonKit.obj("from", "c"), 20_000);
            long fromCMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertTrue(fromA.getBoolean("ok"), fromA::toString);
            assertFalse(fromC.getBoolean("ok"), fromC::toString);
            assertEquals("timeout", JsonKit.str(fromC, "error.code"), fromC::toString);
            assertTrue(fromCMs >= 1400 && fromCMs < 2900, "expired at engine C's limit, 1500 ms: " + fromCMs);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonObject> triggerRows(JavaWorker observer, String id) {
        return JsonKit.objects(observer.callOk("engine::registered-triggers::list", JsonKit.obj("include_parked", true)),
                "registered_triggers").stream().filter(row -> id.equals(JsonKit.str(row, "id"))).toList();
    }

    private static boolean lists(JsonObject functionsEvent, String functionId) {
        return JsonKit.objects(functionsEvent, "data.functions").stream()
                .anyMatch(row -> functionId.equals(JsonKit.str(row, "function_id")));
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_11_6", "V0_22_1"})
    @Order(16)
    void a_channel_made_on_one_engine_streams_both_ways_with_a_worker_on_the_other(Sdk sdk) {
        var onA = worker(sdk, a, "cluster-channel-a");
        var onB = worker(sdk, b, "cluster-channel-b");
        var readFn = fid("channel-read");
        var writeFn = fid("channel-write");
        onB.registerFunction(readFn, "channel-read");
        onB.registerFunction(writeFn, "channel-write");
        onA.awaitFunctionListed(readFn, LISTED);
        onA.awaitFunctionListed(writeFn, LISTED);

        // A writes into its channel, B's worker reads it through engine B
        var toB = onA.requestOk(NodeWorker.command("channelCreate", "handle", "to-b"));
        var read = onA.callAsync(readFn, JsonKit.obj("reader", toB.get("reader_ref")));
        var written = onA.request(NodeWorker.command("channelWrite", "handle", "to-b", "bytes", 6 * MIB + 7, "seed", 5,
                "texts", JsonKit.arr("first"), "end_texts", JsonKit.arr("last")), STREAM);
        var readAnswer = onA.join(read, STREAM, "B's reader's answer");
        // B's worker writes into A's channel through engine B, A reads it
        var fromB = onA.requestOk(NodeWorker.command("channelCreate", "handle", "from-b"));
        var write = onA.callAsync(writeFn, JsonKit.obj("writer", fromB.get("writer_ref"), "bytes", 2 * MIB + 3,
                "texts", JsonKit.arr("hello")));
        var readBack = onA.request(NodeWorker.command("channelRead", "handle", "from-b"), STREAM);
        var writeAnswer = onA.join(write, STREAM, "B's writer's answer");

        assertTrue(JsonKit.isTrue(written, "ok") && JsonKit.isTrue(readAnswer, "ok"), readAnswer::toString);
        assertEquals(6L * MIB + 7, JsonKit.num(readAnswer, "result.bytes"), readAnswer::toString);
        long millis = Math.max(1, JsonKit.num(written, "elapsed_ms"));
        System.out.printf("channel of engine A read on engine B, %s: 6 MiB in %d ms = %.1f MB/s%n", sdk, millis,
                6.0 * MIB / 1e6 / millis * 1000);
        assertEquals(JsonKit.str(written, "sha256"), JsonKit.str(readAnswer, "result.sha256"));
        assertEquals("[\"first\",\"last\"]", readAnswer.getJsonObject("result").getJsonArray("texts").toString());
        assertTrue(JsonKit.isTrue(writeAnswer, "ok") && JsonKit.isTrue(readBack, "ok"), readBack::toString);
        assertEquals(2L * MIB + 3, JsonKit.num(readBack, "bytes"), readBack::toString);
        assertEquals(JsonKit.str(writeAnswer, "result.sha256"), JsonKit.str(readBack, "sha256"));
        awaitNoChannelsOrRelays();
    }

    private static void awaitNoChannelsOrRelays() {
        for (var engine : List.of(a, b)) {
            Await.untilTrue("no channel or relayed socket left on " + engine, LISTED, () -> {
                var channels = E2eSupport.channelsHealth(URI.create("http://127.0.0.1:" + engine.port + "/"));
                return E2eSupport.number(channels, "open") == 0 && E2eSupport.number(channels, "relayed") == 0;
            });
        }
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_11_6", "V0_22_1"})
    @Order(17)
    void a_route_that_streams_its_request_and_response_is_served_through_the_other_engine(Sdk sdk) throws Exception {
        var onB = worker(sdk, b, "cluster-stream-b");
        var download = fid("download");
        var upload = fid("upload");
        var prefix = "cluster-stream-" + UUID.randomUUID().toString().substring(0, 8);
        onB.registerFunction(download, "http-stream");
        onB.registerTrigger("http", download, JsonKit.obj("api_path", prefix + "/file", "http_method", "GET"));
        onB.registerFunction(upload, "http-read-body");
        onB.registerTrigger("http", upload, JsonKit.obj("api_path", prefix + "/file", "http_method", "POST"));
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        var onA = URI.create("http://127.0.0.1:" + HTTP_PORTS.get(a) + "/" + prefix + "/file");
        Await.untilTrue("the routes on engine A", LISTED, () -> get(http, URI.create(onA + "?bytes=0")).statusCode() == 200);
        int mark = onB.mark();

        var got = http.send(HttpRequest.newBuilder(URI.create(onA + "?bytes=" + (4 * MIB + 1))).timeout(STREAM)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        var streamed = onB.awaitFrom(mark, NodeWorker.event("httpStreamed").and(e -> JsonKit.num(e, "bytes") > 0),
                STREAM, "the function's stream");
        var body = new byte[3 * MIB + 11];
        new java.util.Random(3).nextBytes(body);
        var posted = http.send(HttpRequest.newBuilder(onA).timeout(STREAM)
                .header("content-type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, got.statusCode());
        assertEquals(4 * MIB + 1, got.body().length);
        assertEquals(JsonKit.str(streamed, "sha256"), E2eSupport.sha256(got.body()),
                "the bytes the function wrote, in order");
        assertEquals(200, posted.statusCode(), posted::body);
        var answer = JsonKit.parseObject(posted.body());
        assertEquals((long) body.length, JsonKit.num(answer, "bytes"), posted::body);
        assertEquals(E2eSupport.sha256(body), JsonKit.str(answer, "sha256"));
        awaitNoChannelsOrRelays();
    }

    @Test
    @Order(18)
    void a_worker_that_reconnects_through_the_other_engine_reattaches_and_its_old_connection_goes_at_once() {
        var name = "cluster-reattach-" + UUID.randomUUID().toString().substring(0, 8);
        var fn = fid("reattach");
        try (var old = JavaWorker.connectRegistered(URI.create("ws://127.0.0.1:" + a.port + "/"), name);
             var stranger = JavaWorker.connect(URI.create("ws://127.0.0.1:" + b.port + "/"), name + "-stranger");
             var fresh = JavaWorker.connect(URI.create("ws://127.0.0.1:" + b.port + "/"), name);
             var observerOnA = JavaWorker.connectRegistered(URI.create("ws://127.0.0.1:" + a.port + "/"),
                     name + "-observer")) {
            old.registerFunction(fn, JavaWorker.echo());
            var registered = old.awaitFrame("workerregistered", f -> true, LISTED);
            var oldId = JsonKit.str(registered, "worker_id");
            var reattach = JsonKit.obj("type", "reattach", "previous_worker_id", oldId,
                    "reattach_token", JsonKit.str(registered, "reattach_token"));
            Await.untilTrue(fn + " listed on engine B", LISTED, () -> fresh.functionListed(fn));

            // without the token nothing happens; with it, engine A retires the old connection and closes it
            stranger.send(JsonKit.obj("type", "reattach", "previous_worker_id", oldId,
                    "reattach_token", UUID.randomUUID().toString()));
            stranger.registerMetadata(name + "-stranger");
            fresh.send(reattach);
            fresh.registerMetadata(name);
            fresh.registerFunction(fn, JavaWorker.echo());

            Await.untilTrue("the old connection closed by engine A", WORKER_GONE, old::isClosed);
            Await.untilTrue("one worker named " + name + " on both engines, the new one", LISTED, () -> List.of(
                    observerOnA, fresh).stream().allMatch(observer -> namedOnly(observer, name, fresh.workerId())));
            assertFalse(stranger.isClosed(), "the stranger's connection is its own business");
            assertEquals(1L, JsonKit.num(observerOnA.callOk(fn, JsonKit.obj("n", 1)), "n"),
                    "the function answers from its new connection");
        }
    }

    /** Whether {@code observer}'s engine lists exactly one worker named {@code name}, of id {@code id}. */
    private static boolean namedOnly(JavaWorker observer, String name, String id) {
        var ids = observer.listWorkers().stream().filter(r -> name.equals(JsonKit.str(r, "name")))
                .map(r -> JsonKit.str(r, "id")).toList();
        return ids.equals(List.of(id));
    }

    @Test
    @Order(100)
    void an_engine_killed_is_cleaned_up_on_the_other_and_its_pending_calls_stop() throws Exception {
        var caller = worker(Sdk.V0_22_1, a, "cluster-caller");
        var callee = worker(Sdk.V0_11_6, b, "cluster-callee");
        var hangs = fid("hangs");
        callee.registerFunction(hangs, "never-answer");
        caller.awaitFunctionListed(hangs, LISTED);
        var pending = caller.callAsync(hangs, JsonKit.obj("wait", "forever"));
        callee.awaitInvoked(hangs, Duration.ofSeconds(10));

        long killed = System.nanoTime();
        ProcessHandle.of(b.pid()).ifPresent(ProcessHandle::destroyForcibly);

        var outcome = caller.join(pending, ENGINE_GONE, "the pending call");
        long stoppedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertEquals("invocation_stopped", JsonKit.str(outcome, "error.code"), outcome::toString);
        caller.awaitFunctionGone(hangs, ENGINE_GONE.minusMillis(Math.min(stoppedMs, 9_000)));
        assertTrue(row(caller.listWorkers(), "workers", "id", callee.workerId()).isEmpty());
        System.out.println("engine killed: pending call stopped after " + stoppedMs + " ms");
    }
}
