package iii.engine.access;

import iii.engine.protocol.RawJson;

import java.util.List;
import java.util.Set;

/**
 * What one session of the RBAC-gated listener may do, decided once at its upgrade: iii's AuthResult, with the grants
 * of its token's groups added to {@code allowedFunctions}, and the identity that owns what it registers.
 *
 * @param identity            the token's subject, else the auth result's {@code context.user_id}, else the
 *                            connection's own id
 * @param allowedFunctions    globs of functions it may call besides the exposed ones
 * @param forbiddenFunctions  globs of functions it may never call (wins over everything)
 * @param allowedTriggerTypes trigger types it may register triggers for; null: all
 * @param functionPrefix      prefix of the ids it registers ({@code prefix::id}), or null
 * @param context             the auth result's {@code context}, passed to the middleware and hooks
 * @param registrableFunctions glob of the function ids it may register (before its prefix), or null: any
 */
public record Grant(String identity, List<String> allowedFunctions, List<String> forbiddenFunctions,
                    List<String> allowedTriggerTypes, boolean allowTriggerTypeRegistration,
                    boolean allowFunctionRegistration, String functionPrefix, RawJson context,
                    List<FunctionFilter> expose, String registrableFunctions) {

    /** Engine functions every session may call: the SDKs call them on their own (iii's infrastructure list). */
    static final Set<String> INFRASTRUCTURE = Set.of(
            "engine::channels::create", "engine::workers::register",
            "engine::log::info", "engine::log::warn", "engine::log::error", "engine::log::debug", "engine::log::trace",
            "engine::baggage::get", "engine::baggage::set", "engine::baggage::get_all");

    /** What the console's page registers: its discovery-event function, {@code console::events::<uuid>}. */
    static final String CONSOLE_FUNCTIONS = "console::events::*";

    public Grant(String identity, List<String> allowedFunctions, List<String> forbiddenFunctions,
                 List<String> allowedTriggerTypes, boolean allowTriggerTypeRegistration,
                 boolean allowFunctionRegistration, String functionPrefix, RawJson context,
                 List<FunctionFilter> expose) {
        this(identity, allowedFunctions, forbiddenFunctions, allowedTriggerTypes, allowTriggerTypeRegistration,
                allowFunctionRegistration, functionPrefix, context, expose, null);
    }

    public Grant {
        allowedFunctions = List.copyOf(allowedFunctions);
        forbiddenFunctions = List.copyOf(forbiddenFunctions);
        allowedTriggerTypes = allowedTriggerTypes == null ? null : List.copyOf(allowedTriggerTypes);
        expose = List.copyOf(expose);
        context = context == null ? RawJson.EMPTY_OBJECT : context;
    }

    /** Why a call of {@code functionId} is refused, or null when it is allowed. */
    public String refusal(String functionId, RawJson metadata) {
        if (Glob.any(forbiddenFunctions, functionId)) {
            return "remove from rbac.forbidden_functions";
        }
        if (Glob.any(allowedFunctions, functionId) || INFRASTRUCTURE.contains(functionId)) {
            return null;
        }
        for (var filter : expose) {
            if (filter.matches(functionId, metadata)) {
                return null;
            }
        }
        return "add to rbac.expose_functions";
    }

    /** Whether this session may call {@code functionId}: what its listings show. */
    public boolean mayCall(String functionId, RawJson metadata) {
        return refusal(functionId, metadata) == null;
    }

    /**
     * This grant narrowed for the console's page: the same calls, but it registers only its discovery-event functions,
     * no trigger types, and triggers only of the discovery types (which every session may bind).
     */
    public Grant forConsole() {
        return new Grant(identity, allowedFunctions, forbiddenFunctions, List.of(), false, allowFunctionRegistration,
                functionPrefix, context, expose, CONSOLE_FUNCTIONS);
    }

    /** Whether it may register a function it names {@code id}. */
    public boolean mayRegister(String id) {
        return allowFunctionRegistration && (registrableFunctions == null || Glob.matches(registrableFunctions, id));
    }

    /** Whether it may register triggers of {@code type}. */
    public boolean mayUseTriggerType(String type) {
        return allowedTriggerTypes == null || allowedTriggerTypes.contains(type);
    }

    /** The id under which a function or trigger target of this session is registered. */
    public String registeredId(String id) {
        return functionPrefix == null ? id : functionPrefix + "::" + id;
    }

    /** The id the session's worker knows for {@code registeredId}: the prefix stripped, as iii strips it. */
    public String localId(String registeredId) {
        if (functionPrefix != null && registeredId.startsWith(functionPrefix + "::")) {
            return registeredId.substring(functionPrefix.length() + 2);
        }
        return registeredId;
    }
}
