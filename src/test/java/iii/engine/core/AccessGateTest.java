package iii.engine.core;

import iii.engine.access.Grant;
import iii.engine.access.RbacConfig;
import iii.engine.protocol.RawJson;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a session of the RBAC-gated listener may do, through the engine's own dispatch: calls allowed or answered
 * FORBIDDEN, the middleware, registrations with their prefix, ownership and hooks, and the listings it sees.
 */
class AccessGateTest {

    private static final String MIDDLEWARE = "mw::gate";
    private static final String FUNCTION_HOOK = "hooks::function";
    private static final String TRIGGER_HOOK = "hooks::trigger";
    private static final String TRIGGER_TYPE_HOOK = "hooks::trigger-type";

    private TestEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private TestEngine start(String middleware, String functionHook, String triggerHook, String triggerTypeHook,
                             long hookTimeoutMillis) {
        engine = new TestEngine(new RbacConfig(4100, null, hookTimeoutMillis, 4, List.of(), middleware, functionHook,
                triggerHook, triggerTypeHook, List.of(), Map.of()));
        return engine;
    }

    private TestEngine start() {
        return start(null, null, null, null, 60_000);
    }

    /** A session that may call {@code allowed}, register functions, trigger types and triggers of any type. */
    private static Grant grant(String user, String... allowed) {
        return new Grant("user:" + user, List.of(allowed), List.of(), null, true, true, null, context(user),
                List.of());
    }

    private static RawJson context(String user) {
        return RawJson.trusted("{\"user_id\":\"" + user + "\"}");
    }

    private static String invoke(String id, String function, String data) {
        return "{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":\"" + function
                + "\",\"data\":" + data + "}";
    }

    private static String trigger(String id, String type, String function) {
        return "{\"type\":\"registertrigger\",\"id\":\"" + id + "\",\"trigger_type\":\"" + type
                + "\",\"function_id\":\"" + function + "\",\"config\":{\"n\":1}}";
    }

    private static String triggerType(String id) {
        return "{\"type\":\"registertriggertype\",\"id\":\"" + id + "\",\"description\":\"d\"}";
    }

    private static String answer(JsonObject invocation, String result) {
        return "{\"type\":\"invocationresult\",\"invocation_id\":\"" + invocation.getString("invocation_id")
                + "\",\"function_id\":\"" + invocation.getString("function_id") + "\",\"result\":" + result + "}";
    }

    private static String fail(JsonObject invocation) {
        return "{\"type\":\"invocationresult\",\"invocation_id\":\"" + invocation.getString("invocation_id")
                + "\",\"function_id\":\"" + invocation.getString("function_id")
                + "\",\"error\":{\"code\":\"invocation_failed\",\"message\":\"no\"}}";
    }

    private static void assertForbidden(JsonObject frame, String messagePart) {
        var error = frame.getJsonObject("error");
        assertEquals("FORBIDDEN", error.getString("code"), frame.toString());
        assertTrue(error.getString("message").contains(messagePart), error.getString("message"));
    }

    private static List<String> functionIds(JsonObject listing) {
        return listing.getJsonObject("result").getJsonArray("functions").stream()
                .map(row -> row.asJsonObject().getString("function_id")).sorted().toList();
    }

    // calls

    @Test
    void deniedCallIsForbiddenWhetherOrNotTheFunctionExists() {
        start();
        var owner = engine.connect().register("secret::keys");
        var session = engine.connect(grant("alice", "api::*"));

        var existing = session.call("secret::keys", "{}");
        var missing = session.call("nobody::home", "{}");

        assertForbidden(existing, "function 'secret::keys' not allowed (add to rbac.expose_functions)");
        assertForbidden(missing, "function 'nobody::home' not allowed (add to rbac.expose_functions)");
        assertEquals(existing.getJsonObject("error").keySet(), missing.getJsonObject("error").keySet());
        assertEquals("secret::keys", existing.getString("function_id"));
        assertTrue(owner.received("invokefunction").isEmpty());
        assertEquals(2, engine.gate.deniedCount());
        assertEquals(0, engine.invoker.pendingCount());
    }

