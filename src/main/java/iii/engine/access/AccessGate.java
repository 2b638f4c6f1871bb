package iii.engine.access;

import iii.engine.badinput.BadInput;
import iii.engine.badinput.BadInputLog;
import iii.engine.invocation.Call;
import iii.engine.invocation.Invoker;
import iii.engine.invocation.Outcome;
import iii.engine.protocol.Codec;
import iii.engine.protocol.ErrorCode;
import iii.engine.protocol.Message;
import iii.engine.protocol.Message.InvocationResult;
import iii.engine.protocol.Message.InvokeFunction;
import iii.engine.protocol.Message.RegisterFunction;
import iii.engine.protocol.Message.RegisterTrigger;
import iii.engine.protocol.Message.RegisterTriggerType;
import iii.engine.protocol.Message.TriggerRegistrationResult;
import iii.engine.protocol.Message.UnregisterFunction;
import iii.engine.protocol.RawJson;
import iii.engine.registry.FunctionRegistry;
import iii.engine.registry.TriggerRegistry;
import iii.engine.registry.Worker;
import iii.engine.telemetry.EngineTelemetry;
import iii.engine.trigger.DiscoveryEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Every message of an RBAC session passes here before its handler sees it, with iii's rules: a call the
 * {@link Grant} does not allow is answered {@code FORBIDDEN} at once, whether or not the function exists; an allowed
 * call of a non-engine function goes through the middleware when one is set; registrations are refused when the grant
 * forbids them, vetted (and possibly renamed) by the registration hooks, prefixed, and refused when they would take
 * over an id another identity owns. What passes reaches the handler as a (possibly rewritten) message; what does not is
 * answered here, logged once per connection and counted.
 */
@ApplicationScoped
public class AccessGate {

    private static final Logger LOG = Logger.getLogger(AccessGate.class.getName());

    /** Trigger types every session may bind, whatever its grant says: the SDKs' discovery helpers use them. */
    private static final java.util.Set<String> DISCOVERY_TYPES = java.util.Set.of(DiscoveryEvents.FUNCTIONS_AVAILABLE,
            DiscoveryEvents.WORKERS_AVAILABLE, DiscoveryEvents.WORKERS_AVAILABLE_DISCOVERY);

    private RbacConfig config;
    private Invoker invoker;
    private FunctionRegistry functions;
    private TriggerRegistry triggers;
    private BadInputLog badInput;
    private EngineTelemetry telemetry;
    private final LongAdder denied = new LongAdder();

    protected AccessGate() {
    }

    @Inject
    public AccessGate(RbacConfig config, Invoker invoker, FunctionRegistry functions, TriggerRegistry triggers,
                      BadInputLog badInput, EngineTelemetry telemetry) {
        this.config = config;
        this.invoker = invoker;
        this.functions = functions;
        this.triggers = triggers;
        this.badInput = badInput;
        this.telemetry = telemetry;
    }

    /** Calls and registrations refused since the engine started. */
    public long deniedCount() {
        return denied.sum();
    }

    /**
     * Hands {@code message} of a session's worker ({@code chars} characters as it arrived) to {@code handler},
     * checked and rewritten, or answers it here. With registration hooks set, a session's messages reach the handler
     * in the order they arrived.
     */
    public void admit(Worker from, Message message, int chars, Consumer<Message> handler) {
        var session = from.session();
        if (!config.hasHooks()) {
            var admitted = check(from, session.grant(), message).toCompletableFuture().getNow(null);
            if (admitted != null) {
                handler.accept(admitted);
            }
            return;
        }
        var queued = session.after(chars, () -> check(from, session.grant(), message).thenAccept(admitted -> {
            if (admitted != null && !from.isRetired()) {
                handler.accept(admitted);
            }
        }));
        if (!queued) {
            refuse(from, message, "too many messages wait for registration checks");
        }
    }

