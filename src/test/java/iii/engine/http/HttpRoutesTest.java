package iii.engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.protocol.Codec;
import iii.engine.protocol.Message.RegisterTrigger;
import iii.engine.protocol.Message.UnregisterTrigger;
import iii.engine.protocol.RawJson;
import iii.engine.badinput.BadInputLog;
import iii.engine.registry.Trigger;
import iii.engine.registry.TriggerRegistry;
import iii.engine.registry.Worker;
import iii.engine.registry.RecordingChannel;
import iii.engine.trigger.Triggers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code http} trigger type as workers use it through the engine's trigger handling: routes appear, match, are
 * refused when they conflict and go away owner-aware (PROTOCOL.md §6.2, §6.3, §6.9, §11).
 */
class HttpRoutesTest {

    private RouteTable routes;
    private TriggerRegistry registry;
    private Triggers triggers;

    @BeforeEach
    void engine() {
        routes = new RouteTable();
        registry = new TriggerRegistry();
        triggers = new Triggers(registry, new BadInputLog(null));
        new HttpTriggerType(routes, triggers).install();
    }

    /** A worker whose socket records frames. */
    static final class Recording extends RecordingChannel {
        final Worker worker = new Worker(this, "127.0.0.1");
    }

    private void register(Recording w, String triggerId, String functionId, String config) {
        triggers.register(w.worker, new RegisterTrigger(triggerId, "http", functionId, RawJson.trusted(config), null));
    }

    @Test
    void a_registered_route_matches_with_its_path_parameters_and_other_methods_do_not() {
        var w = new Recording();
        register(w, "t1", "users::get", "{\"api_path\":\"/users/:id/posts/:post\",\"http_method\":\"get\"}");

        var match = routes.find("GET", "users/42/posts/7");
        assertNotNull(match);
        assertEquals("users::get", match.route().functionId());
        assertEquals(Map.of("id", "42", "post", "7"), match.pathParams());
        assertEquals("users/:id/posts/:post", match.route().path());
        assertNull(routes.find("POST", "users/42/posts/7"));
        assertNull(routes.find("GET", "users/42/posts"));
        assertNull(routes.find("GET", "users//posts/7"), "a parameter needs a segment");
    }

    @Test
    void path_parameters_are_matched_as_sent_and_then_percent_decoded_once() {
        var w = new Recording();
        register(w, "t1", "files::get", "{\"api_path\":\"files/:name\"}");

        assertEquals(Map.of("name", ".."), routes.find("GET", "files/%2e%2e").pathParams());
        assertEquals(Map.of("name", ".."), routes.find("GET", "files/..").pathParams());
        assertEquals(Map.of("name", "a/b"), routes.find("GET", "files/a%2Fb").pathParams(),
                "an encoded slash stays inside its segment");
        assertNull(routes.find("GET", "files/a/b"), "a slash is a segment boundary");
        assertEquals(Map.of("name", "a b+c"), routes.find("GET", "files/a%20b+c").pathParams(),
                "+ is a space only in a query");
        assertEquals(Map.of("name", "caf\u00e9 \ud83d\ude00"), routes.find("GET", "files/caf%C3%A9%20%F0%9F%98%80")
                .pathParams());
        assertEquals(Map.of("name", "%41"), routes.find("GET", "files/%2541").pathParams(), "decoded once only");
        assertEquals(Map.of("name", "%zz 100%"), routes.find("GET", "files/%zz%20100%").pathParams(),
                "a % without two hex digits stays");
    }

    @Test
    void a_path_parameter_whose_escapes_are_not_utf_8_is_refused() {
        var w = new Recording();
        register(w, "t1", "files::get", "{\"api_path\":\"files/:name\"}");

        assertThrows(IllegalArgumentException.class, () -> routes.find("GET", "files/%ff"));
        assertThrows(IllegalArgumentException.class, () -> routes.find("GET", "files/%C3"));
        assertNull(routes.find("GET", "other/%ff"), "no route, nothing decoded");
    }

    @Test
    void method_defaults_to_get_and_leading_slash_is_optional() {
        var w = new Recording();
        register(w, "t1", "health", "{\"api_path\":\"health\"}");
        assertNotNull(routes.find("GET", "health"));
    }