    @Test
    void deniedCallWithoutInvocationIdIsAnsweredUnderANewId() {
        start();
        var owner = engine.connect().register("secret::keys");
        var session = engine.connect(grant("alice"));

        session.say("{\"type\":\"invokefunction\",\"function_id\":\"secret::keys\",\"data\":{}}");
        session.say("{\"type\":\"invokefunction\",\"function_id\":\"nobody::home\",\"data\":{}}");

        var first = session.await("invocationresult");
        var second = session.await("invocationresult");
        assertForbidden(first, "function 'secret::keys' not allowed");
        assertForbidden(second, "function 'nobody::home' not allowed");
        UUID.fromString(first.getString("invocation_id"));
        UUID.fromString(second.getString("invocation_id"));
        assertTrue(owner.received("invokefunction").isEmpty());
    }

    @Test
    void forbiddenFunctionIsRefusedWithItsOwnRemedy() {
        start();
        engine.connect().register("api::admin");
        var session = engine.connect(new Grant("user:alice", List.of("api::*"), List.of("api::admin"), null, false,
                true, null, null, List.of()));

        assertForbidden(session.call("api::admin", "{}"),
                "function 'api::admin' not allowed (remove from rbac.forbidden_functions)");
    }

    @Test
    void allowedCallIsRoutedAndAnswered() {
        start();
        var owner = engine.connect().register("api::add");
        var session = engine.connect(grant("alice", "api::*"));
        var id = UUID.randomUUID().toString();

        session.say(invoke(id, "api::add", "{\"a\":1}"));
        var routed = owner.await("invokefunction");
        assertEquals("api::add", routed.getString("function_id"));
        assertEquals(session.id(), routed.getJsonObject("data").getString("_caller_worker_id"));
        owner.say(answer(routed, "{\"sum\":1}"));

        var result = session.await("invocationresult", frame -> frame.getString("invocation_id").equals(id));
        assertEquals(1, result.getJsonObject("result").getInt("sum"));
        assertEquals(0, engine.gate.deniedCount());
    }

    @Test
    void infrastructureFunctionNeedsNoGrant() {
        start();
        var session = engine.connect(grant("alice"));
        var result = session.call("engine::workers::register", "{\"runtime\":\"node\",\"name\":\"n\"}");
        assertFalse(result.containsKey("error"), result.toString());
    }

    // middleware

    @Test
    void middlewareGetsTheCallAndItsAnswerIsTheCallersAnswer() {
        start(MIDDLEWARE, null, null, null, 60_000);
        var middleware = engine.connect().register(MIDDLEWARE);
        var owner = engine.connect().register("api::add");
        var session = engine.connect(grant("alice", "api::*"));
        var id = UUID.randomUUID().toString();

        session.say(invoke(id, "api::add", "{\"a\":1}"));
        var input = middleware.await("invokefunction");
        assertEquals(MIDDLEWARE, input.getString("function_id"));
        var data = input.getJsonObject("data");
        assertEquals("api::add", data.getString("function_id"));
        assertEquals(1, data.getJsonObject("payload").getInt("a"));
        assertEquals("alice", data.getJsonObject("context").getString("user_id"));
        assertFalse(data.containsKey("action") && !data.isNull("action"), data.toString());
        assertTrue(owner.received("invokefunction").isEmpty());

        middleware.say(answer(input, "{\"checked\":true}"));
        var result = session.await("invocationresult", frame -> frame.getString("invocation_id").equals(id));
        assertEquals("api::add", result.getString("function_id"));
        assertTrue(result.getJsonObject("result").getBoolean("checked"));
        assertTrue(owner.received("invokefunction").isEmpty());
    }

    @Test
    void middlewareErrorIsTheCallersError() {
        start(MIDDLEWARE, null, null, null, 60_000);
        var middleware = engine.connect().register(MIDDLEWARE);
        var session = engine.connect(grant("alice", "api::*"));
        var id = UUID.randomUUID().toString();

        session.say(invoke(id, "api::add", "{}"));
        middleware.say(fail(middleware.await("invokefunction")));

        var result = session.await("invocationresult", frame -> frame.getString("invocation_id").equals(id));
        assertEquals("invocation_failed", result.getJsonObject("error").getString("code"));
    }

