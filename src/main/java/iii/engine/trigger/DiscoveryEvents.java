package iii.engine.trigger;

import iii.engine.config.EngineConfig;
import iii.engine.config.EngineExecutors;
import iii.engine.introspection.Rows;
import iii.engine.invocation.Invoker;
import iii.engine.protocol.RawJson;
import iii.engine.registry.BuiltinTriggerType;
import iii.engine.registry.FunctionEntry;
import iii.engine.registry.FunctionRegistry;
import iii.engine.registry.Trigger;
import iii.engine.registry.TriggerRegistry;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerConnected;
import iii.engine.registry.WorkerMetadataUpdated;
import iii.engine.registry.WorkerRetired;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The discovery events, pushed to every function bound to their trigger types: {@code engine::functions-available}
 * when the set of functions changes (a burst of changes is gathered for a short delay and sent once), and
 * {@code engine::workers-available} / {@code workers.available} when a worker connects, describes itself or leaves.
 */
@ApplicationScoped
public class DiscoveryEvents {

    public static final String FUNCTIONS_AVAILABLE = "engine::functions-available";
    public static final String WORKERS_AVAILABLE = "engine::workers-available";
    public static final String WORKERS_AVAILABLE_DISCOVERY = "workers.available";

    private static final JsonProvider JSON = JsonProvider.provider();

    /** Discovery types accept any config: every instance simply receives every event. */
    private static final BuiltinTriggerType ANY_CONFIG = new BuiltinTriggerType() {
        @Override
        public void register(Trigger trigger) {
        }

        @Override
        public void unregister(Trigger trigger) {
        }
    };

    private FunctionRegistry functions;
    private TriggerRegistry triggerRegistry;
    private Triggers triggers;
    private Invoker invoker;
    private EngineExecutors executors;
    private EngineConfig config;
    private final AtomicBoolean functionsEventScheduled = new AtomicBoolean();
    private volatile String lastFunctionIds = "";

    protected DiscoveryEvents() {
    }

    @Inject
    public DiscoveryEvents(FunctionRegistry functions, TriggerRegistry triggerRegistry, Triggers triggers,
                           Invoker invoker, EngineExecutors executors, EngineConfig config) {
        this.functions = functions;
        this.triggerRegistry = triggerRegistry;
        this.triggers = triggers;
        this.invoker = invoker;
        this.executors = executors;
        this.config = config;
    }

    /** Registers the built-in trigger types and starts watching the function registry. */
    public void install() {
        triggers.addBuiltinType(FUNCTIONS_AVAILABLE, "Fires when the set of registered functions changes",
                ANY_CONFIG);
        triggers.addBuiltinType(WORKERS_AVAILABLE, "Fires when a worker connects, describes itself or leaves",
                ANY_CONFIG);
        triggers.addBuiltinType(WORKERS_AVAILABLE_DISCOVERY, "Fires when a worker connects, describes itself or leaves",
                ANY_CONFIG);
        functions.onChange(this::functionsChanged);
    }

    public void workerConnected(@Observes WorkerConnected event) {
        fireWorkerEvent("worker_connected", event.worker());
    }

    public void workerMetadataUpdated(@Observes WorkerMetadataUpdated event) {
        fireWorkerEvent("worker_metadata_updated", event.worker());
    }

    public void workerRetired(@Observes WorkerRetired event) {
        fireWorkerEvent("worker_disconnected", event.worker());
    }

    private void functionsChanged() {
        if (functionsEventScheduled.compareAndSet(false, true)) {
            executors.scheduler().schedule(this::fireFunctionsAvailable, config.functionsAvailableDelayMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Sends the whole function list if the set of ids differs from the one sent last (to a subscriber of the
     * RBAC-gated listener, the part it may call). With no subscriber
     * nothing is built; the first subscriber's own registration is a change, so it gets the list then.
     */
    void fireFunctionsAvailable() {
        functionsEventScheduled.set(false);
        if (subscribers(FUNCTIONS_AVAILABLE).isEmpty()) {
            lastFunctionIds = "";
            return;
        }
        var all = functions.all().stream().sorted(Comparator.comparing(FunctionEntry::id)).toList();
        var ids = String.join("\n", all.stream().map(FunctionEntry::id).toList());
        if (ids.equals(lastFunctionIds)) {
            return;
        }
        lastFunctionIds = ids;
        RawJson everything = null;
        for (var trigger : subscribers(FUNCTIONS_AVAILABLE)) {
            // a subscriber of the RBAC-gated listener learns of the functions it may call, and no others
            var session = trigger.owner() == null ? null : trigger.owner().session();
            RawJson payload;
            if (session == null) {
                if (everything == null) {
                    everything = functionsEvent(all);
                }
                payload = everything;
            } else {
                payload = functionsEvent(all.stream()
                        .filter(function -> session.grant().mayCall(function.id(), function.metadata())).toList());
            }
            invoker.fire(trigger.functionId(), payload, FUNCTIONS_AVAILABLE + " event");
        }
    }

    private static RawJson functionsEvent(List<FunctionEntry> functions) {
        return RawJson.trusted("{\"event\":\"functions_changed\",\"functions\":" + Rows.functions(functions).text()
                + "}");
    }

    private void fireWorkerEvent(String event, Worker worker) {
        var payload = RawJson.of(JSON.createObjectBuilder()
                .add("event", event)
                .add("worker_id", worker.id().toString())
                .build());
        fire(WORKERS_AVAILABLE, payload);
        fire(WORKERS_AVAILABLE_DISCOVERY, payload);
    }

    /**
     * The live triggers of {@code type} of this engine's workers. Another engine's subscriber is listed here (a
     * {@linkplain Worker#isMirror mirror}'s trigger) but hears of each change from its own engine, which sees it too.
     */
    private List<Trigger> subscribers(String type) {
        return triggerRegistry.live().stream().filter(trigger -> trigger.type().equals(type)
                && (trigger.owner() == null || !trigger.owner().isMirror())).toList();
    }

    private void fire(String type, RawJson payload) {
        for (var trigger : subscribers(type)) {
            invoker.fire(trigger.functionId(), payload, type + " event");
        }
    }
}