    @Test
    void a_literal_segment_wins_over_a_parameter() {
        var w = new Recording();
        register(w, "t1", "users::get", "{\"api_path\":\"users/:id\"}");
        register(w, "t2", "users::me", "{\"api_path\":\"users/me\"}");
        assertEquals("users::me", routes.find("GET", "users/me").route().functionId());
        assertEquals("users::get", routes.find("GET", "users/you").route().functionId());
    }

    @Test
    void same_shape_with_other_parameter_names_is_refused_and_the_first_route_keeps_working() {
        var first = new Recording();
        var second = new Recording();
        register(first, "t1", "a::xy", "{\"api_path\":\"a/:x/:y\",\"http_method\":\"POST\"}");

        register(second, "t2", "a::yx", "{\"api_path\":\"a/:y/:x\",\"http_method\":\"post\"}");

        assertEquals(1, second.frames.size());
        var result = second.frames.get(0);
        assertTrue(result.contains("\"type\":\"triggerregistrationresult\"") && result.contains("\"id\":\"t2\"")
                && result.contains("trigger_registration_failed") && result.contains("conflicts"), result);
        assertEquals("a::xy", routes.find("POST", "a/1/2").route().functionId());
        assertEquals(Map.of("x", "1", "y", "2"), routes.find("POST", "a/1/2").pathParams());
    }

    @Test
    void a_bad_config_is_refused_with_trigger_registration_failed() {
        var w = new Recording();
        register(w, "t1", "f", "{\"http_method\":\"GET\"}");
        register(w, "t2", "f", "{\"api_path\":\"x\",\"http_method\":\"BREW\"}");
        register(w, "t3", "f", "\"not an object\"");
        register(w, "t4", "f", "{\"api_path\":\"a/:/b\"}");
        assertEquals(4, w.frames.size());
        w.frames.forEach(f -> assertTrue(f.contains("trigger_registration_failed"), f));
        assertTrue(routes.all().isEmpty());
    }

    @Test
    void middleware_function_ids_are_kept_in_order_and_a_malformed_list_is_refused() {
        var w = new Recording();
        register(w, "t1", "f", "{\"api_path\":\"mw\",\"middleware_function_ids\":[\"mw::one\",\"mw::two\"]}");
        register(w, "t2", "f", "{\"api_path\":\"plain\"}");
        register(w, "t3", "f", "{\"api_path\":\"x\",\"middleware_function_ids\":\"mw::one\"}");
        register(w, "t4", "f", "{\"api_path\":\"y\",\"middleware_function_ids\":[\"mw::one\",7]}");
        register(w, "t5", "f", "{\"api_path\":\"z\",\"middleware_function_ids\":[\"\"]}");

        assertEquals(List.of("mw::one", "mw::two"), routes.find("GET", "mw").route().middlewareFunctionIds());
        assertEquals(List.of(), routes.find("GET", "plain").route().middlewareFunctionIds());
        assertEquals(3, w.frames.size(), String.valueOf(w.frames));
        w.frames.forEach(f -> assertTrue(f.contains("trigger_registration_failed")
                && f.contains("middleware_function_ids"), f));
        assertNull(routes.find("GET", "x"));
        assertNull(routes.find("GET", "y"));
        assertNull(routes.find("GET", "z"));
    }

    @Test
    void the_same_method_and_path_registered_again_replaces_the_route() {
        var w = new Recording();
        register(w, "t1", "old", "{\"api_path\":\"x\"}");
        register(w, "t2", "new", "{\"api_path\":\"/x\"}");
        assertEquals("new", routes.find("GET", "x").route().functionId());
        assertEquals(1, routes.all().size());
    }

    @Test
    void unregistering_the_trigger_removes_its_route() {
        var w = new Recording();
        register(w, "t1", "f", "{\"api_path\":\"gone\"}");
        triggers.unregister(w.worker, new UnregisterTrigger("t1", "http"));
        assertNull(routes.find("GET", "gone"));
    }

    @Test
    void the_route_goes_away_when_its_worker_leaves() {
        var w = new Recording();
        register(w, "t1", "f", "{\"api_path\":\"gone\"}");
        w.worker.retire();
        triggers.workerLeft(w.worker);
        assertNull(routes.find("GET", "gone"));
    }

    @Test
    void a_reconnected_workers_identical_route_survives_the_late_cleanup_of_its_old_connection() {
        var old = new Recording();
        var fresh = new Recording();
        register(old, "t1", "f", "{\"api_path\":\"stay\"}");
        register(fresh, "t1", "f", "{\"api_path\":\"stay\"}"); // the SDK re-sends the same id on reconnect

        old.worker.retire();
        triggers.workerLeft(old.worker);

        assertNotNull(routes.find("GET", "stay"));
        assertTrue(routes.find("GET", "stay").route().owner() == fresh.worker);
    }

