package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.bench.Server;
import iii.engine.e2e.sample.Orders;
import iii.engine.it.ArquillianEngine;
import iii.sdk.Iii;
import iii.sdk.IiiExtension;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Jakarta EE application ({@link Orders}: CDI-bean functions, an {@code @HttpTrigger}, and two {@code @IiiTrigger}s
 * of a type a Node worker provides) with the Java SDK's jar in its {@code WEB-INF/lib}, deployed on a Payara Micro of
 * its own beside the engine: its functions are listed and callable from a Node worker, its route answers over HTTP,
 * its triggers reach the provider, and stopping its server (SIGTERM) removes them all. The
 * same WAR undeployed from a running WildFly removes them too: the application's shutdown closes its connection.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JavaSdkCdiIT extends E2eSupport {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment();
    }

    private Path sampleWar(URI engine) throws Exception {
        JavaArchive sdk = ShrinkWrap.create(JavaArchive.class, "iii-sdk-java.jar").addPackage(Iii.class.getPackage())
                .addAsServiceProvider(Extension.class, IiiExtension.class);
        WebArchive war = ShrinkWrap.create(WebArchive.class, "orders.war").addPackage(Orders.class.getPackage())
                .addAsLibrary(sdk)
                .addAsResource(new StringAsset("iii.url=" + engine + "\niii.worker-name=orders-app\n"),
                        "META-INF/microprofile-config.properties");
        Path file = EngineProcess.scratchDirectory("java-sdk-cdi").resolve("orders.war");
        war.as(ZipExporter.class).exportTo(file.toFile(), true);
        return file;
    }

    @Test
    void cdi_bean_functions_are_listed_callable_routed_and_gone_when_the_application_stops() throws Exception {
        Path war = sampleWar(ws());
        NodeWorker node = node(Sdk.V0_22_1);
        node.registerFunction("pricing::quote", "echo");
        node.registerTriggerType("stock::changed");
        Map<String, String> stockTriggers = new HashMap<>(); // sku -> trigger id
        try (Server app = Server.start("orders-app", NodeWorker.projectDir(), war, Server.freePort(),
                Server.freePort(), false, List.of("-Xmx512m"), EngineProcess.scratchDirectory("java-sdk-cdi"))) {
            app.awaitReady(200);
            for (String fn : List.of("orders::create", "orders::count", "orders::quote", "orders::by-id", "orders::all")) {
                awaitFunctionListed(fn);
            }
            for (int i = 0; i < 2; i++) {
                JsonObject told = node.await(e -> "registerTrigger".equals(NodeWorker.type(e))
                        && "orders::on-stock".equals(JsonKit.str(e, "trigger.function_id"))
                        && !stockTriggers.containsKey(JsonKit.str(e, "trigger.config.sku")), MEDIUM, "registerTrigger");
                stockTriggers.put(JsonKit.str(told, "trigger.config.sku"), JsonKit.str(told, "trigger.id"));
            }

            JsonObject created = assertCallOk(node.call("orders::create", JsonKit.obj("sku", "A-1", "qty", 2)))
                    .getJsonObject("result");
            JsonObject refused = assertCallError(node.call("orders::create", JsonKit.obj("sku", "A-1", "qty", 0)),
                    "invalid_quantity");
            JsonObject count = assertCallOk(node.call("orders::count", JsonKit.obj()));
            JsonObject quoted = assertCallOk(node.call("orders::quote", JsonKit.obj("sku", "B-2", "qty", 5)));

            assertEquals("A-1", created.getString("sku"));
            assertTrue(JsonKit.str(refused, "message").contains("qty must be positive"), refused::toString);
            assertEquals(1, count.getInt("result"));
            assertEquals("B-2", JsonKit.str(quoted, "result.sku"), "the bean called Node through @Inject Iii");

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI route = ArquillianEngine.httpTriggerUri().resolve("orders/" + created.getString("id"));
            HttpResponse<String> found = Await.until("the route orders/:id", MEDIUM, () -> {
                try {
                    var r = http.send(HttpRequest.newBuilder(route).GET().build(), HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200 ? Optional.of(r) : Optional.empty();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(
                    ArquillianEngine.httpTriggerUri().resolve("orders/o-none")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> all = http.send(HttpRequest.newBuilder(
                    ArquillianEngine.httpTriggerUri().resolve("orders")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(found.body().contains("\"sku\":\"A-1\""), found::body);
            assertEquals(404, missing.statusCode());
            assertEquals(200, all.statusCode(), all::body);
            assertTrue(all.body().startsWith("[") && all.body().contains("\"sku\":\"A-1\""),
                    "a plain value is the JSON body: " + all.body());
            assertEquals(Set.of("A-1", "B-2"), stockTriggers.keySet(), "one trigger per @IiiTrigger, with its config");
            assertEquals("B-2", JsonKit.str(assertCallOk(node.call("orders::on-stock", JsonKit.obj("sku", "B-2"))),
                    "result.seen"));
        }
        awaitFunctionGone("orders::create");
        awaitFunctionGone("orders::by-id");
        for (String id : stockTriggers.values()) {
            node.await(TriggersAcrossVersionsIT.unregisterTriggerWithId("stock::changed", id), MEDIUM,
                    "unregisterTrigger " + id);
        }
    }

    @Test
    void undeploying_the_application_from_its_running_server_takes_its_functions_and_route_with_it() throws Exception {
        Path war = sampleWar(ws());
        NodeWorker node = node(Sdk.V0_22_1);
        try (WildFly app = WildFly.start(EngineProcess.fromProperty("iii.e2e.wildfly-home"), war,
                Duration.ofSeconds(180))) {
            awaitFunctionListed("orders::by-id");
            assertCallOk(node.call("orders::count", JsonKit.obj()));

            app.undeploy(Duration.ofSeconds(60));

            awaitFunctionGone("orders::create");
            awaitFunctionGone("orders::by-id");
            assertCallError(node.call("orders::count", JsonKit.obj()), "function_not_found");
            HttpResponse<String> route = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    ArquillianEngine.httpTriggerUri().resolve("orders/o-1")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, route.statusCode(), "the route left with its function");
            assertFalse(route.body().contains("no such order"), "no route answers, not the application: " + route.body());
            assertTrue(app.isAlive(), "the server runs on: the application itself left the engine");
        }
    }
}
