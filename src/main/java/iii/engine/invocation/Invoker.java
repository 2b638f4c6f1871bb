package iii.engine.invocation;

import iii.engine.badinput.BadInput;
import iii.engine.badinput.BadInputLog;
import iii.engine.config.EngineConfig;
import iii.engine.config.EngineExecutors;
import iii.engine.protocol.Codec;
import iii.engine.protocol.ErrorCode;
import iii.engine.protocol.Message.InvocationResult;
import iii.engine.protocol.Message.InvokeFunction;
import iii.engine.protocol.RawJson;
import iii.engine.registry.FunctionEntry;
import iii.engine.registry.FunctionRegistry;
import iii.engine.registry.FunctionStats;
import iii.engine.registry.InvocationException;
import iii.engine.registry.Worker;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Routes calls to whoever answers a function: a worker (one hop over its socket) or the engine itself. A call routed
 * to a worker stays pending until the worker answers, either side disconnects, or it expires; whoever removes it from
 * the pending map completes it, so it completes exactly once and no lock is needed. Nothing here blocks. Every call
 * routed to a registered function is counted in its {@link FunctionStats} (lock-free, nothing allocated for it).
 */
@ApplicationScoped
public class Invoker {

    private static final Logger LOG = Logger.getLogger(Invoker.class.getName());

    private FunctionRegistry functions;
    private EngineConfig config;
    private EngineExecutors executors;
    private InvocationObserver observer;
    private BadInputLog badInput;
    private final ConcurrentHashMap<UUID, Pending> pending = new ConcurrentHashMap<>();

    protected Invoker() {
    }

    @Inject
    public Invoker(FunctionRegistry functions, EngineConfig config, EngineExecutors executors,
                   InvocationObserver observer, BadInputLog badInput) {
        this.functions = functions;
        this.config = config;
        this.executors = executors;
        this.observer = observer;
        this.badInput = badInput;
    }

    /** A call routed to a worker and not yet answered. */
    private record Pending(UUID id, String functionId, Worker owner, Worker caller, long started, long deadline,
                           long timeoutMillis, String traceparent, String baggage, FunctionStats stats,
                           CompletableFuture<Outcome> future) {
    }

    @PostConstruct
    void scheduleExpiry() {
        executors.scheduler().scheduleWithFixedDelay(this::expireOverdue, 1, 1, TimeUnit.SECONDS);
    }

    /** Calls {@code functionId} for the engine without waiting for it; a failure is logged as {@code what}'s. */
    public void fire(String functionId, RawJson data, String what) {
        invoke(Call.fromEngine(functionId, data)).thenAccept(outcome -> {
            if (outcome.isError()) {
                LOG.fine(() -> what + " to " + functionId + " failed: " + outcome.error());
            }
        });
    }

    /** Routes a call; the future completes with the answer or an error, never exceptionally. */
    public CompletableFuture<Outcome> invoke(Call call) {
        return invoke(call, config.invocationTimeoutMillis());
    }

    /** As {@link #invoke(Call)}, with an answer due within {@code timeoutMillis} instead of the engine's expiry. */
    public CompletableFuture<Outcome> invoke(Call call, long timeoutMillis) {
        if (!observer.watching()) {
            return route(call, timeoutMillis);
        }
        InvocationObserver.Hop hop;
        try {
            hop = observer.start(call);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Call of " + call.functionId() + " not watched", e);
            return route(call, timeoutMillis);
        }
        return route(hop.call(), timeoutMillis).thenApply(hop::end);
    }

    private CompletableFuture<Outcome> route(Call call, long timeoutMillis) {
        var function = functions.get(call.functionId());
        if (function == null) {
            return CompletableFuture.completedFuture(
                    Outcome.failed(ErrorCode.FUNCTION_NOT_FOUND, "Function " + call.functionId() + " not found"));
        }
        if (function.builtin() != null) {
            return CompletableFuture.supplyAsync(() -> runBuiltin(function, call), executors.executor());
        }
        if (function.remote() != null) {
            // an external HTTP function: completes in-process, nothing pending on a worker
            var stats = function.stats();
            var started = System.nanoTime();
            stats.started();
            return function.remote().call(call.functionId(), call.data()).thenApply(reply -> {
                stats.ended(System.nanoTime() - started, reply.error() != null);
                return new Outcome(reply.result(), reply.error(), null, null);
            });
        }
        return route(function, call, timeoutMillis);
    }

