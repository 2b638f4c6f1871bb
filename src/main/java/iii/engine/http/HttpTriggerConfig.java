package iii.engine.http;

import iii.engine.config.EngineConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Settings of the HTTP-trigger listener, each a MicroProfile Config property and so also an environment variable
 * ({@code iii.http.port} is {@code III_HTTP_PORT}). Defaults as iii's REST API module (PROTOCOL.md §6.1).
 */
@ApplicationScoped
public class HttpTriggerConfig {

    private int port;
    private long requestTimeoutMillis;
    private int concurrentRequestLimit;
    private long maxBodyBytes;
    private long bodyTimeoutMillis;
    private int maxHeaders;
    private List<String> corsAllowedOrigins;
    private List<String> corsAllowedMethods;
    private List<String> middleware;

    protected HttpTriggerConfig() {
    }

    @Inject
    public HttpTriggerConfig(
            @ConfigProperty(name = "iii.http.port", defaultValue = "3111") int port,
            @ConfigProperty(name = "iii.http.request-timeout-ms", defaultValue = "30000") long requestTimeoutMillis,
            @ConfigProperty(name = "iii.http.concurrent-request-limit", defaultValue = "1024")
            int concurrentRequestLimit,
            @ConfigProperty(name = "iii.http.max-body-bytes", defaultValue = "10485760") long maxBodyBytes,
            @ConfigProperty(name = "iii.http.body-timeout-ms", defaultValue = "30000") long bodyTimeoutMillis,
            @ConfigProperty(name = "iii.http.max-headers", defaultValue = "100") int maxHeaders,
            @ConfigProperty(name = "iii.http.cors.allowed-origins", defaultValue = "*") String corsAllowedOrigins,
            @ConfigProperty(name = "iii.http.cors.allowed-methods") Optional<String> corsAllowedMethods,
            @ConfigProperty(name = "iii.http.middleware") Optional<String> middleware) {
        this.port = port;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.concurrentRequestLimit = concurrentRequestLimit;
        this.maxBodyBytes = maxBodyBytes;
        this.bodyTimeoutMillis = bodyTimeoutMillis;
        this.maxHeaders = maxHeaders;
        this.corsAllowedOrigins = EngineConfig.commaSeparated(corsAllowedOrigins);
        this.corsAllowedMethods = EngineConfig.commaSeparated(corsAllowedMethods.orElse("")).stream()
                .map(m -> m.toUpperCase(Locale.ROOT)).toList();
        this.middleware = EngineConfig.commaSeparated(middleware.orElse(""));
    }

    /** The local port of the HTTP-trigger listener: requests that arrive on it are served as trigger routes. */
    public int port() {
        return port;
    }

    /** How long a request may take before it is answered 504. */
    public long requestTimeoutMillis() {
        return requestTimeoutMillis;
    }

    /** How many requests may be in progress at once; more are answered 503. */
    public int concurrentRequestLimit() {
        return concurrentRequestLimit;
    }

    /** Largest request body; a larger one is answered 413. */
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * How long a request body may take to arrive, from the moment its route is found; a body not whole by then is
     * answered 408 and its connection closed.
     */
    public long bodyTimeoutMillis() {
        return bodyTimeoutMillis;
    }

    /** Most request headers; more are answered 431. */
    public int maxHeaders() {
        return maxHeaders;
    }

    /** CORS: origins allowed; {@code *} (the default) or none means any. */
    public boolean originAllowed(String origin) {
        return corsAllowedOrigins.isEmpty() || corsAllowedOrigins.contains("*") || corsAllowedOrigins.contains(origin);
    }

    /** CORS: whether every origin is allowed (then responses say {@code Access-Control-Allow-Origin: *}). */
    public boolean anyOrigin() {
        return corsAllowedOrigins.isEmpty() || corsAllowedOrigins.contains("*");
    }

    /** CORS: methods allowed; none (the default) means any. */
    public List<String> corsAllowedMethods() {
        return corsAllowedMethods;
    }

    /**
     * Global middleware: function ids called, in this order, before every route's condition, its own middleware and
     * its function (iii's {@code middleware} setting, its {@code priority} order being the order given here); none by
     * default.
     */
    public List<String> middleware() {
        return middleware;
    }
}
