package iii.engine.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * External functions as workers see them: registered with {@code invocation}, called like any function, gone after
 * {@code unregisterfunction} or when their owner leaves; a refused URL is told to the worker and registers nothing
 * (PROTOCOL.md §2.4, §8, §11). The engine under test allows {@code 127.0.0.1} over plain HTTP.
 */
class ExternalFunctionRoutingTest {

    private final TestEngine engine = new TestEngine();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            var body = exchange.getRequestBody().readAllBytes();
            var answer = ("{\"echo\":" + new String(body, StandardCharsets.UTF_8) + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        engine.close();
    }

    private String register(String id, String url) {
        return "{\"type\":\"registerfunction\",\"id\":\"" + id + "\",\"invocation\":{\"url\":\"" + url
                + "\",\"method\":\"POST\"}}";
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private static String invoke(String id, String function) {
        return "{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":\"" + function
                + "\",\"data\":{\"n\":1}}";
    }

    @Test
    void a_worker_calls_an_external_function_and_gets_the_endpoints_answer() {
        var owner = engine.connect().say(register("ext::echo", url()));
        var caller = engine.connect();
        var id = UUID.randomUUID().toString();

        caller.say(invoke(id, "ext::echo"));

        var result = caller.await("invocationresult");
        assertEquals(id, result.getString("invocation_id"));
        var echoed = result.getJsonObject("result").getJsonObject("echo");
        assertEquals(1, echoed.getInt("n"));
        assertEquals(caller.id(), echoed.getString("_caller_worker_id"), "the body is the data as routed");
        assertTrue(owner.received("invokefunction").isEmpty(), "the owner is not asked");
        assertEquals(0, engine.invoker.pendingCount());
    }

    @Test
    void unregisterfunction_removes_an_external_function() {
        var owner = engine.connect().say(register("ext::gone", url()));
        owner.say("{\"type\":\"unregisterfunction\",\"id\":\"ext::gone\"}");
        assertNull(engine.functions.get("ext::gone"));
    }

    @Test
    void an_external_function_goes_away_with_its_owner_but_a_reconnected_owners_registration_survives() {
        var old = engine.connect().say(register("ext::mine", url()));
        var fresh = engine.connect().say(register("ext::mine", url()));
        old.disconnect();
        assertEquals(fresh.worker, engine.functions.get("ext::mine").owner());
        fresh.disconnect();
        assertNull(engine.functions.get("ext::mine"));
    }

    @Test
    void a_refused_url_is_told_to_the_worker_and_registers_nothing() {
        var owner = engine.connect().say(register("ext::metadata", "http://169.254.169.254/latest/meta-data"));
        var error = owner.await("error");
        assertEquals("url_validation_failed", error.getJsonObject("error").getString("code"));
        assertTrue(error.getJsonObject("error").getString("message").contains("Private IP blocked"));
        assertNull(engine.functions.get("ext::metadata"));
        assertTrue(owner.worker.functionIds().isEmpty());
    }
}