    private CompletionStage<Message> check(Worker from, Grant grant, Message message) {
        if (message instanceof InvokeFunction call) {
            return done(call(from, grant, call));
        }
        if (message instanceof RegisterFunction registration) {
            return registerFunction(from, grant, registration);
        }
        if (message instanceof UnregisterFunction unregistration) {
            var registered = from.session().registeredId(unregistration.id());
            from.session().unregistered(unregistration.id());
            return done(new UnregisterFunction(registered));
        }
        if (message instanceof RegisterTriggerType registration) {
            return registerTriggerType(from, grant, registration);
        }
        if (message instanceof RegisterTrigger registration) {
            return registerTrigger(from, grant, registration);
        }
        return done(message);
    }

    private Message call(Worker from, Grant grant, InvokeFunction call) {
        var target = functions.get(call.functionId());
        var refusal = grant.refusal(call.functionId(), target == null ? null : target.metadata());
        if (refusal != null) {
            deny(from, "call", call.functionId(), refusal);
            var id = call.invocationId() != null ? call.invocationId() : UUID.randomUUID();
            from.send(Codec.encode(new InvocationResult(id, call.functionId(), null, ErrorCode.FORBIDDEN.body(
                    "function '" + call.functionId() + "' not allowed (" + refusal + ")"),
                    call.traceparent(), call.baggage())));
            return null;
        }
        var middleware = config.middlewareFunctionId();
        if (middleware == null || call.functionId().startsWith("engine::")) {
            return call;
        }
        var input = new StringBuilder(64 + call.data().text().length());
        input.append("{\"function_id\":");
        Codec.quote(input, call.functionId());
        input.append(",\"payload\":").append(call.data().text());
        input.append(",\"action\":");
        if (call.action() == null) {
            input.append("null");
        } else {
            input.append("{\"type\":");
            Codec.quote(input, call.action());
            input.append('}');
        }
        input.append(",\"context\":").append(grant.context().text()).append('}');
        var awaited = call.invocationId() != null && !"void".equals(call.action());
        var id = call.invocationId() != null ? call.invocationId() : UUID.randomUUID();
        invoker.invoke(new Call(UUID.randomUUID(), middleware, RawJson.trusted(input.toString()), call.traceparent(),
                call.baggage(), call.metadata(), null, true)).thenAccept(outcome -> {
                    if (awaited) {
                        from.send(Codec.encode(new InvocationResult(id, call.functionId(), outcome.result(),
                                outcome.error(), call.traceparent(), call.baggage())));
                    }
                });
        return null;
    }

    private CompletionStage<Message> registerFunction(Worker from, Grant grant, RegisterFunction registration) {
        if (!grant.allowFunctionRegistration()) {
            return refused(from, registration, registration.id(), "function registration not allowed for this session");
        }
        if (!grant.mayRegister(registration.id())) {
            return refused(from, registration, registration.id(), "this session may register only '"
                    + grant.registrableFunctions() + "'");
        }
        CompletionStage<RegisterFunction> vetted = done(registration);
        if (config.onFunctionRegistration() != null) {
            var input = new StringBuilder("{\"function_id\":");
            Codec.quote(input, registration.id());
            input.append(",\"description\":");
            if (registration.description() == null) {
                input.append("null");
            } else {
                Codec.quote(input, registration.description());
            }
            input.append(",\"metadata\":").append(text(registration.metadata()))
                    .append(",\"context\":").append(grant.context().text()).append('}');
            vetted = hook(config.onFunctionRegistration(), input).thenApply(answer -> answer == null ? null
                    : new RegisterFunction(string(answer, "function_id", registration.id()),
                            string(answer, "description", registration.description()), registration.requestFormat(),
                            registration.responseFormat(), answer.containsKey("metadata")
                                    ? RawJson.of(answer.get("metadata")) : registration.metadata(),
                            registration.invocation()));
        }
        return vetted.thenApply(admitted -> {
            if (admitted == null) {
                refused(from, registration, registration.id(), "function registration denied by hook");
                return null;
            }
            var id = grant.registeredId(admitted.id());
            if (reserved(id)) {
                refused(from, registration, id, "function '" + id + "' is reserved for the engine's access settings");
                return null;
            }
            var existing = functions.get(id);
            if (existing != null && ownedByAnother(existing.owner(), from)) {
                refused(from, registration, id, "function '" + id + "' is owned by another worker");
                return null;
            }
            // calls reach the worker under the id it registered: the grant strips a prefix, a hook's rename is kept
            if (admitted.id().equals(registration.id())) {
                from.session().unregistered(registration.id());
            } else {
                from.session().registeredAs(registration.id(), id);
            }
            return new RegisterFunction(id, admitted.description(), admitted.requestFormat(),
                    admitted.responseFormat(), admitted.metadata(), admitted.invocation());
        });
    }

