package iii.engine.external;

import iii.engine.config.EngineConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Optional;

/**
 * Settings of external HTTP functions, each a MicroProfile Config property and so also an environment variable
 * ({@code iii.http-functions.allowed-hosts} is {@code III_HTTP_FUNCTIONS_ALLOWED_HOSTS}, comma-separated). The defaults
 * are the safe ones of PROTOCOL.md §8.5: HTTPS only, no private, loopback, link-local or metadata addresses.
 */
@ApplicationScoped
public class HttpFunctionsConfig {

    private List<String> allowedHosts;
    private boolean requireHttps;
    private boolean blockPrivateIps;
    private long defaultTimeoutMillis;

    protected HttpFunctionsConfig() {
    }

    @Inject
    public HttpFunctionsConfig(
            @ConfigProperty(name = "iii.http-functions.allowed-hosts") Optional<String> allowedHosts,
            @ConfigProperty(name = "iii.http-functions.require-https", defaultValue = "true") boolean requireHttps,
            @ConfigProperty(name = "iii.http-functions.block-private-ips", defaultValue = "true")
            boolean blockPrivateIps,
            @ConfigProperty(name = "iii.http-functions.default-timeout-ms", defaultValue = "30000")
            long defaultTimeoutMillis) {
        this(EngineConfig.commaSeparated(allowedHosts.orElse("")), requireHttps, blockPrivateIps,
                defaultTimeoutMillis);
    }

    /** For tests outside a container. */
    public HttpFunctionsConfig(List<String> allowedHosts, boolean requireHttps, boolean blockPrivateIps,
                               long defaultTimeoutMillis) {
        this.allowedHosts = List.copyOf(allowedHosts);
        this.requireHttps = requireHttps;
        this.blockPrivateIps = blockPrivateIps;
        this.defaultTimeoutMillis = defaultTimeoutMillis;
    }

    /** Host globs ({@code *}, {@code ?}; case-insensitive) that pass even when they are or resolve to private addresses. */
    public List<String> allowedHosts() {
        return allowedHosts;
    }

    /** Whether plain {@code http://} URLs are refused. */
    public boolean requireHttps() {
        return requireHttps;
    }

    /** Whether hosts that are or resolve to private, loopback, link-local … addresses are refused. */
    public boolean blockPrivateIps() {
        return blockPrivateIps;
    }

    /** Timeout of a call whose registration gave no {@code timeout_ms}. */
    public long defaultTimeoutMillis() {
        return defaultTimeoutMillis;
    }
}
