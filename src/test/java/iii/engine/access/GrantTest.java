package iii.engine.access;

import iii.engine.protocol.RawJson;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** iii's decision order for a session's calls (its {@code is_function_allowed}), and the prefix of its ids. */
class GrantTest {

    private static final String FORBIDDEN = "remove from rbac.forbidden_functions";
    private static final String NOT_EXPOSED = "add to rbac.expose_functions";

    private static Grant grant(List<String> allowed, List<String> forbidden, String... expose) {
        return new Grant("user:alice", allowed, forbidden, null, false, true, null, null,
                FunctionFilter.parseAll(String.join(",", expose)));
    }

    private static Grant prefixed(String prefix) {
        return new Grant("user:alice", List.of(), List.of(), null, false, true, prefix, null, List.of());
    }

    @Test
    void forbiddenWinsOverAllowedExposedAndInfrastructure() {
        var grant = grant(List.of("test::fn", "engine::log::info"), List.of("test::fn", "engine::log::info"), "*");
        assertEquals(FORBIDDEN, grant.refusal("test::fn", null));
        assertEquals(FORBIDDEN, grant.refusal("engine::log::info", null));
        assertFalse(grant.mayCall("test::fn", null));
        assertNull(grant.refusal("test::other", null));
    }

    @Test
    void everyInfrastructureFunctionCanBeForbidden() {
        for (var id : Grant.INFRASTRUCTURE) {
            assertEquals(FORBIDDEN, grant(List.of(), List.of(id)).refusal(id, null), id);
        }
    }

    @Test
    void forbiddenGlobWinsOverAllowedGlob() {
        var grant = grant(List.of("*"), List.of("secret::*"));
        assertEquals(FORBIDDEN, grant.refusal("secret::keys", null));
        assertNull(grant.refusal("public::keys", null));
    }

    @Test
    void allowedFunctionsNeedNoExposure() {
        var grant = grant(List.of("test::fn", "orders::*"), List.of());
        assertNull(grant.refusal("test::fn", null));
        assertNull(grant.refusal("orders::create", null));
        assertEquals(NOT_EXPOSED, grant.refusal("test::other", null));
    }

    @Test
    void infrastructureFunctionsAreAllowedWithoutExposure() {
        assertEquals(10, Grant.INFRASTRUCTURE.size());
        for (var id : Grant.INFRASTRUCTURE) {
            assertNull(grant(List.of(), List.of()).refusal(id, null), id);
            assertNull(grant(List.of(), List.of(), "api::*").refusal(id, null), id);
            assertNull(grant(List.of(id), List.of()).refusal(id, null), id);
        }
        assertTrue(Grant.INFRASTRUCTURE.contains("engine::channels::create"));
        assertTrue(Grant.INFRASTRUCTURE.contains("engine::workers::register"));
        assertTrue(Grant.INFRASTRUCTURE.contains("engine::baggage::get_all"));
    }

    @Test
    void discoveryFunctionsAreNotInfrastructure() {
        for (var id : List.of("engine::functions::list", "engine::functions::info", "engine::workers::list",
                "engine::workers::info", "engine::triggers::list", "engine::registered-triggers::list",
                "engine::health::check", "engine::log::fatal", "engine::channels::delete")) {
            assertEquals(NOT_EXPOSED, grant(List.of(), List.of()).refusal(id, null), id);
        }
        assertNull(grant(List.of(), List.of(), "engine::functions::*").refusal("engine::functions::list", null));
    }

    @Test
    void exposedFunctionsAreAllowedByIdOrByMetadata() {
        var grant = grant(List.of(), List.of(), "api::*", "metadata:public=true");
        assertNull(grant.refusal("api::users", null));
        assertNull(grant.refusal("internal::x", RawJson.trusted("{\"public\":true}")));
        assertEquals(NOT_EXPOSED, grant.refusal("internal::x", RawJson.trusted("{\"public\":false}")));
        assertEquals(NOT_EXPOSED, grant.refusal("internal::x", null));
    }

    @Test
    void everythingElseIsDenied() {
        var grant = grant(List.of(), List.of(), "api::*");
        assertEquals(NOT_EXPOSED, grant.refusal("internal::fn", null));
        assertEquals(NOT_EXPOSED, grant.refusal("", null));
        assertFalse(grant.mayCall("internal::fn", null));
        assertEquals(NOT_EXPOSED, grant(List.of(), List.of()).refusal("anything", null));
    }

    @Test
    void prefixIsAddedToRegisteredIdsAndStrippedForTheWorker() {
        var grant = prefixed("tenant");
        assertEquals("tenant::echo", grant.registeredId("echo"));
        assertEquals("tenant::a::b", grant.registeredId("a::b"));
        assertEquals("echo", grant.localId("tenant::echo"));
        assertEquals("a::b", grant.localId(grant.registeredId("a::b")));
    }

    @Test
    void idOfAnotherPrefixIsLeftAlone() {
        var grant = prefixed("tenant");
        assertEquals("other::echo", grant.localId("other::echo"));
        assertEquals("tenantecho", grant.localId("tenantecho"));
        assertEquals("tenant:echo", grant.localId("tenant:echo"));
        assertEquals("tenants::echo", grant.localId("tenants::echo"));
        assertEquals("x::tenant::echo", grant.localId("x::tenant::echo"));
        assertEquals("tenant", grant.localId("tenant"));
    }

    @Test
    void withoutPrefixIdsStayAsTheyAre() {
        var grant = prefixed(null);
        assertEquals("echo", grant.registeredId("echo"));
        assertEquals("tenant::echo", grant.localId("tenant::echo"));
    }

    @Test
    void allowedTriggerTypesNullMeansAll() {
        var all = new Grant("user:a", List.of(), List.of(), null, false, true, null, null, List.of());
        assertTrue(all.mayUseTriggerType("http"));
        assertTrue(all.mayUseTriggerType("anything"));
        var some = new Grant("user:a", List.of(), List.of(), List.of("http"), false, true, null, null, List.of());
        assertTrue(some.mayUseTriggerType("http"));
        assertFalse(some.mayUseTriggerType("cron"));
        assertFalse(some.mayUseTriggerType("htt*"));
        var none = new Grant("user:a", List.of(), List.of(), List.of(), false, true, null, null, List.of());
        assertFalse(none.mayUseTriggerType("http"));
    }

    @Test
    void grantKeepsItsOwnCopiesAndAnEmptyContextByDefault() {
        var allowed = new ArrayList<>(List.of("a"));
        var grant = new Grant("user:a", allowed, List.of(), null, false, true, null, null, List.of());
        allowed.add("b");
        assertEquals(List.of("a"), grant.allowedFunctions());
        assertEquals(RawJson.EMPTY_OBJECT, grant.context());
    }
}