    private CompletionStage<Message> registerTriggerType(Worker from, Grant grant, RegisterTriggerType registration) {
        if (!grant.allowTriggerTypeRegistration()) {
            return refused(from, registration, registration.id(),
                    "trigger type registration not allowed for this session");
        }
        CompletionStage<RegisterTriggerType> vetted = done(registration);
        if (config.onTriggerTypeRegistration() != null) {
            var input = new StringBuilder("{\"trigger_type_id\":");
            Codec.quote(input, registration.id());
            input.append(",\"description\":");
            Codec.quote(input, registration.description() == null ? "" : registration.description());
            input.append(",\"context\":").append(grant.context().text()).append('}');
            vetted = hook(config.onTriggerTypeRegistration(), input).thenApply(answer -> answer == null ? null
                    : new RegisterTriggerType(string(answer, "trigger_type_id", registration.id()),
                            string(answer, "description", registration.description()),
                            registration.triggerRequestFormat(), registration.callRequestFormat()));
        }
        return vetted.thenApply(admitted -> {
            if (admitted == null) {
                refused(from, registration, registration.id(), "trigger type registration denied by hook");
                return null;
            }
            var existing = triggers.type(admitted.id());
            if (existing != null && ownedByAnother(existing.provider(), from)) {
                refused(from, registration, admitted.id(),
                        "trigger type '" + admitted.id() + "' is provided by another worker");
                return null;
            }
            return admitted;
        });
    }

    private CompletionStage<Message> registerTrigger(Worker from, Grant grant, RegisterTrigger registration) {
        if (!grant.mayUseTriggerType(registration.triggerType())
                && !DISCOVERY_TYPES.contains(registration.triggerType())) {
            return refused(from, registration, registration.triggerType(),
                    "trigger type '" + registration.triggerType() + "' not allowed for this session");
        }
        CompletionStage<RegisterTrigger> vetted = done(registration);
        if (config.onTriggerRegistration() != null) {
            var input = new StringBuilder("{\"trigger_id\":");
            Codec.quote(input, registration.id());
            input.append(",\"trigger_type\":");
            Codec.quote(input, registration.triggerType());
            input.append(",\"function_id\":");
            Codec.quote(input, registration.functionId());
            input.append(",\"config\":").append(text(registration.config()))
                    .append(",\"metadata\":").append(text(registration.metadata()))
                    .append(",\"context\":").append(grant.context().text()).append('}');
            vetted = hook(config.onTriggerRegistration(), input).thenApply(answer -> answer == null ? null
                    : new RegisterTrigger(string(answer, "trigger_id", registration.id()),
                            string(answer, "trigger_type", registration.triggerType()),
                            string(answer, "function_id", registration.functionId()),
                            answer.containsKey("config") ? RawJson.of(answer.get("config")) : registration.config(),
                            registration.metadata()));
        }
        return vetted.thenApply(admitted -> {
            if (admitted == null) {
                refused(from, registration, registration.id(), "trigger registration denied by hook");
                return null;
            }
            var functionId = from.session().registeredId(admitted.functionId());
            var target = functions.get(functionId);
            // a missing target is judged by its id alone, unless it is in the session's own prefix: it may be
            // registered later by someone else, and the trigger would then call it
            var own = target != null
                    ? target.owner() != null && from.sameIdentity(target.owner())
                    : grant.functionPrefix() != null && functionId.startsWith(grant.functionPrefix() + "::");
            if (!own && !grant.mayCall(functionId, target == null ? null : target.metadata())) {
                refused(from, registration, functionId, "function '" + functionId + "' not allowed as a trigger target");
                return null;
            }
            var existing = triggers.trigger(admitted.id());
            if (existing != null && ownedByAnother(existing.owner(), from)) {
                refused(from, registration, admitted.id(), "trigger '" + admitted.id() + "' is owned by another worker");
                return null;
            }
            return new RegisterTrigger(admitted.id(), admitted.triggerType(), functionId, admitted.config(),
                    admitted.metadata());
        });
    }