    @Test
    void middlewareSeesTheActionAndFireAndForgetGetsNoAnswer() {
        start(MIDDLEWARE, null, null, null, 60_000);
        var middleware = engine.connect().register(MIDDLEWARE);
        var session = engine.connect(grant("alice", "api::*"));

        session.say("{\"type\":\"invokefunction\",\"invocation_id\":\"" + UUID.randomUUID()
                + "\",\"function_id\":\"api::audit\",\"data\":{},\"action\":{\"type\":\"void\"}}");
        var input = middleware.await("invokefunction");
        assertEquals("void", input.getJsonObject("data").getJsonObject("action").getString("type"));
        middleware.say(answer(input, "null"));

        session.call("engine::workers::register", "{}");
        assertTrue(session.received("invocationresult").isEmpty());
    }

    @Test
    void engineFunctionsBypassTheMiddleware() {
        start(MIDDLEWARE, null, null, null, 60_000);
        var middleware = engine.connect().register(MIDDLEWARE);
        var session = engine.connect(grant("alice", "engine::functions::list"));

        var listing = session.call("engine::functions::list", "{}");
        assertFalse(listing.containsKey("error"), listing.toString());
        assertTrue(middleware.received("invokefunction").isEmpty());
    }

    @Test
    void deniedCallNeverReachesTheMiddleware() {
        start(MIDDLEWARE, null, null, null, 60_000);
        var middleware = engine.connect().register(MIDDLEWARE);
        var session = engine.connect(grant("alice", "api::*"));

        assertForbidden(session.call("secret::keys", "{}"), "not allowed");
        assertTrue(middleware.received("invokefunction").isEmpty());
    }

    @Test
    void trustedCallsDoNotGoThroughTheMiddleware() {
        start(MIDDLEWARE, null, null, null, 60_000);
        var middleware = engine.connect().register(MIDDLEWARE);
        var owner = engine.connect().register("api::add");
        var caller = engine.connect();
        var id = UUID.randomUUID().toString();

        caller.say(invoke(id, "api::add", "{}"));
        owner.say(answer(owner.await("invokefunction"), "2"));
        assertEquals(2, caller.await("invocationresult").getInt("result"));
        assertTrue(middleware.received("invokefunction").isEmpty());
    }

    // registration

    @Test
    void functionRegistrationNotAllowedIsAnErrorFrameAndRegistersNothing() {
        start();
        var session = engine.connect(new Grant("user:alice", List.of(), List.of(), null, false, false, null, null,
                List.of()));

        session.register("api::mine");

        assertForbidden(session.await("error"), "function registration not allowed for this session");
        assertNull(engine.functions.get("api::mine"));
        assertTrue(session.worker.functionIds().isEmpty());
        assertEquals(1, engine.gate.deniedCount());
    }

    @Test
    void consoleSessionRegistersOnlyItsEventFunctionAndBindsItOnlyToDiscoveryTypes() {
        start();
        var console = engine.connect(grant("alice", "api::*").forConsole());
        var events = "console::events::" + UUID.randomUUID();

        console.register(events);
        console.say(trigger(events + "::functions", "engine::functions-available", events));
        console.register("api::mine");
        var functionRefusal = console.await("error");
        console.say(triggerType("queue"));
        var typeRefusal = console.await("error");
        console.say(trigger("nightly", "cron", events));
        var triggerRefusal = console.await("triggerregistrationresult");

        assertForbidden(functionRefusal, "this session may register only 'console::events::*'");
        assertForbidden(typeRefusal, "trigger type registration not allowed for this session");
        assertForbidden(triggerRefusal, "trigger type 'cron' not allowed for this session");
        assertNotNull(engine.functions.get(events));
        assertNotNull(engine.triggerRegistry.trigger(events + "::functions"));
        assertNull(engine.functions.get("api::mine"));
        assertNull(engine.triggerRegistry.type("queue"));
        assertNull(engine.triggerRegistry.trigger("nightly"));
    }

