package iii.engine.access;

import iii.engine.config.EngineConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of the RBAC-gated listener, MicroProfile Config properties like every engine setting
 * ({@code iii.rbac.port} is {@code III_RBAC_PORT}). Without {@code iii.rbac.port} (or with 0) there is no such listener
 * and nothing here is used.
 *
 * <p>Group grants are {@code iii.rbac.group.<group>.allowed-functions} (comma-separated globs) for the {@code groups}
 * of a verified token. Environment variables cannot spell every group name, so
 * {@code III_RBAC_GROUP_<GROUP>_ALLOWED_FUNCTIONS} grants the group whose name, upper-cased with every character other
 * than a letter or digit as {@code _}, is {@code <GROUP>}.
 */
@ApplicationScoped
public class RbacConfig {

    private static final String GROUP = "iii.rbac.group.";
    private static final String GROUP_SUFFIX = ".allowed-functions";
    private static final String ENV_GROUP = "III_RBAC_GROUP_";
    private static final String ENV_GROUP_SUFFIX = "_ALLOWED_FUNCTIONS";

    private int port;
    private String authFunctionId;
    private long authTimeoutMillis;
    private int maxPendingAuth;
    private List<FunctionFilter> expose;
    private String middlewareFunctionId;
    private String onFunctionRegistration;
    private String onTriggerRegistration;
    private String onTriggerTypeRegistration;
    private List<String> allowedOrigins;
    private Map<String, List<String>> groupGrants;
    private String consoleGroup;

    protected RbacConfig() {
    }

    @Inject
    public RbacConfig(Config config,
                      @ConfigProperty(name = "iii.rbac.port", defaultValue = "0") int port,
                      @ConfigProperty(name = "iii.rbac.auth-function-id") Optional<String> authFunctionId,
                      @ConfigProperty(name = "iii.rbac.auth-timeout-ms", defaultValue = "5000") long authTimeoutMillis,
                      @ConfigProperty(name = "iii.rbac.max-pending-auth", defaultValue = "16") int maxPendingAuth,
                      @ConfigProperty(name = "iii.rbac.expose-functions") Optional<String> expose,
                      @ConfigProperty(name = "iii.rbac.middleware-function-id") Optional<String> middleware,
                      @ConfigProperty(name = "iii.rbac.on-function-registration-function-id")
                      Optional<String> onFunctionRegistration,
                      @ConfigProperty(name = "iii.rbac.on-trigger-registration-function-id")
                      Optional<String> onTriggerRegistration,
                      @ConfigProperty(name = "iii.rbac.on-trigger-type-registration-function-id")
                      Optional<String> onTriggerTypeRegistration,
                      @ConfigProperty(name = "iii.rbac.allowed-origins") Optional<String> allowedOrigins) {
        this(port, authFunctionId.orElse(null), authTimeoutMillis, maxPendingAuth,
                FunctionFilter.parseAll(expose.orElse(null)), middleware.orElse(null),
                onFunctionRegistration.orElse(null), onTriggerRegistration.orElse(null),
                onTriggerTypeRegistration.orElse(null), allowedOrigins.map(EngineConfig::commaSeparated).orElse(List.of()), groupGrants(config));
        this.consoleGroup = blankToNull(config.getOptionalValue("iii.console.group", String.class).orElse(null));
    }

    public RbacConfig(int port, String authFunctionId, long authTimeoutMillis, int maxPendingAuth,
                      List<FunctionFilter> expose, String middlewareFunctionId, String onFunctionRegistration,
                      String onTriggerRegistration, String onTriggerTypeRegistration, List<String> allowedOrigins,
                      Map<String, List<String>> groupGrants) {
        this.port = port;
        this.authFunctionId = blankToNull(authFunctionId);
        this.authTimeoutMillis = authTimeoutMillis;
        this.maxPendingAuth = Math.max(1, maxPendingAuth);
        this.expose = List.copyOf(expose);
        this.middlewareFunctionId = blankToNull(middlewareFunctionId);
        this.onFunctionRegistration = blankToNull(onFunctionRegistration);
        this.onTriggerRegistration = blankToNull(onTriggerRegistration);
        this.onTriggerTypeRegistration = blankToNull(onTriggerTypeRegistration);
        this.allowedOrigins = List.copyOf(allowedOrigins);
        this.groupGrants = Map.copyOf(groupGrants);
    }

    /** Whether the RBAC-gated listener exists. */
    public boolean enabled() {
        return port > 0;
    }

    /** The RBAC-gated listener's port; 0 when there is none. */
    public int port() {
        return port;
    }

    /** The function called once per connection to authenticate it, or null. */
    public String authFunctionId() {
        return authFunctionId;
    }

    /** How long an upgrade waits for the auth function before it is refused. */
    public long authTimeoutMillis() {
        return authTimeoutMillis;
    }

    /** How many upgrades may wait for the auth function at once; more are refused with 503 at once. */
    public int maxPendingAuth() {
        return maxPendingAuth;
    }

    /** Functions every session may call. */
    public List<FunctionFilter> expose() {
        return expose;
    }

    /** The function every allowed call of a session goes through (engine functions excepted), or null. */
    public String middlewareFunctionId() {
        return middlewareFunctionId;
    }

    public String onFunctionRegistration() {
        return onFunctionRegistration;
    }

    public String onTriggerRegistration() {
        return onTriggerRegistration;
    }

    public String onTriggerTypeRegistration() {
        return onTriggerTypeRegistration;
    }

    /** Whether any registration hook is set: then a session's messages are handled one after another. */
    public boolean hasHooks() {
        return onFunctionRegistration != null || onTriggerRegistration != null || onTriggerTypeRegistration != null;
    }

    /** {@code Origin} values a browser upgrade may carry; empty: any. */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /**
     * The token group whose members may open the console through this listener ({@code iii.console.group}), or null:
     * the console is served on the trusted listener only.
     */
    public String consoleGroup() {
        return consoleGroup;
    }

    /** The function globs the token group {@code group} grants. */
    public List<String> groupGrant(String group) {
        var globs = groupGrants.get(group);
        if (globs == null) {
            globs = groupGrants.get(envName(group));
        }
        return globs == null ? List.of() : globs;
    }

    static Map<String, List<String>> groupGrants(Config config) {
        var grants = new HashMap<String, List<String>>();
        for (var name : config.getPropertyNames()) {
            String group = null;
            if (name.startsWith(GROUP) && name.endsWith(GROUP_SUFFIX)
                    && name.length() > GROUP.length() + GROUP_SUFFIX.length()) {
                group = name.substring(GROUP.length(), name.length() - GROUP_SUFFIX.length());
            } else if (name.startsWith(ENV_GROUP) && name.endsWith(ENV_GROUP_SUFFIX)
                    && name.length() > ENV_GROUP.length() + ENV_GROUP_SUFFIX.length()) {
                group = "env:" + name.substring(ENV_GROUP.length(), name.length() - ENV_GROUP_SUFFIX.length());
            }
            if (group != null) {
                var value = config.getOptionalValue(name, String.class).orElse("");
                grants.putIfAbsent(group, EngineConfig.commaSeparated(value));
            }
        }
        return grants;
    }

    private static String envName(String group) {
        return "env:" + group.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
