package iii.engine.external;

import iii.engine.config.EngineExecutors;
import iii.engine.external.ExternalError.Refused;
import iii.engine.http.HeaderSyntax;
import iii.engine.protocol.Codec;
import iii.engine.protocol.Message;
import iii.engine.protocol.RawJson;
import iii.engine.registry.RemoteFunction;
import iii.engine.registry.RemoteFunction.Reply;
import iii.engine.registry.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Defines external functions from {@code registerfunction}'s {@code invocation} and calls them (PROTOCOL.md §8.2,
 * §8.4): the invocation's {@code data} as the JSON body, {@code x-iii-*} headers, the configured headers, then auth;
 * no redirects; a timeout. The JDK client sends asynchronously on the container's executor and nothing waits for it:
 * the caller's future completes when the answer (or the timeout) arrives.
 */
@ApplicationScoped
public class ExternalFunctions {

    private static final Logger LOG = Logger.getLogger(ExternalFunctions.class.getName());
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private HttpFunctionsConfig config;
    private EngineExecutors executors;
    private UrlValidator validator;
    private Function<String, Optional<String>> environment;
    private volatile HttpClient client;

    protected ExternalFunctions() {
    }

    @Inject
    public ExternalFunctions(HttpFunctionsConfig config, EngineExecutors executors) {
        this(config, executors, new UrlValidator(config), ExternalFunctions::environment);
    }

    /** For tests: a resolver and an environment of their own. */
    public ExternalFunctions(HttpFunctionsConfig config, EngineExecutors executors, UrlValidator validator,
                             Function<String, Optional<String>> environment) {
        this.config = config;
        this.executors = executors;
        this.validator = validator;
        this.environment = environment;
    }

    /**
     * The function a {@code registerfunction} with {@code invocation} defines, or null when it is refused (bad
     * invocation, URL refused, secret missing): then the refusal is logged and told to the worker in an
     * {@code error} frame, and nothing is registered (as in iii, where it is only logged).
     */
    public RemoteFunction define(Worker from, String id, RawJson invocation) {
        try {
            var function = parse(id, invocation);
            LOG.info(() -> "External function " + id + " registered by worker " + from + ": " + function.method()
                    + " " + function.url());
            return function;
        } catch (Refused e) {
            LOG.warning(() -> "External function " + id + " of worker " + from + " refused (" + e.code().wire()
                    + "): " + e.getMessage());
            from.send(Codec.encode(new Message.Error(e.code().body("registerfunction " + id + ": "
                    + e.getMessage()))));
            return null;
        }
    }