    @Test
    void sessionThatIsNotTheConsoleRegistersAnyIdAsBefore() {
        start();
        var session = engine.connect(grant("alice"));

        session.register("console::events::mine");
        session.register("api::mine");

        assertNotNull(engine.functions.get("api::mine"));
        assertNotNull(engine.functions.get("console::events::mine"));
        assertEquals(0, engine.gate.deniedCount());
    }

    @Test
    void prefixIsAddedToWhatTheSessionRegistersAndStrippedWhenItIsCalled() {
        start();
        var session = engine.connect(new Grant("user:alice", List.of(), List.of(), null, false, true, "tenant",
                null, List.of()));
        var caller = engine.connect();

        session.register("echo").say(trigger("t1", "cron", "echo"));
        assertNull(engine.functions.get("echo"));
        assertSame(session.worker, engine.functions.get("tenant::echo").owner());
        assertEquals("tenant::echo", engine.triggerRegistry.trigger("t1").functionId());

        var id = UUID.randomUUID().toString();
        caller.say(invoke(id, "tenant::echo", "{}"));
        var routed = session.await("invokefunction");
        assertEquals("echo", routed.getString("function_id"));
        session.say(answer(routed, "\"hi\""));
        var result = caller.await("invocationresult");
        assertEquals("tenant::echo", result.getString("function_id"));
        assertEquals("hi", ((JsonString) result.get("result")).getString());

        session.say("{\"type\":\"unregisterfunction\",\"id\":\"echo\"}");
        assertNull(engine.functions.get("tenant::echo"));
    }

    @Test
    void sessionCannotTakeOverATrustedWorkersFunction() {
        start();
        var owner = engine.connect().register("api::add");
        var session = engine.connect(grant("alice", "api::*"));

        session.register("api::add");

        assertForbidden(session.await("error"), "function 'api::add' is owned by another worker");
        assertSame(owner.worker, engine.functions.get("api::add").owner());
        var caller = engine.connect();
        caller.say(invoke(UUID.randomUUID().toString(), "api::add", "{}"));
        assertEquals("api::add", owner.await("invokefunction").getString("function_id"));
        assertTrue(session.received("invokefunction").isEmpty());
    }

    @Test
    void sessionCannotTakeOverAnotherIdentitysFunction() {
        start();
        var alice = engine.connect(grant("alice")).register("shared::fn");
        var bob = engine.connect(grant("bob")).register("shared::fn");

        assertForbidden(bob.await("error"), "is owned by another worker");
        assertSame(alice.worker, engine.functions.get("shared::fn").owner());
    }

    @Test
    void sameIdentityMayRegisterItsOwnFunctionAgain() {
        start();
        var first = engine.connect(grant("alice")).register("shared::fn");
        var second = engine.connect(grant("alice")).register("shared::fn");

        assertSame(second.worker, engine.functions.get("shared::fn").owner());
        assertTrue(second.received("error").isEmpty());
        assertFalse(first.worker.functionIds().contains("shared::fn"));
    }

    @Test
    void trustedWorkerKeepsNewestWinsOverASessionsFunction() {
        start();
        engine.connect(grant("alice")).register("shared::fn");
        var trusted = engine.connect().register("shared::fn");
        assertSame(trusted.worker, engine.functions.get("shared::fn").owner());
    }

    @Test
    void sessionCannotRegisterTheMiddlewareOrAHookWhileNoOneProvidesIt() {
        start(MIDDLEWARE, null, TRIGGER_HOOK, null, 60_000);
        var session = engine.connect(grant("alice", "api::*"));

        session.register(MIDDLEWARE).register(TRIGGER_HOOK);

        assertForbidden(session.await("error"), "function '" + MIDDLEWARE + "' is reserved");
        assertForbidden(session.await("error"), "function '" + TRIGGER_HOOK + "' is reserved");
        assertNull(engine.functions.get(MIDDLEWARE));
        assertNull(engine.functions.get(TRIGGER_HOOK));
        var trusted = engine.connect().register(MIDDLEWARE);
        assertSame(trusted.worker, engine.functions.get(MIDDLEWARE).owner());
    }

