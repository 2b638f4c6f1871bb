package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.bench.Server;
import iii.engine.it.RawWebSocket;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Three engines on Payara Micro as one cluster, and what goes wrong in it: bad frames sent to one engine, a worker
 * killed on one engine, a network split (one engine's JVM stopped with SIGSTOP until the others remove it, then
 * resumed with SIGCONT, after which Hazelcast merges it back) and an engine killed with SIGKILL. Real iii-sdk workers
 * of 0.2.1, 0.11.6 and 0.22.1 on different engines; the three engines serve every test, the last one kills one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailuresIT {

    private static final Duration WORKER_GONE = Duration.ofSeconds(3);
    private static final Duration ENGINE_GONE = Duration.ofSeconds(10);
    private static final Duration LISTED = Duration.ofSeconds(10);
    /** Hazelcast looks for the other side of a split every 5 s (bin/run); the merge itself takes a few more. */
    private static final Duration MERGED = Duration.ofSeconds(90);
    private static final int MAX_FRAME_BYTES = 65_536;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Engine a;
    private static Engine b;
    private static Engine c;
    private final List<NodeWorker> workers = new ArrayList<>();

    /** One engine of the cluster: its server and its HTTP-trigger port. */
    private record Engine(Server server, int httpPort) {

        URI ws() {
            return URI.create("ws://127.0.0.1:" + server.port + "/");
        }

        URI route(String path) {
            return URI.create("http://127.0.0.1:" + httpPort + "/" + path);
        }

        String log() {
            try {
                return Files.readString(server.log, StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void signal(String signal) throws IOException, InterruptedException {
            var kill = new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -" + signal + " " + server.pid());
        }
    }

    @BeforeAll
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    static void startThreeEngines() throws Exception {
        var ports = new int[] {Server.freePort(), Server.freePort(), Server.freePort()};
        var members = Arrays.stream(ports).mapToObj(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
        var name = "iii-test-" + UUID.randomUUID();
        try {
            a = start("failures-a", members, ports[0], name);
            b = start("failures-b", members, ports[1], name);
            c = start("failures-c", members, ports[2], name);
            for (var engine : List.of(a, b, c)) {
                engine.server().awaitReady(280);
            }
        } catch (Exception | AssertionError e) {
            stopEngines();
            throw e;
        }
    }

    private static Engine start(String server, String members, int memberPort, String cluster) throws IOException {
        int httpPort = Server.freePort();
        return new Engine(EngineProcess.clusterMember(server, members, memberPort, cluster, httpPort, "384m",
                Map.of("III_MAX_FRAME_BYTES", Integer.toString(MAX_FRAME_BYTES))), httpPort);
    }

    @AfterAll
    static void stopEngines() throws Exception {
        for (var engine : new Engine[] {a, b, c}) {
            if (engine != null) {
                // a stopped JVM does not hear SIGTERM
                if (engine.server().isAlive()) {
                    engine.signal("CONT");
                }
                engine.server().close();
            }
        }
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(NodeWorker::close);
        workers.clear();
    }

    private NodeWorker worker(Sdk sdk, Engine engine, String name) {
        var worker = NodeWorker.startReady(sdk, engine.ws(), name);
        workers.add(worker);
        return worker;
    }

    private static String fid(String what) {
        return "failures::" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String unique(String what) {
        return "failures-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---- listings

    /** What one engine lists, through one of its workers: the rows of each listing by id. */
    private record Listing(Map<String, List<JsonObject>> functions, Map<String, List<JsonObject>> workers,
                           Map<String, List<JsonObject>> services, Map<String, List<JsonObject>> types,
                           Map<String, List<JsonObject>> triggers) {

        static Listing of(NodeWorker observer) {
            return new Listing(byId(observer.listFunctions(), "functions", "function_id"),
                    byId(observer.listWorkers(), "workers", "id"),
                    byId(observer.call("engine::services::list", JsonKit.obj()), "result.services", "id"),
                    byId(observer.call("engine::trigger-types::list", JsonKit.obj()), "result.trigger_types", "id"),
                    byId(observer.call("engine::registered-triggers::list", JsonKit.obj()),
                            "result.registered_triggers", "id"));
        }

        private static Map<String, List<JsonObject>> byId(JsonObject listing, String path, String key) {
            return JsonKit.objects(listing, path).stream().collect(Collectors.groupingBy(row -> JsonKit.str(row, key),
                    HashMap::new, Collectors.toList()));
        }

        List<Map<String, List<JsonObject>>> all() {
            return List.of(functions, workers, services, types, triggers);
        }

        /** Rows of any listing that name {@code node}. */
        List<JsonObject> ofNode(String node) {
            return all().stream().flatMap(rows -> rows.values().stream()).flatMap(List::stream)
                    .filter(row -> node.equals(JsonKit.str(row, "node"))).toList();
        }

        /** Ids listed more than once, in any listing. */
        List<String> duplicates() {
            return all().stream().flatMap(rows -> rows.entrySet().stream()).filter(e -> e.getValue().size() > 1)
                    .map(e -> e.getKey() + " x" + e.getValue().size()).toList();
        }

        /** The one row of {@code id} in {@code rows}, if listed. */
        static Optional<JsonObject> one(Map<String, List<JsonObject>> rows, String id) {
            return Optional.ofNullable(rows.get(id)).map(list -> list.get(0));
        }

        String node(Map<String, List<JsonObject>> rows, String id) {
            return one(rows, id).map(row -> JsonKit.str(row, "node")).orElse(null);
        }
    }

    private static int status(URI url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertOk(JsonObject reply) {
        assertTrue(JsonKit.isTrue(reply, "ok"), reply::toString);
    }

    /** Warnings and errors an engine logged after {@code from} characters of its log. */
    private static List<String> problems(Engine engine, int from) {
        return engine.log().substring(from).lines()
                .filter(line -> line.contains(" WARNING ") || line.contains(" SEVERE ")).toList();
    }

    // ---- the tests

    @Test
    @Order(1)
    void bad_frames_sent_to_one_engine_stay_there() throws Exception {
        var onB = worker(Sdk.V0_22_1, b, "failures-bad-b");
        var onC = worker(Sdk.V0_11_6, c, "failures-bad-c");
        var fb = fid("bad-b");
        var fc = fid("bad-c");
        onB.registerFunction(fb, "echo");
        onC.registerFunction(fc, "echo");
        onB.awaitFunctionListed(fc, LISTED);
        onC.awaitFunctionListed(fb, LISTED);
        var before = Listing.of(onB);
        int logB = b.log().length();
        int logC = c.log().length();

        try (var bad = JavaWorker.connect(a.ws(), "failures-bad-frames")) {
            for (var frame : List.of("{not json", "null", "[\"registerfunction\"]",
                    "{\"type\":\"registerfunction\",\"id\":[]}",
                    "{\"type\":\"invocationresult\",\"invocation_id\":\"not-a-uuid\",\"function_id\":\"" + fb + "\"}",
                    "{\"type\":\"registertrigger\",\"id\":\"t\",\"trigger_type\":\"http\"}")) {
                int mark = bad.mark();
                bad.send(frame);
                var error = bad.awaitFrameFrom(mark, "error", f -> true, Duration.ofSeconds(5));
                assertEquals("invalid_message", JsonKit.str(error, "error.code"), () -> frame + " -> " + error);
            }
            int mark = bad.mark();
            bad.sendBinary(new byte[] {(byte) 0xc3, 0x28, 0, 1, 2, 3});
            assertEquals("invalid_message", JsonKit.str(bad.awaitFrameFrom(mark, "error", f -> true,
                    Duration.ofSeconds(5)), "error.code"));
            // an answer to a call it was never given, for a function of another engine
            bad.send(JsonKit.obj("type", "invocationresult", "invocation_id", UUID.randomUUID().toString(),
                    "function_id", fb, "result", JsonKit.obj("forged", true)));
            assertFalse(bad.isClosed(), "the sender's connection stays open, as on one engine");
            var echoed = bad.call(fb, JsonKit.obj("n", 1));
            assertEquals(1, echoed.getJsonObject("result").getInt("n"), echoed::toString);
        }
        try (var raw = RawWebSocket.open(a.ws())) {
            raw.readText(); // workerregistered
            var id = UUID.randomUUID().toString();
            var big = new byte[2 * MAX_FRAME_BYTES];
            Arrays.fill(big, (byte) 'x');
            var head = ("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":\"" + fb
                    + "\",\"data\":\"").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(head, 0, big, 0, head.length);
            raw.send(0x1, big);
            var reply = raw.readText();
            assertTrue(reply.contains("payload_too_large") && reply.contains(id), reply);
            raw.send(0x9, new byte[0]);
            assertEquals(0xA, raw.read().opcode(), "the connection survives, as on one engine");
        }

        assertOk(onB.call(fc, JsonKit.obj("from", "b")));
        assertOk(onC.call(fb, JsonKit.obj("from", "c")));
        assertTrue(onB.events(NodeWorker.invoked(fb)).stream().noneMatch(e -> e.toString().contains("xxxx")),
                "the oversized call never reached its function");
        var after = Listing.of(onB);
        assertEquals(before.functions().keySet(), after.functions().keySet());
        assertEquals(before.workers().keySet(), after.workers().keySet());
        assertEquals(List.of(), problems(b, logB), "engine B logged nothing of it");
        assertEquals(List.of(), problems(c, logC), "engine C logged nothing of it");
    }

    @Test
    @Order(2)
    void a_worker_killed_on_one_engine_is_gone_everywhere_within_3_s_and_its_pending_calls_fail_fast() {
        var victim = worker(Sdk.V0_22_1, b, "failures-victim");
        var fromA = worker(Sdk.V0_2_1, a, "failures-caller-a");
        var fromC = worker(Sdk.V0_11_6, c, "failures-caller-c");
        var hangs = fid("hangs");
        var type = unique("victim-type");
        var path = unique("victim") + "/route";
        victim.registerFunction(hangs, "never-answer");
        victim.registerTriggerType(type);
        victim.registerTrigger("http", hangs, JsonKit.obj("api_path", path, "http_method", "GET"));
        fromA.awaitFunctionListed(hangs, LISTED);
        fromC.awaitFunctionListed(hangs, LISTED);
        Await.untilTrue("the route of the victim served by A", LISTED,
                () -> Listing.of(fromA).triggers().values().stream().flatMap(List::stream)
                        .anyMatch(row -> hangs.equals(JsonKit.str(row, "function_id"))));
        var pendingA = fromA.callAsync(hangs, JsonKit.obj("from", "a"));
        var pendingC = fromC.callAsync(hangs, JsonKit.obj("from", "c"));
        victim.awaitCount(NodeWorker.invoked(hangs), 2, LISTED, "both calls at the victim");
        var id = victim.workerId();

        long killed = System.nanoTime();
        victim.kill();

        for (var caller : List.of(fromA, fromC)) {
            var outcome = caller.join(caller == fromA ? pendingA : pendingC, WORKER_GONE, "the pending call");
            assertEquals("invocation_stopped", JsonKit.str(outcome, "error.code"), outcome::toString);
        }
        long stoppedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        for (var observer : List.of(fromA, fromC)) {
            var left = WORKER_GONE.minusNanos(System.nanoTime() - killed);
            Await.untilTrue("the victim's registrations gone from " + observer.name(), left, () -> {
                var listing = Listing.of(observer);
                return !listing.functions().containsKey(hangs) && !listing.workers().containsKey(id)
                        && !listing.types().containsKey(type) && listing.triggers().values().stream()
                        .flatMap(List::stream).noneMatch(row -> hangs.equals(JsonKit.str(row, "function_id")));
            });
        }
        for (var engine : List.of(a, c)) {
            Await.untilTrue("the route gone from " + engine, WORKER_GONE, () -> status(engine.route(path)) == 404);
        }
        var call = fromA.call(hangs, JsonKit.obj());
        assertEquals("function_not_found", JsonKit.str(call, "error.code"), call::toString);
        System.out.println("worker killed: pending calls on A and C stopped after " + stoppedMs + " ms, "
                + "everything gone after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed) + " ms");
    }

    @Test
    @Order(3)
    void an_engine_cut_off_and_merged_back_ends_with_one_entry_per_live_registration_everywhere() throws Exception {
        var onA = worker(Sdk.V0_22_1, a, "failures-split-a");
        var onB = worker(Sdk.V0_2_1, b, "failures-split-b");
        var onC = worker(Sdk.V0_11_6, c, "failures-split-c");
        var leaverA = worker(Sdk.V0_2_1, a, "failures-leaver-a");
        var leaverC = worker(Sdk.V0_22_1, c, "failures-leaver-c");
        var fa = fid("split-a");
        var fb = fid("split-b");
        var fc = fid("split-c");
        var hangsA = fid("split-hangs-a");
        var hangsC = fid("split-hangs-c");
        var goneA = fid("split-gone-a");
        var goneC = fid("split-gone-c");
        var typeC = unique("split-type");
        var serviceC = unique("split-service");
        var routeA = unique("split-a") + "/route";
        var routeC = unique("split-c") + "/route";
        onA.registerFunction(fa, "echo");
        onA.registerFunction(hangsA, "never-answer");
        onA.registerTrigger("http", fa, JsonKit.obj("api_path", routeA, "http_method", "GET"));
        onB.registerFunction(fb, "echo");
        onC.registerFunction(fc, "echo");
        onC.registerFunction(hangsC, "never-answer");
        onC.registerTriggerType(typeC);
        onC.registerService(serviceC, "name", "split service");
        onC.registerTrigger("http", fc, JsonKit.obj("api_path", routeC, "http_method", "GET"));
        leaverA.registerFunction(goneA, "echo");
        leaverC.registerFunction(goneC, "echo");
        var observers = List.of(onA, onB, onC);
        for (var observer : observers) {
            for (var f : List.of(fa, fb, fc, hangsA, hangsC, goneA, goneC)) {
                observer.awaitFunctionListed(f, LISTED);
            }
        }
        for (var engine : List.of(a, b, c)) {
            for (var route : List.of(routeA, routeC)) {
                Await.untilTrue(route + " served by " + engine, LISTED, () -> status(engine.route(route)) == 200);
            }
        }
        var nodeC = Listing.of(onA).node(Listing.of(onA).workers(), onC.workerId());
        var toC = onA.callAsync(hangsC, JsonKit.obj("across", "the split"));
        var toA = onC.callAsync(hangsA, JsonKit.obj("across", "the split"));
        onC.awaitInvoked(hangsC, LISTED);
        onA.awaitInvoked(hangsA, LISTED);

        // the split: C stops answering until A and B have removed it
        long stopped = System.nanoTime();
        c.signal("STOP");
        var atA = onA.join(toC, ENGINE_GONE, "the call from A to C's worker");
        long atAMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
        assertEquals("invocation_stopped", JsonKit.str(atA, "error.code"), atA::toString);
        for (var observer : List.of(onA, onB)) {
            Await.untilTrue("engine C gone from " + observer.name(), ENGINE_GONE,
                    () -> Listing.of(observer).ofNode(nodeC).isEmpty());
        }
        assertOk(onA.call(fb, JsonKit.obj("during", "the split")));
        var cutOff = onA.call(fc, JsonKit.obj("during", "the split"));
        assertEquals("function_not_found", JsonKit.str(cutOff, "error.code"), cutOff::toString);
        assertOk(onB.call(fa, JsonKit.obj("during", "the split")));
        // on both sides, one worker leaves and one arrives while the engines are apart
        leaverA.kill();
        leaverC.kill();
        var newcomerA = worker(Sdk.V0_11_6, a, "failures-newcomer-a");
        var newA = fid("split-new-a");
        newcomerA.registerFunction(newA, "echo");
        var newcomerC = NodeWorker.start(Sdk.V0_22_1, c.ws(), NodeWorker.options().name("failures-newcomer-c"));
        workers.add(newcomerC);
        onB.awaitFunctionListed(newA, LISTED);

        long resumed = System.nanoTime();
        c.signal("CONT");
        var atC = onC.join(toA, MERGED, "the call from C to A's worker");
        long atCMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed);
        newcomerC.awaitReady(MERGED);
        var newC = fid("split-new-c");
        newcomerC.registerFunction(newC, "echo");

        var live = List.of(fa, fb, fc, hangsA, hangsC, newA, newC);
        for (var observer : observers) {
            for (var f : live) {
                observer.awaitFunctionListed(f, MERGED);
            }
        }
        long mergedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed);
        assertOk(onA.call(fc, JsonKit.obj("after", "the merge")));
        assertOk(onB.call(newC, JsonKit.obj("after", "the merge")));
        assertOk(onC.call(fa, JsonKit.obj("after", "the merge")));
        assertOk(onC.call(newA, JsonKit.obj("after", "the merge")));
        for (var engine : List.of(a, b, c)) {
            for (var route : List.of(routeA, routeC)) {
                Await.untilTrue(route + " served by " + engine + " after the merge", MERGED,
                        () -> status(engine.route(route)) == 200);
            }
        }
        var gone = List.of(leaverA.workerId(), leaverC.workerId(), goneA, goneC);
        var mergedNodeC = Listing.of(onC).node(Listing.of(onC).workers(), onC.workerId());
        for (var observer : observers) {
            Await.untilTrue("one entry per live registration on " + observer.name(), LISTED, () -> {
                // what is wrong, thrown: on a timeout the last of it is the failure's cause
                var listing = Listing.of(observer);
                var wrong = new ArrayList<String>();
                if (!listing.duplicates().isEmpty()) {
                    wrong.add("listed more than once: " + listing.duplicates());
                }
                gone.stream().filter(id -> listing.functions().containsKey(id) || listing.workers().containsKey(id))
                        .forEach(id -> wrong.add("still listed after it left: " + id));
                BiConsumer<String, String> onMergedNode = (what, node) -> {
                    if (!mergedNodeC.equals(node)) {
                        wrong.add(what + " on node " + node + ", not " + mergedNodeC);
                    }
                };
                onMergedNode.accept("C's worker", listing.node(listing.workers(), onC.workerId()));
                onMergedNode.accept("C's function", listing.node(listing.functions(), fc));
                onMergedNode.accept("C's service", listing.node(listing.services(), serviceC));
                onMergedNode.accept("C's trigger type", listing.node(listing.types(), typeC));
                if (!nodeC.equals(mergedNodeC) && !listing.ofNode(nodeC).isEmpty()) {
                    wrong.add("rows of C's node before the merge: " + listing.ofNode(nodeC));
                }
                if (!wrong.isEmpty()) {
                    throw new AssertionError(String.join("; ", wrong));
                }
                return true;
            });
            var listing = Listing.of(observer);
            assertEquals(List.of(), listing.duplicates(), observer.name());
        }
        System.out.println("split: the call from A to C stopped after " + atAMs + " ms; the call from C to A "
                + "ended after C resumed in " + atCMs + " ms with " + atC + "; merged " + mergedMs
                + " ms after C resumed; C's node " + nodeC + " -> " + mergedNodeC);
    }

    @Test
    @Order(100)
    void an_engine_killed_is_cleaned_up_by_both_others_which_keep_serving_each_other() throws Exception {
        var victim = worker(Sdk.V0_11_6, a, "failures-dying-engine");
        var onB = worker(Sdk.V0_22_1, b, "failures-survivor-b");
        var onC = worker(Sdk.V0_2_1, c, "failures-survivor-c");
        var hangs = fid("dying-hangs");
        var type = unique("dying-type");
        var service = unique("dying-service");
        var path = unique("dying") + "/route";
        var fb = fid("survivor-b");
        var fc = fid("survivor-c");
        victim.registerFunction(hangs, "never-answer");
        victim.registerTriggerType(type);
        victim.registerService(service, "name", "dying service");
        victim.registerTrigger("http", hangs, JsonKit.obj("api_path", path, "http_method", "GET"));
        onB.registerFunction(fb, "echo");
        onC.registerFunction(fc, "echo");
        for (var observer : List.of(onB, onC)) {
            for (var f : List.of(hangs, fb, fc)) {
                observer.awaitFunctionListed(f, LISTED);
            }
            Await.untilTrue(type + " and " + service + " listed by " + observer.name(), LISTED, () -> {
                var listing = Listing.of(observer);
                return listing.types().containsKey(type) && listing.services().containsKey(service);
            });
        }
        var nodeA = Listing.of(onB).node(Listing.of(onB).functions(), hangs);
        var pendingB = onB.callAsync(hangs, JsonKit.obj("from", "b"));
        var pendingC = onC.callAsync(hangs, JsonKit.obj("from", "c"));
        victim.awaitCount(NodeWorker.invoked(hangs), 2, LISTED, "both calls at the victim");

        // calls between the survivors, one after the other in both directions, all through the kill
        var running = new AtomicBoolean(true);
        var failures = new ConcurrentLinkedQueue<String>();
        var slowest = new AtomicLong();
        var calls = new AtomicLong();
        Function<NodeWorker, CompletableFuture<Void>> traffic = caller -> CompletableFuture.runAsync(() -> {
            var target = caller == onB ? fc : fb;
            while (running.get()) {
                long start = System.nanoTime();
                var reply = caller.call(target, JsonKit.obj("n", calls.incrementAndGet()));
                slowest.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
                if (!JsonKit.isTrue(reply, "ok")) {
                    failures.add(reply.toString());
                }
            }
        });
        var loops = List.of(traffic.apply(onB), traffic.apply(onC));
        Await.untilTrue("calls between B and C", LISTED, () -> calls.get() > 20);
        long before = slowest.get();

        long killed = System.nanoTime();
        ProcessHandle.of(a.server().pid()).ifPresent(ProcessHandle::destroyForcibly);

        for (var caller : List.of(onB, onC)) {
            var outcome = caller.join(caller == onB ? pendingB : pendingC, ENGINE_GONE, "the pending call");
            assertEquals("invocation_stopped", JsonKit.str(outcome, "error.code"), outcome::toString);
        }
        long stoppedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        for (var observer : List.of(onB, onC)) {
            Await.untilTrue("engine A gone from " + observer.name(), ENGINE_GONE.minusNanos(System.nanoTime() - killed),
                    () -> Listing.of(observer).ofNode(nodeA).isEmpty());
        }
        for (var engine : List.of(b, c)) {
            Await.untilTrue("the route gone from " + engine, ENGINE_GONE.minusNanos(System.nanoTime() - killed),
                    () -> status(engine.route(path)) == 404);
        }
        long goneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        long mark = calls.get();
        Await.untilTrue("calls between B and C after the kill", LISTED, () -> calls.get() > mark + 20);
        running.set(false);
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertEquals(List.of(), List.copyOf(failures), "calls between the survivors");
        System.out.println("engine killed: pending calls on B and C stopped after " + stoppedMs + " ms, its "
                + "registrations gone after " + goneMs + " ms; " + calls.get() + " calls between B and C, the "
                + "slowest " + slowest.get() + " ms (" + before + " ms before the kill)");
    }
}
