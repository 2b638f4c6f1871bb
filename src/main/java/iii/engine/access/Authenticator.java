package iii.engine.access;

import iii.engine.badinput.BadInput;
import iii.engine.badinput.BadInputLog;
import iii.engine.invocation.Call;
import iii.engine.invocation.Invoker;
import iii.engine.protocol.RawJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Decides, at the upgrade, whether a connection to the RBAC-gated listener becomes a session and with which
 * {@link Grant}: its {@code Origin} must be allowed (when {@code iii.rbac.allowed-origins} is set), its bearer token
 * valid (when a key is configured; from {@code Authorization: Bearer …} or {@code ?access_token=…}), and the auth
 * function (when set) must answer with iii's AuthResult. A refused upgrade gets its HTTP status and no socket. An
 * upgrade of the console's page ({@code ?console=1}) also needs a token of {@code iii.console.group}, and its session
 * gets {@link Grant#forConsole()}.
 *
 * <p>The upgrade cannot complete after the container thread has let go of the request (the servlet container allows
 * no upgrade from an asynchronous request), so that thread waits for the auth function: at most
 * {@code iii.rbac.auth-timeout-ms}, at most {@code iii.rbac.max-pending-auth} upgrades at once (more are refused with
 * 503 at once), and on the RBAC listener's own thread pool, so that the trusted listener's threads never wait.
 *
 * <p>The grant reaches the session through a ticket: a random id in the upgrade's parameters, claimed once by the
 * endpoint; tickets not claimed within a minute (the handshake failed after the decision) are dropped.
 */
@ApplicationScoped
public class Authenticator {

    /** The upgrade parameter that carries the ticket. */
    public static final String TICKET = "iii.ticket";
    /** The upgrade parameter by which the console's page names its connection ({@code ?console=1}). */
    public static final String CONSOLE = "console";

    private static final Logger LOG = Logger.getLogger(Authenticator.class.getName());
    private static final long TICKET_LIFETIME_NANOS = TimeUnit.MINUTES.toNanos(1);

    private RbacConfig config;
    private TokenVerifier tokens;
    private Invoker invoker;
    private BadInputLog badInput;
    private Semaphore waiting;
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();

    private record Ticket(Grant grant, long issued) {
    }

    /** A refused upgrade: the HTTP status it is answered with, and why (for the log and the response). */
    public static final class Refused extends Exception {

        private final int status;

        Refused(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    protected Authenticator() {
    }

    @Inject
    public Authenticator(RbacConfig config, TokenVerifier tokens, Invoker invoker, BadInputLog badInput) {
        this.config = config;
        this.tokens = tokens;
        this.invoker = invoker;
        this.badInput = badInput;
        this.waiting = new Semaphore(config.maxPendingAuth());
    }

    /** Whether {@code request} arrived on the RBAC-gated listener. */
    public boolean isGated(HttpServletRequest request) {
        return config.enabled() && request.getLocalPort() == config.port();
    }

    /**
     * Whether the gated listener serves the console: it exists, {@code iii.console.group} is set and tokens are
     * verified (the group is a token's).
     */
    public boolean servesConsole() {
        return config.enabled() && config.consoleGroup() != null && tokens.enabled();
    }

    /** Authenticates an upgrade of the gated listener; returns the ticket of its grant. */
    public String admit(HttpServletRequest request) throws Refused {
        try {
            var grant = authenticate(request);
            sweep();
            var ticket = UUID.randomUUID().toString();
            tickets.put(ticket, new Ticket(grant, System.nanoTime()));
            return ticket;
        } catch (Refused refused) {
            badInput.report(LOG, null, BadInput.UPGRADE_REFUSED, () -> "Refused a worker connection from "
                    + request.getRemoteAddr() + " (" + refused.status() + "): " + refused.getMessage());
            throw refused;
        }
    }

    /** The grant of {@code ticket}, once; null for an unknown or expired ticket. */
    public Grant claim(String ticket) {
        var claimed = ticket == null ? null : tickets.remove(ticket);
        return claimed == null || System.nanoTime() - claimed.issued() > TICKET_LIFETIME_NANOS ? null
                : claimed.grant();
    }

    private void sweep() {
        if (!tickets.isEmpty()) {
            var now = System.nanoTime();
            tickets.values().removeIf(ticket -> now - ticket.issued() > TICKET_LIFETIME_NANOS);
        }
    }

    Grant authenticate(HttpServletRequest request) throws Refused {
        var origin = request.getHeader("Origin");
        if (origin != null && !config.allowedOrigins().isEmpty() && !config.allowedOrigins().contains(origin)) {
            throw new Refused(403, "origin " + origin + " is not allowed");
        }
        VerifiedToken token = null;
        if (tokens.enabled()) {
            var compact = TokenVerifier.bearer(request.getHeader("Authorization"));
            if (compact == null) {
                compact = request.getParameter("access_token");
            }
            if (compact == null || compact.isBlank()) {
                throw new Refused(401, "a bearer token is required");
            }
            try {
                token = tokens.verify(compact);
            } catch (TokenRejected e) {
                throw new Refused(401, "bearer token rejected: " + e.reason());
            }
        }
        var console = request.getParameter(CONSOLE) != null;
        if (console && !servesConsole()) {
            throw new Refused(403, "the console is not served on this listener");
        }
        if (console && !token.groups().contains(config.consoleGroup())) {
            throw new Refused(403, "the token's groups do not include the console's group");
        }
        var granted = new ArrayList<String>();
        if (token != null) {
            token.groups().forEach(group -> granted.addAll(config.groupGrant(group)));
        }
        Grant grant;
        if (config.authFunctionId() == null) {
            var context = token == null || token.subject() == null ? RawJson.EMPTY_OBJECT
                    : RawJson.of(Json.createObjectBuilder().add("user_id", token.subject()).build());
            grant = new Grant(identity(token, null), granted, List.of(), null, true, true, null, context,
                    config.expose());
        } else {
            grant = grant(callAuthFunction(request, token), token, granted);
        }
        return console ? grant.forConsole() : grant;
    }

    private JsonObject callAuthFunction(HttpServletRequest request, VerifiedToken token) throws Refused {
        if (!waiting.tryAcquire()) {
            throw new Refused(503, "too many connections are being authenticated at once");
        }
        try {
            var outcome = invoker.invoke(new Call(UUID.randomUUID(), config.authFunctionId(),
                            RawJson.trusted(authInput(request, token)), null, null, null, null, true),
                    config.authTimeoutMillis())
                    .get(config.authTimeoutMillis() + 1500, TimeUnit.MILLISECONDS);
            if (outcome.isError()) {
                throw new Refused(401, "auth function: " + message(outcome.error()));
            }
            if (outcome.result() == null || outcome.result().isNull()) {
                throw new Refused(401, "auth function returned no result");
            }
            if (!outcome.result().isObject()) {
                throw new Refused(401, "auth function returned something other than an object");
            }
            return (JsonObject) outcome.result().toJsonValue();
        } catch (TimeoutException e) {
            throw new Refused(401, "auth function did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(503, "interrupted while authenticating");
        } catch (ExecutionException | RuntimeException e) {
            throw new Refused(401, "auth function: " + e);
        } finally {
            waiting.release();
        }
    }

    /** iii's auth input: lower-case header names, query values as arrays, the peer's IP; and the verified claims. */
    static String authInput(HttpServletRequest request, VerifiedToken token) {
        var headers = new TreeMap<String, List<String>>();
        for (var names = request.getHeaderNames(); names != null && names.hasMoreElements(); ) {
            var name = names.nextElement();
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), key -> new ArrayList<>())
                    .addAll(Collections.list(request.getHeaders(name)));
        }
        var input = Json.createObjectBuilder();
        var headerObject = Json.createObjectBuilder();
        headers.forEach((name, values) -> headerObject.add(name, String.join(", ", values)));
        input.add("headers", headerObject);
        var query = Json.createObjectBuilder();
        request.getParameterMap().forEach((name, values) -> {
            var array = Json.createArrayBuilder();
            for (var value : values) {
                array.add(value);
            }
            query.add(name, array);
        });
        input.add("query_params", query);
        input.add("ip_address", request.getRemoteAddr());
        var json = input.build().toString();
        return token == null ? json : json.substring(0, json.length() - 1) + ",\"jwt\":" + token.claimsJson() + "}";
    }

    Grant grant(JsonObject result, VerifiedToken token, List<String> granted) throws Refused {
        try {
            var allowed = new ArrayList<>(strings(result, "allowed_functions"));
            allowed.addAll(granted);
            var triggerTypes = result.get("allowed_trigger_types");
            var context = result.get("context");
            if (context == null || context.getValueType() == JsonValue.ValueType.NULL) {
                context = JsonValue.EMPTY_JSON_OBJECT;
            }
            var prefix = result.get("function_registration_prefix") instanceof JsonString p && !p.getString().isBlank()
                    ? p.getString() : null;
            return new Grant(identity(token, context), allowed, strings(result, "forbidden_functions"),
                    triggerTypes == null || triggerTypes.getValueType() == JsonValue.ValueType.NULL ? null
                            : strings(result, "allowed_trigger_types"),
                    bool(result, "allow_trigger_type_registration", false),
                    bool(result, "allow_function_registration", true), prefix, RawJson.of(context),
                    config.expose());
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new Refused(401, "auth function returned an invalid result: " + e.getMessage());
        }
    }

    private static String identity(VerifiedToken token, JsonValue context) {
        if (token != null && token.subject() != null) {
            return "user:" + token.subject();
        }
        if (context instanceof JsonObject object) {
            var user = object.get("user_id");
            if (user instanceof JsonString string) {
                return "user:" + string.getString();
            }
            if (user instanceof JsonNumber number) {
                return "user:" + number;
            }
        }
        return "session:" + UUID.randomUUID();
    }

    private static List<String> strings(JsonObject object, String name) {
        var value = object.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw new IllegalArgumentException(name + " is not an array");
        }
        var strings = new ArrayList<String>(array.size());
        for (var item : array) {
            if (!(item instanceof JsonString string)) {
                throw new IllegalArgumentException(name + " holds something other than strings");
            }
            strings.add(string.getString());
        }
        return strings;
    }

    private static boolean bool(JsonObject object, String name, boolean otherwise) {
        var value = object.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return otherwise;
        }
        if (value.getValueType() == JsonValue.ValueType.TRUE || value.getValueType() == JsonValue.ValueType.FALSE) {
            return value.getValueType() == JsonValue.ValueType.TRUE;
        }
        throw new IllegalArgumentException(name + " is not a boolean");
    }

    private static String message(RawJson error) {
        try {
            if (error.toJsonValue() instanceof JsonObject object && object.get("message") instanceof JsonString m) {
                return m.getString();
            }
        } catch (RuntimeException e) {
            return error.text();
        }
        return error.text();
    }
}