    @Test
    void sessionCannotTakeOverAnotherWorkersTrigger() {
        start();
        var trusted = engine.connect().register("jobs::run").say(trigger("nightly", "cron", "jobs::run"));
        var session = engine.connect(grant("alice", "jobs::*"));

        session.say(trigger("nightly", "cron", "jobs::run"));

        var refusal = session.await("triggerregistrationresult");
        assertEquals("nightly", refusal.getString("id"));
        assertForbidden(refusal, "trigger 'nightly' is owned by another worker");
        assertSame(trusted.worker, engine.triggerRegistry.trigger("nightly").owner());
    }

    @Test
    void sameIdentityMayRegisterItsOwnTriggerAgain() {
        start();
        engine.connect(grant("alice")).register("jobs::run").say(trigger("nightly", "cron", "jobs::run"));
        var again = engine.connect(grant("alice")).say(trigger("nightly", "cron", "jobs::run"));

        assertTrue(again.received("triggerregistrationresult").isEmpty());
        assertSame(again.worker, engine.triggerRegistry.trigger("nightly").owner());
    }

    @Test
    void sessionCannotTakeOverAnotherWorkersTriggerType() {
        start();
        var provider = engine.connect().say(triggerType("queue"));
        var session = engine.connect(grant("alice"));

        session.say(triggerType("queue"));

        assertForbidden(session.await("error"), "trigger type 'queue' is provided by another worker");
        assertSame(provider.worker, engine.triggerRegistry.type("queue").provider());
    }

    @Test
    void sameIdentityMayProvideItsOwnTriggerTypeAgain() {
        start();
        engine.connect(grant("alice")).say(triggerType("queue"));
        var again = engine.connect(grant("alice")).say(triggerType("queue"));

        assertTrue(again.received("error").isEmpty());
        assertSame(again.worker, engine.triggerRegistry.type("queue").provider());
    }

    @Test
    void triggerTypeRegistrationNotAllowedIsRefused() {
        start();
        var session = engine.connect(new Grant("user:alice", List.of(), List.of(), null, false, true, null, null,
                List.of()));

        session.say(triggerType("queue"));

        assertForbidden(session.await("error"), "trigger type registration not allowed for this session");
        assertNull(engine.triggerRegistry.type("queue"));
    }

    @Test
    void triggerOfATypeNotAllowedIsRefused() {
        start();
        var session = engine.connect(new Grant("user:alice", List.of(), List.of(), List.of("http"), false, true,
                null, null, List.of())).register("jobs::run");

        session.say(trigger("nightly", "cron", "jobs::run"));

        var refusal = session.await("triggerregistrationresult");
        assertForbidden(refusal, "trigger type 'cron' not allowed for this session");
        assertNull(engine.triggerRegistry.trigger("nightly"));
    }

    @Test
    void triggerMayNotTargetAFunctionTheSessionCannotCall() {
        start();
        engine.connect().register("secret::wipe");
        var session = engine.connect(grant("alice", "api::*"));

        session.say(trigger("boom", "cron", "secret::wipe"));

        assertForbidden(session.await("triggerregistrationresult"),
                "function 'secret::wipe' not allowed as a trigger target");
        assertNull(engine.triggerRegistry.trigger("boom"));
    }

    @Test
    void triggerMayNotTargetAFunctionTheSessionCannotCallBeforeItExists() {
        start();
        var session = engine.connect(grant("alice", "api::*"));

        session.say(trigger("boom", "cron", "secret::wipe")).say(trigger("later", "cron", "api::later"));

        assertForbidden(session.await("triggerregistrationresult"),
                "function 'secret::wipe' not allowed as a trigger target");
        assertNull(engine.triggerRegistry.trigger("boom"));
        assertEquals("api::later", engine.triggerRegistry.trigger("later").functionId());
        // the function registered afterwards is not reachable through the trigger
        engine.connect().register("secret::wipe");
        assertNull(engine.triggerRegistry.trigger("boom"));
    }