    /**
     * Whether {@code id} is the auth function, the middleware or a hook: a session that registered one while its
     * trusted worker is away would decide for every session.
     */
    private boolean reserved(String id) {
        return id.equals(config.authFunctionId()) || id.equals(config.middlewareFunctionId())
                || id.equals(config.onFunctionRegistration()) || id.equals(config.onTriggerRegistration())
                || id.equals(config.onTriggerTypeRegistration());
    }

    /** Whether what {@code owner} registered is another identity's (null: the engine's own, which no one owns). */
    private static boolean ownedByAnother(Worker owner, Worker from) {
        return owner != null && !from.sameIdentity(owner);
    }

    /** The hook's answer when it allows (an object), or null when it refuses (an error, no answer, not an object). */
    private CompletionStage<JsonObject> hook(String functionId, StringBuilder input) {
        return invoker.invoke(new Call(UUID.randomUUID(), functionId, RawJson.trusted(input.toString()), null, null,
                        null, null, true), config.authTimeoutMillis())
                .thenApply(AccessGate::objectResult);
    }

    static JsonObject objectResult(Outcome outcome) {
        if (outcome.isError() || outcome.result() == null || !outcome.result().isObject()) {
            return null;
        }
        try {
            return (JsonObject) outcome.result().toJsonValue();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private <T> CompletionStage<T> refused(Worker from, Message message, String id, String why) {
        refuse(from, message, why);
        deny(from, message.type(), id, why);
        return done(null);
    }

    /** Tells the worker why {@code message} was not taken, in the frame its SDK looks at for it. */
    private void refuse(Worker from, Message message, String why) {
        if (message instanceof InvokeFunction call && call.invocationId() != null) {
            from.send(Codec.encode(new InvocationResult(call.invocationId(), call.functionId(), null,
                    ErrorCode.FORBIDDEN.body(why), call.traceparent(), call.baggage())));
        } else if (message instanceof RegisterTrigger trigger) {
            from.send(Codec.encode(new TriggerRegistrationResult(trigger.id(), trigger.triggerType(),
                    trigger.functionId(), ErrorCode.FORBIDDEN.body(why))));
        } else {
            from.send(Codec.encode(new Message.Error(ErrorCode.FORBIDDEN.body(message.type() + ": " + why))));
        }
    }

    private void deny(Worker from, String what, String id, String rule) {
        denied.increment();
        telemetry.denied(what);
        badInput.report(LOG, from.badInput(), BadInput.ACCESS_DENIED,
                () -> "Denied " + what + " '" + clip(id) + "' to session " + from.identity() + " (worker " + from
                        + "): " + rule);
    }

    /** An id as the log shows it: a hostile session's ids can be as long as a frame. */
    static String clip(String id) {
        return id == null || id.length() <= 200 ? id : id.substring(0, 200) + "… (" + id.length() + " chars)";
    }

    private static String string(JsonObject object, String name, String otherwise) {
        return object.get(name) instanceof JsonString value ? value.getString() : otherwise;
    }

    private static String text(RawJson json) {
        return json == null ? "null" : json.text();
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
