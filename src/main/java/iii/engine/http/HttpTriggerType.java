package iii.engine.http;

import iii.engine.registry.BuiltinTriggerType;
import iii.engine.registry.Trigger;
import iii.engine.registry.TriggerRejectedException;
import iii.engine.trigger.Triggers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The built-in {@code http} trigger type: each instance is a route (PROTOCOL.md §6.2). Config {@code api_path}
 * (required; leading {@code /} optional; {@code :name} segments), {@code http_method} (default {@code GET}, any case),
 * {@code condition_function_id} or the older {@code _condition_path}, {@code middleware_function_ids} (E11+: functions
 * called in order before the handler, PROTOCOL.md §6.7); other keys are kept in the trigger's config for
 * listings. A bad config or a conflicting route refuses the instance, which the registering worker hears as
 * {@code trigger_registration_failed}.
 */
@ApplicationScoped
public class HttpTriggerType implements BuiltinTriggerType {

    public static final String TYPE = "http";

    private static final Logger LOG = Logger.getLogger(HttpTriggerType.class.getName());
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

    private RouteTable routes;
    private Triggers triggers;

    protected HttpTriggerType() {
    }

    @Inject
    public HttpTriggerType(RouteTable routes, Triggers triggers) {
        this.routes = routes;
        this.triggers = triggers;
    }

    /** Registers the type with the engine; called once at start-up. */
    public void install() {
        triggers.addBuiltinType(TYPE, "HTTP routes, served on the HTTP-trigger listener", this);
    }

    @Override
    public void register(Trigger trigger) throws TriggerRejectedException {
        var route = route(trigger);
        var added = routes.add(route);
        if (added.served()) {
            LOG.info(() -> "HTTP route " + route + " registered");
        } else {
            LOG.info(() -> "HTTP route " + route + " not served: a later registration of it has it");
        }
        var displaced = added.displaced();
        if (displaced != null && displaced.owner() != null && !displaced.owner().isMirror()) {
            // this engine's worker was told its route is registered; one engine would have refused it
            triggers.withdraw(displaced.triggerId(), displaced.owner(), "Route " + RouteTable.describe(displaced)
                    + " conflicts with route " + RouteTable.describe(route)
                    + ", registered before it on another engine");
        }
    }

    @Override
    public void unregister(Trigger trigger) {
        if (routes.remove(trigger.id(), trigger.owner())) {
            LOG.info(() -> "HTTP route of trigger " + trigger.id() + " removed");
        }
    }

    static Route route(Trigger trigger) throws TriggerRejectedException {
        JsonValue value;
        try {
            value = trigger.config() == null ? JsonValue.NULL : trigger.config().toJsonValue();
        } catch (JsonException e) {
            throw new TriggerRejectedException("http trigger config is not JSON");
        }
        if (!(value instanceof JsonObject config)) {
            throw new TriggerRejectedException("http trigger config must be an object with api_path");
        }
        if (!(config.get("api_path") instanceof JsonString apiPath)) {
            throw new TriggerRejectedException("http trigger config: api_path (a string) is required");
        }
        var method = "GET";
        var givenMethod = config.get("http_method");
        if (givenMethod instanceof JsonString m) {
            method = m.getString().trim().toUpperCase(Locale.ROOT);
        } else if (givenMethod != null && givenMethod.getValueType() != JsonValue.ValueType.NULL) {
            throw new TriggerRejectedException("http trigger config: http_method must be a string");
        }
        if (!METHODS.contains(method)) {
            throw new TriggerRejectedException("http trigger config: http_method " + method + " is not one of "
                    + "GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS");
        }
        var path = apiPath.getString();
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c == '?' || c == '#' || c == 0x7f) {
                throw new TriggerRejectedException("http trigger config: api_path " + apiPath.getString()
                        + " may not contain spaces, control characters, '?' or '#'");
            }
        }
        List<String> segments = Arrays.asList(path.split("/", -1));
        var names = new HashSet<String>();
        for (var segment : segments) {
            if (Route.isParameter(segment) && (segment.length() == 1 || !names.add(segment))) {
                throw new TriggerRejectedException("http trigger config: api_path " + apiPath.getString()
                        + " has an unnamed or repeated parameter " + segment);
            }
        }
        var condition = string(config, "condition_function_id");
        if (condition == null) {
            condition = string(config, "_condition_path");
        }
        if (trigger.functionId() == null || trigger.functionId().isEmpty()) {
            throw new TriggerRejectedException("http trigger: function_id is required");
        }
        return new Route(method, path, List.copyOf(segments), trigger.id(), trigger.functionId(), condition,
                middleware(config), trigger.metadata(), trigger.owner(), trigger.stamp());
    }

    /** {@code middleware_function_ids}: absent or null is none; otherwise a list of function ids. */
    private static List<String> middleware(JsonObject config) throws TriggerRejectedException {
        var given = config.get("middleware_function_ids");
        if (given == null || given.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        if (!(given instanceof JsonArray ids)) {
            throw new TriggerRejectedException("http trigger config: middleware_function_ids must be a list of "
                    + "function ids");
        }
        var middleware = new ArrayList<String>(ids.size());
        for (var id : ids) {
            if (!(id instanceof JsonString s) || s.getString().isEmpty()) {
                throw new TriggerRejectedException("http trigger config: middleware_function_ids holds " + id
                        + ", not a function id");
            }
            middleware.add(s.getString());
        }
        return List.copyOf(middleware);
    }

    private static String string(JsonObject config, String key) {
        return config.get(key) instanceof JsonString s && !s.getString().isEmpty() ? s.getString() : null;
    }
}