    @Test
    void triggerMayTargetAFunctionOfTheSessionsOwnPrefixBeforeItExists() {
        start();
        var session = engine.connect(new Grant("user:alice", List.of(), List.of(), null, false, true, "tenant",
                null, List.of()));

        session.say(trigger("t1", "cron", "later"));

        assertTrue(session.received("triggerregistrationresult").isEmpty());
        assertEquals("tenant::later", engine.triggerRegistry.trigger("t1").functionId());
    }

    // hooks

    @Test
    void functionHookSeesTheRegistrationAndItsAnswerRenamesIt() {
        start(null, FUNCTION_HOOK, null, null, 60_000);
        var hooks = engine.connect().register(FUNCTION_HOOK);
        var session = engine.connect(grant("alice"));

        session.say("{\"type\":\"registerfunction\",\"id\":\"echo\",\"description\":\"Echo\","
                + "\"metadata\":{\"m\":1}}");
        var input = hooks.await("invokefunction");
        var data = input.getJsonObject("data");
        assertEquals("echo", data.getString("function_id"));
        assertEquals("Echo", data.getString("description"));
        assertEquals(1, data.getJsonObject("metadata").getInt("m"));
        assertEquals("alice", data.getJsonObject("context").getString("user_id"));
        assertNull(engine.functions.get("echo"));

        hooks.say(answer(input, "{\"function_id\":\"alice::echo\",\"metadata\":{\"m\":2}}"));

        assertNull(engine.functions.get("echo"));
        var registered = engine.functions.get("alice::echo");
        assertSame(session.worker, registered.owner());
        assertEquals("Echo", registered.description());
        assertEquals("{\"m\":2}", registered.metadata().text());
    }

    @Test
    void functionHookAnsweringAnErrorNullOrNoObjectRefuses() {
        start(null, FUNCTION_HOOK, null, null, 60_000);
        var hooks = engine.connect().register(FUNCTION_HOOK);
        var session = engine.connect(grant("alice"));

        session.register("one").register("two").register("three");
        hooks.say(fail(hooks.await("invokefunction")));
        hooks.say(answer(hooks.await("invokefunction"), "null"));
        hooks.say(answer(hooks.await("invokefunction"), "\"yes\""));

        for (int i = 0; i < 3; i++) {
            assertForbidden(session.await("error"), "function registration denied by hook");
        }
        assertNull(engine.functions.get("one"));
        assertNull(engine.functions.get("two"));
        assertNull(engine.functions.get("three"));
        assertEquals(3, engine.gate.deniedCount());
    }

    @Test
    void functionHookThatDoesNotAnswerInTimeRefuses() {
        start(null, FUNCTION_HOOK, null, null, 0);
        var hooks = engine.connect().register(FUNCTION_HOOK);
        var session = engine.connect(grant("alice"));

        session.register("slow");
        hooks.await("invokefunction");
        engine.invoker.expireOverdue();

        assertForbidden(session.await("error"), "function registration denied by hook");
        assertNull(engine.functions.get("slow"));
    }

    @Test
    void missingHookFunctionRefuses() {
        start(null, FUNCTION_HOOK, null, null, 60_000);
        var session = engine.connect(grant("alice"));

        session.register("echo");

        assertForbidden(session.await("error"), "function registration denied by hook");
        assertNull(engine.functions.get("echo"));
    }

    @Test
    void lateHookHoldsBackTheSessionsLaterMessagesInOrder() {
        start(null, FUNCTION_HOOK, null, null, 60_000);
        var hooks = engine.connect().register(FUNCTION_HOOK);
        var owner = engine.connect().register("api::add");
        var session = engine.connect(grant("alice", "api::*"));
        var id = UUID.randomUUID().toString();

        session.register("echo").say(trigger("t1", "cron", "echo")).say(invoke(id, "api::add", "{}"));
        var input = hooks.await("invokefunction");
        assertNull(engine.functions.get("echo"));
        assertNull(engine.triggerRegistry.trigger("t1"));
        assertTrue(owner.received("invokefunction").isEmpty());

        hooks.say(answer(input, "{}"));

        assertSame(session.worker, engine.functions.get("echo").owner());
        assertEquals("echo", engine.triggerRegistry.trigger("t1").functionId());
        assertEquals(id, owner.await("invokefunction").getString("invocation_id"));
    }

