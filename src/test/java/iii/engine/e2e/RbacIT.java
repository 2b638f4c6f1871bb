package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.bench.Server;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The RBAC-gated listener with every rule configured, against real SDK workers on it: an auth function, an expose
 * list (a glob and a metadata filter), a middleware, the three registration hooks and an allowed origin. The auth
 * function, middleware and hooks are answered by a Java worker on the trusted listener, from a table of tokens.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RbacIT extends E2eSupport {

    private static Server engine;
    private static int rbacPort;
    private static JavaWorker authority;

    /** What the auth function, middleware and hooks were called with, in order. */
    private static final List<JsonObject> AUTH_CALLS = new CopyOnWriteArrayList<>();
    private static final List<JsonObject> MIDDLEWARE_CALLS = new CopyOnWriteArrayList<>();
    private static final List<JsonObject> HOOK_CALLS = new CopyOnWriteArrayList<>();

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    static void startEngine() throws Exception {
        rbacPort = Server.freePort();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("III_RBAC_PORT", Integer.toString(rbacPort));
        env.put("III_RBAC_AUTH_FUNCTION_ID", "rbac::auth");
        env.put("III_RBAC_AUTH_TIMEOUT_MS", "1500");
        env.put("III_RBAC_EXPOSE_FUNCTIONS", "rbac::public::*, engine::functions::list, metadata:public=true");
        env.put("III_RBAC_MIDDLEWARE_FUNCTION_ID", "rbac::middleware");
        env.put("III_RBAC_ON_FUNCTION_REGISTRATION_FUNCTION_ID", "rbac::on-function");
        env.put("III_RBAC_ON_TRIGGER_REGISTRATION_FUNCTION_ID", "rbac::on-trigger");
        env.put("III_RBAC_ON_TRIGGER_TYPE_REGISTRATION_FUNCTION_ID", "rbac::on-trigger-type");
        env.put("III_RBAC_ALLOWED_ORIGINS", "https://console.example");
        Path root = NodeWorker.projectDir();
        engine = Server.start("rbac-engine", root, Path.of(System.getProperty("java.home")),
                root.resolve("target/payara-micro.jar"), EngineProcess.war(), Server.freePort(), Server.freePort(),
                true, List.of("-Xmx1g"), env, EngineProcess.scratchDirectory("rbac-engine"));
        engine.awaitReady(200);
        authority = JavaWorker.connectRegistered(trusted(), "rbac-authority");
        authority.registerFunction("rbac::auth", RbacIT::authenticate);
        authority.registerFunction("rbac::middleware", RbacIT::middleware);
        authority.registerFunction("rbac::on-function", hook(input -> {
            String id = JsonKit.str(input, "function_id");
            if (id.startsWith("denied::")) {
                return null;
            }
            return JsonKit.obj("function_id", id.startsWith("rename::") ? "renamed::" + id.substring(8) : id);
        }));
        authority.registerFunction("rbac::on-trigger", hook(input ->
                JsonKit.str(input, "function_id").startsWith("denied::") ? null : JsonKit.obj()));
        authority.registerFunction("rbac::on-trigger-type", hook(input ->
                JsonKit.str(input, "trigger_type_id").startsWith("denied::") ? null : JsonKit.obj()));
        Await.untilTrue("the authority's functions are listed", Duration.ofSeconds(20),
                () -> authority.functionListed("rbac::on-trigger-type"));
    }

    @AfterAll
    static void stopEngine() {
        if (authority != null) {
            authority.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @BeforeEach
    void forgetCalls() {
        AUTH_CALLS.clear();
        MIDDLEWARE_CALLS.clear();
        HOOK_CALLS.clear();
    }

    @Override
    protected URI ws() {
        return trusted();
    }

    private static URI trusted() {
        return URI.create("ws://127.0.0.1:" + engine.port + "/");
    }

    private static URI gated(String query) {
        return URI.create("ws://127.0.0.1:" + rbacPort + "/" + (query == null ? "" : "?" + query));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The authority: iii's AuthResult per token, a forwarding middleware, hooks that deny "denied::" ids

    private static JsonObject authenticate(JsonObject invocation) {
        JsonObject input = invocation.getJsonObject("data");
        AUTH_CALLS.add(input);
        String token = JsonKit.str(input, "headers.x-test-token");
        if (token == null && input.getJsonObject("query_params").containsKey("token")) {
            token = input.getJsonObject("query_params").getJsonArray("token").getString(0);
        }
        JsonObject grant = switch (token == null ? "" : token) {
            case "alice" -> JsonKit.obj("allowed_functions", JsonKit.arr("rbac::secret"),
                    "allow_trigger_type_registration", true, "context", JsonKit.obj("user_id", "alice"));
            case "restricted" -> JsonKit.obj("allowed_functions", JsonKit.arr("rbac::secret"),
                    "forbidden_functions", JsonKit.arr("rbac::secret", "rbac::public::echo"),
                    "context", JsonKit.obj("user_id", "restricted"));
            case "no-registration" -> JsonKit.obj("allow_function_registration", false,
                    "context", JsonKit.obj("user_id", "reader"));
            case "tenant" -> JsonKit.obj("function_registration_prefix", "tenant-a",
                    "allow_trigger_type_registration", true, "allowed_trigger_types", JsonKit.arr("rbac::ticks"),
                    "context", JsonKit.obj("user_id", "tenant-a"));
            case "slow" -> null;
            default -> JsonKit.obj();
        };
        if (grant == null) {
            sleep(5_000);
            return JsonKit.obj("result", JsonKit.obj());
        }
        if (token == null || token.equals("wrong")) {
            return JsonKit.obj("error", JsonKit.obj("code", "AUTH", "message", "invalid token"));
        }
        return JsonKit.obj("result", grant);
    }

    /** Calls the function the session called, with the caller's identity added to the payload. */
    private static JsonObject middleware(JsonObject invocation) {
        JsonObject input = invocation.getJsonObject("data");
        MIDDLEWARE_CALLS.add(input);
        JsonValue payload = input.get("payload");
        JsonObject enriched = JsonKit.with(payload instanceof JsonObject o ? o : JsonKit.obj(),
                "_via_middleware", true, "_user", JsonKit.str(input, "context.user_id"));
        JsonObject answer = authority.call(JsonKit.str(input, "function_id"), enriched);
        return answer.containsKey("error") && answer.get("error") != JsonValue.NULL
                ? JsonKit.obj("error", answer.get("error"))
                : JsonKit.obj("result", answer.getOrDefault("result", JsonValue.NULL));
    }

    private static JavaWorker.Handler hook(java.util.function.Function<JsonObject, JsonObject> decide) {
        return invocation -> {
            JsonObject input = invocation.getJsonObject("data");
            HOOK_CALLS.add(input);
            JsonObject answer = decide.apply(input);
            return answer == null ? JsonKit.obj("error", JsonKit.obj("code", "DENIED", "message", "denied by hook"))
                    : JsonKit.obj("result", answer);
        };
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A worker of {@code sdk} on the gated listener with {@code token}, ready once it can call the engine. */
    private NodeWorker session(Sdk sdk, String token) {
        var options = NodeWorker.options().telemetry(false).readyFunction("engine::log::info");
        if (sdk == Sdk.V0_2_1) {
            return node(sdk, gated("token=" + token), options);
        }
        return node(sdk, gated(null), options.headers(Map.of("x-test-token", token)));
    }

    /** The worker id of a session, from the trusted listing, found by its name. */
    private String workerIdOf(NodeWorker session) {
        return Await.until("worker " + session.name() + " is listed", MEDIUM, () -> observer().listWorkers().stream()
                .filter(w -> session.name().equals(JsonKit.str(w, "name"))).findFirst()
                .map(w -> JsonKit.str(w, "id")));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Authentication

    @Test
    void channel_sockets_on_the_gated_listener_are_admitted_by_their_access_key_without_the_auth_function()
            throws IOException {
        JsonObject reader = authority.callOk("engine::channels::create", JsonKit.obj()).getJsonObject("reader");
        String path = "/ws/channels/" + reader.getString("channel_id") + "?dir=read&key=";
        int calls = AUTH_CALLS.size();

        assertEquals(404, UpgradeProbe.statusOf(rbacPort, Map.of(), path + "wrong"));
        assertEquals(101, UpgradeProbe.statusOf(rbacPort, Map.of(), path + reader.getString("access_key")));
        assertEquals(calls, AUTH_CALLS.size(), "the auth function is not asked about channel sockets");
    }

    @Test
    void sdk_0_22_1_and_0_11_6_authenticate_with_headers_and_0_2_1_with_a_query_token() {
        String echo = "rbac::public::" + shortId();
        java("echo-owner").registerFunction(echo, JavaWorker.echo());
        awaitFunctionListed(echo);

        for (Sdk sdk : List.of(Sdk.V0_22_1, Sdk.V0_11_6, Sdk.V0_2_1)) {
            NodeWorker session = session(sdk, "alice");
            JsonObject reply = assertCallOk(session.call(echo, JsonKit.obj("from", sdk.version())));

            assertEquals(sdk.version(), JsonKit.str(result(reply), "from"), sdk::version);
            assertEquals("alice", JsonKit.str(result(reply), "_user"), "the middleware saw the session's context");
        }
        JsonObject headerInput = AUTH_CALLS.stream().filter(a -> "alice".equals(JsonKit.str(a, "headers.x-test-token")))
                .findFirst().orElseThrow();
        assertEquals("127.0.0.1", JsonKit.str(headerInput, "ip_address"));
        assertTrue(headerInput.getJsonObject("headers").containsKey("sec-websocket-key"), "header names lower-case");
        JsonObject queryInput = AUTH_CALLS.stream()
                .filter(a -> a.getJsonObject("query_params").containsKey("token")).findFirst().orElseThrow();
        assertEquals(JsonKit.arr("alice"), queryInput.getJsonObject("query_params").getJsonArray("token"),
                "query values are arrays of strings");
    }

    @Test
    void a_refused_upgrade_gets_401_and_no_socket_and_nothing_of_it_is_listed() throws IOException {
        int workersBefore = observer().listWorkers().size();

        assertEquals(401, upgradeStatus(Map.of("x-test-token", "wrong"), null), "the auth function threw");
        assertEquals(401, upgradeStatus(Map.of(), null), "no token at all: the auth function refuses");
        long t0 = System.nanoTime();
        assertEquals(401, upgradeStatus(Map.of("x-test-token", "slow"), null), "no answer within the timeout");
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(waited < 4_500, "refused at the auth timeout, not after the auth function's 5 s: " + waited);

        assertEquals(workersBefore, observer().listWorkers().size(), "no refused connection is listed");
        assertEquals(101, upgradeStatus(Map.of("x-test-token", "alice"), null), "a good token upgrades");
    }

    @Test
    void a_browser_upgrade_from_another_origin_is_refused_with_403() throws IOException {
        assertEquals(403, upgradeStatus(Map.of("x-test-token", "alice", "Origin", "https://evil.example"), null));
        assertEquals(101, upgradeStatus(Map.of("x-test-token", "alice", "Origin", "https://console.example"), null));
    }

    @Test
    void the_gated_listener_serves_the_worker_socket_and_nothing_else() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        for (String path : List.of("/health", "/console/", "/console/console.js", "/console/settings.json")) {
            var gated = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rbacPort
                    + path)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(404, gated.statusCode(), path);
        }
        var console = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.port
                + "/console/")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, console.statusCode(), "the console on the trusted listener");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Calls

    @Test
    void a_session_calls_what_is_exposed_or_allowed_and_gets_forbidden_for_the_rest_existing_or_not() {
        String exposed = "rbac::public::" + shortId();
        String byMetadata = fid("tagged");
        String hidden = fid("hidden");
        NodeWorker owner = node(Sdk.V0_22_1);
        owner.registerFunction(exposed, "echo");
        owner.registerFunction(byMetadata, "echo", "metadata", JsonKit.obj("public", true));
        owner.registerFunction(hidden, "echo");
        java("secret-owner").registerFunction("rbac::secret", JavaWorker.echo());
        awaitFunctionListed(hidden);
        NodeWorker session = session(Sdk.V0_22_1, "alice");

        assertCallOk(session.call(exposed, JsonKit.obj("n", 1)));
        assertCallOk(session.call(byMetadata, JsonKit.obj("n", 2)));
        assertCallOk(session.call("rbac::secret", JsonKit.obj("n", 3)));
        JsonObject denied = assertCallError(session.call(hidden, JsonKit.obj()), "FORBIDDEN");
        assertTrue(JsonKit.str(denied, "message").contains(hidden), denied::toString);
        assertCallError(session.call(fid("does-not-exist"), JsonKit.obj()), "FORBIDDEN");
        assertEquals(0, owner.events(NodeWorker.invoked(hidden)).size(), "a denied call never reaches its function");
    }

    @Test
    void forbidden_functions_win_over_allowed_and_exposed_ones() {
        java("restricted-owner").registerFunction("rbac::public::echo", JavaWorker.echo());
        awaitFunctionListed("rbac::public::echo");
        NodeWorker session = session(Sdk.V0_22_1, "restricted");

        assertCallError(session.call("rbac::public::echo", JsonKit.obj()), "FORBIDDEN");
        assertCallError(session.call("rbac::secret", JsonKit.obj()), "FORBIDDEN");
    }

    @Test
    void infrastructure_functions_work_for_any_session_and_bypass_the_middleware() {
        NodeWorker session = session(Sdk.V0_22_1, "restricted");

        assertCallOk(session.call("engine::log::info", JsonKit.obj("message", "from a restricted session")));
        assertTrue(MIDDLEWARE_CALLS.isEmpty(), "engine functions do not go through the middleware");
        assertTrue(workerIdOf(session) != null, "engine::workers::register named the session's worker");
    }

    @Test
    void the_middleware_gets_iiis_input_and_its_answer_is_the_callers_answer() {
        String exposed = "rbac::public::" + shortId();
        java("mw-owner").registerFunction(exposed, f -> JsonKit.obj("result", JsonKit.obj("seen",
                f.getOrDefault("data", JsonValue.NULL))));
        awaitFunctionListed(exposed);
        NodeWorker session = session(Sdk.V0_11_6, "alice");

        JsonObject reply = assertCallOk(session.call(exposed, JsonKit.obj("q", "x")));

        JsonObject input = MIDDLEWARE_CALLS.get(MIDDLEWARE_CALLS.size() - 1);
        assertEquals(exposed, JsonKit.str(input, "function_id"));
        assertEquals("x", JsonKit.str(input, "payload.q"));
        assertEquals("alice", JsonKit.str(input, "context.user_id"));
        assertTrue(JsonKit.isTrue(result(reply), "seen._via_middleware"), reply::toString);
    }

    @Test
    void a_sessions_listing_shows_only_what_it_may_call_and_the_trusted_listing_everything() {
        String exposed = "rbac::public::" + shortId();
        String hidden = fid("unlisted");
        NodeWorker owner = node(Sdk.V0_22_1);
        owner.registerFunction(exposed, "echo");
        owner.registerFunction(hidden, "echo");
        awaitFunctionListed(hidden);
        NodeWorker session = session(Sdk.V0_22_1, "alice");

        List<String> listed = ids(JsonKit.objects(session.listFunctions(), "functions"), "function_id");

        assertTrue(listed.contains(exposed), listed::toString);
        assertFalse(listed.contains(hidden), listed::toString);
        assertFalse(listed.contains("rbac::auth"), listed::toString);
        assertTrue(observer().functionListed(hidden));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Registrations

    @Test
    void a_sessions_function_is_callable_by_others_and_leaves_with_it() {
        String mine = fid("session-owned");
        NodeWorker session = session(Sdk.V0_22_1, "alice");
        session.registerFunction(mine, "echo");
        awaitFunctionListed(mine);

        assertEquals(1L, JsonKit.num(observer().callOk(mine, JsonKit.obj("a", 1)), "a"));
        session.close();
        awaitFunctionGone(mine);
    }

    @Test
    void a_session_never_takes_over_what_another_worker_owns_and_the_owner_keeps_serving() {
        String owned = fid("owned");
        JavaWorker owner = java("rightful-owner");
        owner.registerFunction(owned, f -> JsonKit.obj("result", JsonKit.obj("by", "owner")));
        awaitFunctionListed(owned);
        NodeWorker session = session(Sdk.V0_22_1, "alice");

        session.registerFunction(owned, "constant", "result", JsonKit.obj("by", "session"));
        session.registerFunction(fid("marker"), "echo");
        sleep(500);

        assertEquals("owner", JsonKit.str(observer().callOk(owned, JsonKit.obj()), "by"));
    }

    @Test
    void the_same_identity_registers_its_own_id_again_from_a_new_connection() {
        String mine = fid("reconnected");
        NodeWorker first = session(Sdk.V0_22_1, "alice");
        first.registerFunction(mine, "constant", "result", JsonKit.obj("by", "first"));
        awaitFunctionListed(mine);

        NodeWorker second = session(Sdk.V0_22_1, "alice");
        second.registerFunction(mine, "constant", "result", JsonKit.obj("by", "second"));

        Await.untilTrue("the second connection of alice serves " + mine, MEDIUM,
                () -> "second".equals(JsonKit.str(observer().callOk(mine, JsonKit.obj()), "by")));
    }

    @Test
    void the_trusted_listener_keeps_newest_wins() {
        String id = fid("newest-wins");
        JavaWorker first = java("first");
        first.registerFunction(id, f -> JsonKit.obj("result", JsonKit.obj("by", "first")));
        awaitFunctionListed(id);
        JavaWorker second = java("second");
        second.registerFunction(id, f -> JsonKit.obj("result", JsonKit.obj("by", "second")));

        Await.untilTrue("the newest trusted registration serves " + id, MEDIUM,
                () -> "second".equals(JsonKit.str(observer().callOk(id, JsonKit.obj()), "by")));
    }

    @Test
    void a_session_without_function_registration_is_refused_and_nothing_is_registered() {
        String refused = fid("not-allowed");
        NodeWorker session = session(Sdk.V0_22_1, "no-registration");
        session.registerFunction(refused, "echo");
        String marker = "rbac::public::" + shortId();
        java("marker-owner").registerFunction(marker, JavaWorker.echo());
        awaitFunctionListed(marker);
        sleep(300);

        assertFalse(observer().functionListed(refused));
    }

    @Test
    void a_prefix_registers_prefixed_ids_and_calls_reach_the_worker_under_its_own_id() {
        String local = "echo-" + shortId();
        NodeWorker session = session(Sdk.V0_22_1, "tenant");
        session.registerFunction(local, "echo");
        awaitFunctionListed("tenant-a::" + local);

        JsonObject answer = observer().callOk("tenant-a::" + local, JsonKit.obj("n", 7));

        assertEquals(7L, JsonKit.num(answer, "n"));
        assertFalse(observer().functionListed(local));
        session.unregisterFunction(local);
        awaitFunctionGone("tenant-a::" + local);
    }

    @Test
    void trigger_types_and_triggers_follow_the_grant() {
        NodeWorker reader = session(Sdk.V0_22_1, "no-registration");
        String refusedType = "rbac::type-" + shortId();
        reader.registerTriggerType(refusedType);
        NodeWorker tenant = session(Sdk.V0_22_1, "tenant");
        tenant.registerTriggerType("rbac::ticks");
        String handler = "handler-" + shortId();
        tenant.registerFunction(handler, "echo");
        awaitFunctionListed("tenant-a::" + handler);

        tenant.registerTrigger("rbac::ticks", handler, JsonKit.obj("every", 1));
        tenant.registerTrigger("cron", handler, JsonKit.obj("expression", "* * * * * *"));

        Await.untilTrue("the allowed trigger is registered, for the prefixed function", MEDIUM,
                () -> registeredTriggers().stream().anyMatch(t -> ("tenant-a::" + handler)
                        .equals(JsonKit.str(t, "function_id")) && "rbac::ticks".equals(JsonKit.str(t, "trigger_type"))));
        assertTrue(registeredTriggers().stream().noneMatch(t -> "cron".equals(JsonKit.str(t, "trigger_type"))
                && JsonKit.str(t, "function_id").endsWith(handler)), "the type outside allowed_trigger_types");
        assertTrue(observer().callOk("engine::trigger-types::list", JsonKit.obj()).toString().contains("rbac::ticks"));
        assertFalse(observer().callOk("engine::trigger-types::list", JsonKit.obj()).toString().contains(refusedType));
    }

    @Test
    void registration_hooks_see_the_registration_and_context_and_may_rename_or_deny() {
        NodeWorker session = session(Sdk.V0_22_1, "alice");
        String suffix = shortId();
        session.registerFunction("denied::" + suffix, "echo");
        session.registerFunction("rename::" + suffix, "echo");
        session.registerTriggerType("denied::type-" + suffix);

        awaitFunctionListed("renamed::" + suffix);
        assertFalse(observer().functionListed("denied::" + suffix));
        assertFalse(observer().functionListed("rename::" + suffix));
        JsonObject answer = observer().callOk("renamed::" + suffix, JsonKit.obj("n", 1));
        assertEquals(1L, JsonKit.num(answer, "n"), "the renamed function reaches the worker under its own id");
        JsonObject functionHook = HOOK_CALLS.stream().filter(h -> ("rename::" + suffix)
                .equals(JsonKit.str(h, "function_id"))).findFirst().orElseThrow();
        assertEquals("alice", JsonKit.str(functionHook, "context.user_id"));
        Await.untilTrue("the trigger type hook was asked", MEDIUM, () -> HOOK_CALLS.stream()
                .anyMatch(h -> ("denied::type-" + suffix).equals(JsonKit.str(h, "trigger_type_id"))));
        assertFalse(observer().callOk("engine::trigger-types::list", JsonKit.obj()).toString()
                .contains("denied::type-" + suffix));
    }

    @Test
    void bystanders_on_both_listeners_are_undisturbed_by_refused_sessions() throws Exception {
        String echo = "rbac::public::" + shortId();
        java("bystander-callee").registerFunction(echo, JavaWorker.echo());
        awaitFunctionListed(echo);
        NodeWorker trustedCaller = node(Sdk.V0_22_1);
        NodeWorker gatedCaller = session(Sdk.V0_22_1, "alice");
        List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        Thread refusals = new Thread(() -> {
            for (int i = 0; i < 40; i++) {
                try {
                    statuses.add(upgradeStatus(Map.of("x-test-token", i % 2 == 0 ? "wrong" : "alice",
                            "Origin", i % 4 == 1 ? "https://evil.example" : "https://console.example"), null));
                } catch (IOException e) {
                    statuses.add(-1);
                }
            }
        });
        refusals.start();
        for (int i = 0; i < 40; i++) {
            assertCallOk(trustedCaller.call(echo, JsonKit.obj("i", i)));
            assertCallOk(gatedCaller.call(echo, JsonKit.obj("i", i)));
        }
        refusals.join(60_000);

        assertTrue(statuses.stream().allMatch(s -> s == 101 || s == 401 || s == 403), statuses::toString);
        assertTrue(statuses.contains(401) && statuses.contains(403), statuses::toString);
    }

    @Test
    void upgrades_waiting_for_a_slow_auth_function_are_bounded_and_the_trusted_listener_keeps_serving()
            throws Exception {
        String echo = fid("trusted-echo");
        java("trusted-callee").registerFunction(echo, JavaWorker.echo());
        awaitFunctionListed(echo);
        JavaWorker trustedCaller = java("trusted-caller");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(24);
        try {
            var slow = new ArrayList<java.util.concurrent.Future<Integer>>();
            for (int i = 0; i < 24; i++) {
                slow.add(pool.submit(() -> upgradeStatus(Map.of("x-test-token", "slow"), null)));
            }
            sleep(300);
            for (int i = 0; i < 5; i++) {
                JsonObject answer = trustedCaller.call(echo, JsonKit.obj("i", i));
                assertTrue(answer.containsKey("result"), answer::toString);
            }
            boolean someStillWaiting = slow.stream().anyMatch(status -> !status.isDone());
            List<Integer> statuses = new ArrayList<>();
            for (var status : slow) {
                statuses.add(status.get(30, TimeUnit.SECONDS));
            }

            assertTrue(statuses.stream().allMatch(s -> s == 401 || s == 503), statuses::toString);
            assertTrue(statuses.contains(503), "more than iii.rbac.max-pending-auth (16) waiting get 503: " + statuses);
            assertTrue(someStillWaiting, "the trusted calls were answered while upgrades still waited for the auth "
                    + "function: " + statuses);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private List<JsonObject> registeredTriggers() {
        return JsonKit.objects(observer().callOk("engine::registered-triggers::list",
                JsonKit.obj("include_internal", true)), "registered_triggers");
    }

    private static int upgradeStatus(Map<String, String> headers, String query) throws IOException {
        return UpgradeProbe.status(rbacPort, headers, query);
    }
}