    HttpFunction parse(String id, RawJson invocation) throws Refused {
        JsonValue value;
        try {
            value = invocation.toJsonValue();
        } catch (JsonException e) {
            throw new Refused(ExternalError.INVALID_INVOCATION, "invocation is not JSON");
        }
        if (!(value instanceof JsonObject object)) {
            throw new Refused(ExternalError.INVALID_INVOCATION, "invocation must be an object");
        }
        if (!(object.get("url") instanceof JsonString url)) {
            throw new Refused(ExternalError.INVALID_INVOCATION, "invocation.url (a string) is required");
        }
        var method = "POST";
        if (object.get("method") instanceof JsonString m) {
            method = m.getString().toUpperCase(Locale.ROOT);
        } else if (!isAbsent(object.get("method"))) {
            throw new Refused(ExternalError.INVALID_INVOCATION, "invocation.method must be a string");
        }
        if (!METHODS.contains(method)) {
            throw new Refused(ExternalError.INVALID_INVOCATION, "invocation.method must be one of " + METHODS);
        }
        var timeout = config.defaultTimeoutMillis();
        if (object.get("timeout_ms") instanceof JsonNumber n) {
            if (!n.isIntegral() || n.longValue() <= 0) {
                throw new Refused(ExternalError.INVALID_INVOCATION, "invocation.timeout_ms must be a positive integer");
            }
            timeout = n.longValue();
        } else if (!isAbsent(object.get("timeout_ms"))) {
            throw new Refused(ExternalError.INVALID_INVOCATION, "invocation.timeout_ms must be a number");
        }
        var headers = new LinkedHashMap<String, String>();
        var given = object.get("headers");
        if (given instanceof JsonObject h) {
            for (var header : h.entrySet()) {
                var name = header.getKey();
                if (!HeaderSyntax.isName(name) || !(header.getValue() instanceof JsonString v)
                        || !HeaderSyntax.isValue(v.getString())) {
                    throw new Refused(ExternalError.INVALID_INVOCATION, "invocation.headers must map header names "
                            + "to single-line strings (" + name + ")");
                }
                if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                    LOG.warning(() -> "External function " + id + ": header " + name + " is set by the client; ignored");
                    continue;
                }
                headers.put(name, v.getString());
            }
        } else if (!isAbsent(given)) {
            throw new Refused(ExternalError.INVALID_INVOCATION, "invocation.headers must be an object");
        }
        var uri = validator.validate(url.getString());
        var auth = Auth.resolve(object.get("auth"), environment);
        return new HttpFunction(id, uri, method, timeout, Map.copyOf(headers), auth, this);
    }

    /** Calls the function; the future always completes normally. */
    CompletableFuture<Reply> call(HttpFunction function, RawJson data) {
        var reply = new CompletableFuture<Reply>();
        try {
            // off the caller's thread: the URL is checked again, which may resolve its host
            executors.executor().execute(() -> send(function, data, reply));
        } catch (RuntimeException e) {
            reply.complete(failed(ExternalError.HTTP_REQUEST_FAILED, "cannot schedule the request: " + e));
        }
        return reply;
    }

    private void send(HttpFunction function, RawJson data, CompletableFuture<Reply> reply) {
        try {
            validator.validate(function.url().toString());
        } catch (Refused e) {
            reply.complete(failed(e.code(), e.getMessage()));
            return;
        }
        try {
            var body = (data == null ? RawJson.NULL : data).text().getBytes(StandardCharsets.UTF_8);
            var timestamp = System.currentTimeMillis() / 1000;
            var request = HttpRequest.newBuilder(function.url())
                    .timeout(Duration.ofMillis(function.timeoutMillis()))
                    .method(function.method(), HttpRequest.BodyPublishers.ofByteArray(body))
                    .setHeader("Content-Type", "application/json")
                    .setHeader("x-iii-Function-Path", function.id())
                    .setHeader("x-iii-Invocation-ID", UUID.randomUUID().toString())
                    .setHeader("x-iii-Timestamp", Long.toString(timestamp));
            function.headers().forEach(request::setHeader);
            function.auth().headers(body, timestamp).forEach(request::setHeader);
            var sent = client().sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            // a backstop: the client's timeout covers the response head; this also covers a body that never ends
            var backstop = executors.scheduler().schedule(() -> {
                if (reply.complete(timedOut(function))) {
                    sent.cancel(true);
                }
            }, function.timeoutMillis() + 1000, TimeUnit.MILLISECONDS);
            sent.whenComplete((response, failure) -> {
                backstop.cancel(false);
                if (failure != null) {
                    reply.complete(transportFailure(function, failure));
                } else {
                    reply.complete(mapResponse(response.statusCode(), response.body()));
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "External function " + function.id() + " could not be called", e);
            reply.complete(failed(ExternalError.HTTP_REQUEST_FAILED, "HTTP request failed: " + e));
        }
    }

    private HttpClient client() {
        var c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder()
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .connectTimeout(Duration.ofMillis(Math.max(1000, config.defaultTimeoutMillis())))
                            .executor(executors.executor())
                            .build();
                    client = c;
                }
            }
        }
        return c;
    }

    /**
     * The answer of the endpoint (E22): 2xx with an empty body is no result, with JSON the result, with anything else
     * {@code invalid_response}; 1xx succeeds with its JSON body, if any; an error status gives the body's
     * {@code error {code, message}} when it has one, else {@code http_error "HTTP <status>"}. A 3xx is
     * {@code http_request_failed}: redirects are never followed (a redirect could lead the call to an address the URL
     * check refused), so the call did not reach a function. iii 0.22 takes a 3xx as success with no result; a call
     * that silently did nothing is the worse answer.
     */
    static Reply mapResponse(int status, byte[] body) {
        var text = new String(body, StandardCharsets.UTF_8);
        var json = parse(text);
        if (status >= 200 && status < 300) {
            if (text.isBlank()) {
                return new Reply(null, null);
            }
            if (json.isEmpty()) {
                return failed(ExternalError.INVALID_RESPONSE, "HTTP " + status + " response is not JSON");
            }
            return new Reply(result(json.get()), null);
        }
        if (status >= 300 && status < 400) {
            return failed(ExternalError.HTTP_REQUEST_FAILED, "HTTP " + status + ": redirects are not followed");
        }
        if (status < 300) {
            return new Reply(json.map(ExternalFunctions::result).orElse(null), null);
        }
        if (json.isPresent() && json.get() instanceof JsonObject object
                && object.get("error") instanceof JsonObject error) {
            var code = error.get("code") instanceof JsonString s ? s.getString() : ExternalError.HTTP_ERROR.wire();
            var message = error.get("message") instanceof JsonString s ? s.getString() : "HTTP request failed";
            return new Reply(null, RawJson.of(JSON.createObjectBuilder().add("code", code).add("message", message)
                    .build()));
        }
        return failed(ExternalError.HTTP_ERROR, "HTTP " + status);
    }

    private static RawJson result(JsonValue value) {
        return value.getValueType() == JsonValue.ValueType.NULL ? null : RawJson.of(value);
    }

    private static Optional<JsonValue> parse(String text) {
        if (text.isBlank()) {
            return Optional.empty();
        }
        try (var reader = JSON.createReader(new StringReader(text))) {
            return Optional.of(reader.readValue());
        } catch (JsonException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    private static Reply transportFailure(HttpFunction function, Throwable failure) {
        var cause = failure;
        while (cause.getCause() != null && cause != cause.getCause()
                && (cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException)) {
            cause = cause.getCause();
        }
        if (cause instanceof HttpTimeoutException) {
            return timedOut(function);
        }
        var chain = new StringBuilder("HTTP request failed: ").append(cause);
        for (var c = cause.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            chain.append(": ").append(c);
        }
        return failed(ExternalError.HTTP_REQUEST_FAILED, chain.toString());
    }

    private static Reply timedOut(HttpFunction function) {
        return failed(ExternalError.HTTP_REQUEST_FAILED, "HTTP request to " + function.url() + " timed out after "
                + function.timeoutMillis() + " ms");
    }

    private static Reply failed(ExternalError code, String message) {
        return new Reply(null, code.body(message));
    }

    private static boolean isAbsent(JsonValue value) {
        return value == null || value.getValueType() == JsonValue.ValueType.NULL;
    }

    /** A secret named by the registration: an environment variable of the engine, else a MicroProfile Config value. */
    static Optional<String> environment(String name) {
        var value = System.getenv(name);
        if (value != null) {
            return Optional.of(value);
        }
        try {
            return ConfigProvider.getConfig().getOptionalValue(name, String.class);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