    @Test
    void refusedRegistrationStillLetsTheLaterMessagesThrough() {
        start(null, FUNCTION_HOOK, null, null, 60_000);
        var hooks = engine.connect().register(FUNCTION_HOOK);
        var session = engine.connect(grant("alice"));

        session.register("denied").register("allowed");
        hooks.say(fail(hooks.await("invokefunction")));
        hooks.say(answer(hooks.await("invokefunction"), "{}"));

        assertNull(engine.functions.get("denied"));
        assertSame(session.worker, engine.functions.get("allowed").owner());
    }

    @Test
    void triggerHookSeesTheTriggerAndItsAnswerRewritesIt() {
        start(null, null, TRIGGER_HOOK, null, 60_000);
        var hooks = engine.connect().register(TRIGGER_HOOK);
        var session = engine.connect(new Grant("user:alice", List.of(), List.of(), null, false, true, "tenant",
                context("alice"), List.of())).register("echo");

        session.say(trigger("t1", "cron", "echo"));
        var input = hooks.await("invokefunction");
        var data = input.getJsonObject("data");
        assertEquals("t1", data.getString("trigger_id"));
        assertEquals("cron", data.getString("trigger_type"));
        assertEquals("echo", data.getString("function_id"));
        assertEquals(1, data.getJsonObject("config").getInt("n"));
        assertEquals("alice", data.getJsonObject("context").getString("user_id"));
        assertNull(engine.triggerRegistry.trigger("t1"));

        hooks.say(answer(input, "{\"trigger_id\":\"alice-t1\",\"config\":{\"n\":2}}"));

        assertNull(engine.triggerRegistry.trigger("t1"));
        var registered = engine.triggerRegistry.trigger("alice-t1");
        assertEquals("tenant::echo", registered.functionId());
        assertEquals("{\"n\":2}", registered.config().text());
        assertSame(session.worker, registered.owner());
    }

    @Test
    void triggerHookRefusalIsATriggerRegistrationResult() {
        start(null, null, TRIGGER_HOOK, null, 60_000);
        var hooks = engine.connect().register(TRIGGER_HOOK);
        var session = engine.connect(grant("alice")).register("echo");

        session.say(trigger("t1", "cron", "echo"));
        hooks.say(fail(hooks.await("invokefunction")));

        var refusal = session.await("triggerregistrationresult");
        assertEquals("t1", refusal.getString("id"));
        assertForbidden(refusal, "trigger registration denied by hook");
        assertNull(engine.triggerRegistry.trigger("t1"));
    }

    @Test
    void triggerTypeHookRenamesOrRefuses() {
        start(null, null, null, TRIGGER_TYPE_HOOK, 60_000);
        var hooks = engine.connect().register(TRIGGER_TYPE_HOOK);
        var session = engine.connect(grant("alice"));

        session.say(triggerType("queue")).say(triggerType("cron"));
        var first = hooks.await("invokefunction");
        assertEquals("queue", first.getJsonObject("data").getString("trigger_type_id"));
        assertEquals("d", first.getJsonObject("data").getString("description"));
        hooks.say(answer(first, "{\"trigger_type_id\":\"alice::queue\"}"));
        hooks.say(fail(hooks.await("invokefunction")));

        assertForbidden(session.await("error"), "trigger type registration denied by hook");
        assertNull(engine.triggerRegistry.type("queue"));
        assertNull(engine.triggerRegistry.type("cron"));
        assertSame(session.worker, engine.triggerRegistry.type("alice::queue").provider());
    }

