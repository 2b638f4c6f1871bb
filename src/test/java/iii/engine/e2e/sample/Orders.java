package iii.engine.e2e.sample;

import iii.sdk.ApiRequest;
import iii.sdk.ApiResponse;
import iii.sdk.HttpTrigger;
import iii.sdk.Iii;
import iii.sdk.IiiException;
import iii.sdk.IiiFunction;
import iii.sdk.IiiTrigger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A Jakarta EE application's business logic as engine functions: what JavaSdkCdiIT deploys beside the engine. */
@ApplicationScoped
public class Orders {

    public record CreateOrder(String sku, int qty) {
    }

    public record OrderCreated(String id, String sku, int qty) {
    }

    @Inject
    Iii iii;

    private final Map<String, OrderCreated> orders = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    @IiiFunction(id = "orders::create", description = "Create an order")
    public OrderCreated create(CreateOrder request) {
        if (request.qty() <= 0) {
            throw new IiiException("invalid_quantity", "qty must be positive, not " + request.qty());
        }
        var created = new OrderCreated("o-" + ids.incrementAndGet(), request.sku(), request.qty());
        orders.put(created.id(), created);
        return created;
    }

    @IiiFunction(id = "orders::count")
    public CompletionStage<Integer> count() {
        return CompletableFuture.supplyAsync(orders::size);
    }

    /** Asks another worker's {@code pricing::quote} through the injected connection. */
    @IiiFunction(id = "orders::quote")
    public CompletionStage<JsonObject> quote(CreateOrder request) {
        return iii.call("pricing::quote", request, JsonObject.class);
    }

    /** Told by the provider of {@code stock::changed} when the stock of one of two SKUs moves. */
    @IiiFunction(id = "orders::on-stock")
    @IiiTrigger(type = "stock::changed", config = "{\"sku\": \"A-1\"}")
    @IiiTrigger(type = "stock::changed", config = "{\"sku\": \"B-2\"}")
    public Map<String, Object> onStock(JsonObject change) {
        return Map.of("seen", change.getString("sku"));
    }

    @IiiFunction(id = "orders::by-id")
    @HttpTrigger(path = "orders/:id", method = "GET")
    public ApiResponse byId(ApiRequest request) {
        OrderCreated o = orders.get(request.pathParams().get("id"));
        return o == null ? ApiResponse.of(404, Map.of("error", "no such order")) : ApiResponse.ok(o);
    }

    /** A route that answers a plain value: its JSON body, with status 200. */
    @IiiFunction(id = "orders::all")
    @HttpTrigger(path = "orders", method = "GET")
    public List<OrderCreated> all() {
        return List.copyOf(orders.values());
    }
}