    @Test
    void a_trigger_registered_again_with_another_path_moves_its_route() {
        var w = new Recording();
        register(w, "t1", "f", "{\"api_path\":\"before\"}");
        register(w, "t1", "f", "{\"api_path\":\"after\"}");
        assertNull(routes.find("GET", "before"));
        assertNotNull(routes.find("GET", "after"));
    }

    @Test
    void a_route_replaced_by_another_trigger_is_not_removed_by_the_first_triggers_unregistration() {
        var a = new Recording();
        var b = new Recording();
        register(a, "ta", "fa", "{\"api_path\":\"shared\"}");
        register(b, "tb", "fb", "{\"api_path\":\"shared\"}");
        triggers.unregister(a.worker, new UnregisterTrigger("ta", "http"));
        assertEquals("fb", routes.find("GET", "shared").route().functionId());
    }

    @Test
    void routes_of_one_shape_with_other_parameter_names_coming_in_either_order_leave_the_earlier_one_served() {
        var a = new Recording();
        var b = new Recording();
        var early = new Trigger("t-early", "http", "f-early", RawJson.trusted("{\"api_path\":\"orders/:id\"}"),
                null, a.worker, 100);
        var late = new Trigger("t-late", "http", "f-late", RawJson.trusted("{\"api_path\":\"orders/:key\"}"),
                null, b.worker, 200);

        // as on one engine (the later one is refused), and on another engine that got the later one first
        triggers.register(early);
        triggers.register(late);
        var inOrder = routes.find("GET", "orders/7");
        engine();
        triggers.register(late);
        triggers.register(early);
        var laterFirst = routes.find("GET", "orders/7");

        assertEquals("f-early", inOrder.route().functionId());
        assertTrue(b.frames("triggerregistrationresult").stream().anyMatch(f -> f.contains("conflicts")),
                b.frames("triggerregistrationresult").toString());
        assertEquals("f-early", laterFirst.route().functionId(), "the earlier registration, come later, takes it");
        assertEquals(Map.of("id", "7"), laterFirst.pathParams());
        var told = b.frames("triggerregistrationresult");
        assertEquals(2, told.size(), "refused on the first engine, withdrawn on the second: " + told);
        assertTrue(told.get(1).contains("trigger_registration_failed") && told.get(1).contains("conflicts"),
                told.get(1));
        assertNull(registry.trigger("t-late"), "the displaced route's trigger is withdrawn as one engine refuses it");
        assertNotNull(registry.trigger("t-early"));
        assertTrue(a.frames("triggerregistrationresult").isEmpty(), a.frames("triggerregistrationresult").toString());
    }

    @Test
    void registrations_of_one_route_coming_in_either_order_leave_the_later_one_served() {
        var a = new Recording();
        var b = new Recording();
        var config = RawJson.trusted("{\"api_path\":\"claimed\"}");
        var early = new Trigger("t-early", "http", "f-early", config, null, a.worker, 100);
        var late = new Trigger("t-late", "http", "f-late", config, null, b.worker, 200);
        var sameTime = new Trigger("t-same", "http", "f-same", config, null, b.worker, 200);

        // as on one engine, and on another engine that got the later one first
        triggers.register(early);
        triggers.register(late);
        var inOrder = routes.find("GET", "claimed").route().functionId();
        engine();
        triggers.register(late);
        triggers.register(early);
        var laterFirst = routes.find("GET", "claimed").route().functionId();
        triggers.register(sameTime);

        assertEquals("f-late", inOrder);
        assertEquals("f-late", laterFirst, "the earlier registration, come later, does not take the route");
        assertEquals("f-same", routes.find("GET", "claimed").route().functionId(), "equal stamps: the greater id");
        assertTrue(a.frames("triggerregistrationresult").stream().noneMatch(f -> f.contains("error")),
                "not a refusal: the later registration has the route, as on one engine");
    }

    @Test
    void refused_frames_are_valid_protocol() {
        var w = new Recording();
        register(w, "t1", "f", "{}");
        assertEquals("triggerregistrationresult", Codec.decode(w.frames.get(0)).type());
    }
}