    @Test
    void tooManyMessagesWaitingForAHookAreRefused() {
        start(null, FUNCTION_HOOK, null, null, 60_000);
        var hooks = engine.connect().register(FUNCTION_HOOK);
        var session = engine.connect(grant("alice", "api::*"));

        session.register("echo");
        var input = hooks.await("invokefunction");
        int queued = 0;
        while (session.received("error").isEmpty() && queued < 5000) {
            session.say("{\"type\":\"ping\"}");
            queued++;
        }
        // the registration and the pings before the refused one wait: the limit
        assertEquals(1024, queued);
        assertForbidden(session.await("error"), "ping: too many messages wait for registration checks");
        var id = UUID.randomUUID().toString();
        session.say(invoke(id, "api::add", "{}"));
        assertForbidden(session.await("invocationresult"), "too many messages wait for registration checks");
        assertTrue(session.received("pong").isEmpty());

        hooks.say(answer(input, "{}"));

        assertSame(session.worker, engine.functions.get("echo").owner());
        assertEquals(1023, session.received("pong").size());
        session.say("{\"type\":\"ping\"}");
        assertEquals(1024, session.received("pong").size());
    }

    @Test
    void tooManyCharactersWaitingForAHookAreRefused() {
        start(null, FUNCTION_HOOK, null, null, 60_000);
        var hooks = engine.connect().register(FUNCTION_HOOK);
        var session = engine.connect(grant("alice", "api::*"));
        var big = "\"" + "x".repeat(900 * 1024) + "\"";

        session.register("echo");
        var input = hooks.await("invokefunction");
        int queued = 0;
        while (session.received("invocationresult").isEmpty() && queued < 100) {
            session.say(invoke(UUID.randomUUID().toString(), "api::add", big));
            queued++;
        }

        // 32 Mi characters wait at most: the 37th frame of 900 Ki is refused, the ones before wait for the hook
        assertEquals(37, queued);
        assertForbidden(session.await("invocationresult"), "too many messages wait for registration checks");
        hooks.say(answer(input, "{}"));
        assertSame(session.worker, engine.functions.get("echo").owner());
    }

    // reattach

    private static String reattach(TestEngine.TestWorker previous) {
        return "{\"type\":\"reattach\",\"previous_worker_id\":\"" + previous.id() + "\",\"reattach_token\":\""
                + previous.worker.reattachToken() + "\"}";
    }

    @Test
    void sessionCannotReplaceAnotherIdentitysConnectionEvenWithItsToken() {
        start();
        var trusted = engine.connect().register("api::add");
        var alice = engine.connect(grant("alice")).register("alice::fn");
        var bob = engine.connect(grant("bob"));

        bob.say(reattach(trusted)).say(reattach(alice));

        assertFalse(trusted.worker.isRetired());
        assertFalse(alice.worker.isRetired());
        assertSame(trusted.worker, engine.functions.get("api::add").owner());
        assertSame(alice.worker, engine.functions.get("alice::fn").owner());
    }

    @Test
    void sessionMayReplaceAConnectionOfTheSameIdentity() {
        start();
        var before = engine.connect(grant("alice")).register("alice::fn");
        var after = engine.connect(grant("alice"));

        after.say(reattach(before));

        assertTrue(before.worker.isRetired());
        assertNull(engine.functions.get("alice::fn"));
    }

    // listings

    @Test
    void functionListingShowsASessionOnlyWhatItMayCall() {
        start();
        var trusted = engine.connect().register("api::a").register("secret::b");
        var session = engine.connect(grant("alice", "api::*", "engine::functions::list"));

        assertEquals(List.of("api::a"), functionIds(session.call("engine::functions::list", "{}")));
        var internal = functionIds(session.call("engine::functions::list", "{\"include_internal\":true}"));
        assertTrue(internal.containsAll(List.of("api::a", "engine::functions::list", "engine::workers::register",
                "engine::log::info")), internal.toString());
        assertFalse(internal.contains("secret::b"), internal.toString());
        assertFalse(internal.contains("engine::workers::list"), internal.toString());
        assertTrue(functionIds(trusted.call("engine::functions::list", "{\"include_internal\":true}"))
                .contains("engine::workers::list"));
        assertEquals(List.of("api::a", "secret::b"), functionIds(trusted.call("engine::functions::list", "{}")));
    }

    @Test
    void listingIsForbiddenToASessionNotAllowedToList() {
        start();
        var session = engine.connect(grant("alice", "api::*"));
        assertForbidden(session.call("engine::functions::list", "{}"),
                "function 'engine::functions::list' not allowed");
    }
}