    private CompletableFuture<Outcome> route(FunctionEntry function, Call call, long timeoutMillis) {
        var owner = function.owner();
        var caller = call.awaited() ? call.from() : null;
        var started = System.nanoTime();
        var routed = new Pending(call.invocationId(), call.functionId(), owner, caller, started,
                started + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), timeoutMillis, call.traceparent(),
                call.baggage(), function.stats(), new CompletableFuture<>());
        if (pending.putIfAbsent(routed.id(), routed) != null) {
            return CompletableFuture.completedFuture(Outcome.failed(ErrorCode.INVALID_MESSAGE,
                    "invocation_id " + routed.id() + " is already in use"));
        }
        routed.stats().started();
        owner.invocations().add(routed.id());
        if (caller != null) {
            caller.invocations().add(routed.id());
        }
        // Either the cleanup of a departing side sees the id in its set, or we see it retired here.
        if (owner.isRetired() || (caller != null && caller.isRetired())) {
            finish(routed, stopped());
            return routed.future();
        }
        // a session's worker knows its functions by the ids it registered (before a prefix or a hook's rename)
        owner.sendCall(Codec.encode(new InvokeFunction(routed.id(), owner.localId(call.functionId()), call.data(),
                call.traceparent(), call.baggage(), null, call.metadata())), timeoutMillis);
        return routed.future();
    }

    private Outcome runBuiltin(FunctionEntry function, Call call) {
        var started = System.nanoTime();
        function.stats().started();
        var outcome = answerBuiltin(function, call);
        function.stats().ended(System.nanoTime() - started, outcome.isError());
        return outcome;
    }

    private Outcome answerBuiltin(FunctionEntry function, Call call) {
        try {
            return Outcome.ok(function.builtin().call(call.from(), call.data()));
        } catch (InvocationException e) {
            return Outcome.failed(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            var from = call.from();
            badInput.report(LOG, from == null ? null : from.badInput(), BadInput.BUILTIN_FAILED,
                    () -> "Built-in function " + function.id() + " failed on the data of "
                            + (from == null ? "an engine call" : "worker " + from), e);
            return Outcome.failed(ErrorCode.INVOCATION_FAILED, String.valueOf(e.getMessage()));
        }
    }

    /**
     * A worker's answer. Ignored (false) unless {@code from} is the worker the call was routed to and the call is
     * still pending.
     */
    public boolean answer(Worker from, InvocationResult result) {
        var call = pending.get(result.invocationId());
        if (call == null || call.owner() != from) {
            return false;
        }
        var traceparent = result.traceparent() != null ? result.traceparent() : call.traceparent();
        var baggage = result.baggage() != null ? result.baggage() : call.baggage();
        var outcome = result.error() != null
                ? new Outcome(null, result.error(), traceparent, baggage)
                : new Outcome(result.result(), null, traceparent, baggage);
        return finish(call, outcome);
    }

    /** Stops every call a departing worker waits for or has yet to answer: {@code invocation_stopped}. */
    public void haltAll(Worker worker) {
        for (var id : worker.invocations()) {
            var call = pending.get(id);
            if (call != null) {
                finish(call, stopped());
            }
        }
    }

    /** Completes calls older than the configured limit with {@code timeout}. */
    public void expireOverdue() {
        var now = System.nanoTime();
        for (var call : pending.values()) {
            if (now - call.deadline() > 0) {
                finish(call, Outcome.failed(ErrorCode.TIMEOUT, "Invocation of " + call.functionId()
                        + " timed out after " + call.timeoutMillis() + " ms"));
            }
        }
    }

    /** Number of calls waiting for a worker's answer. */
    public int pendingCount() {
        return pending.size();
    }

    private boolean finish(Pending call, Outcome outcome) {
        if (!pending.remove(call.id(), call)) {
            return false;
        }
        call.owner().invocations().remove(call.id());
        if (call.caller() != null) {
            call.caller().invocations().remove(call.id());
        }
        call.stats().ended(System.nanoTime() - call.started(), outcome.isError());
        call.future().complete(outcome);
        return true;
    }

    private static Outcome stopped() {
        return Outcome.failed(ErrorCode.INVOCATION_STOPPED, "Invocation stopped");
    }
}
