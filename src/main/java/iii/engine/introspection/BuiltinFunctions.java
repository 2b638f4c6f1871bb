package iii.engine.introspection;

import iii.engine.protocol.ErrorCode;
import iii.engine.protocol.RawJson;
import iii.engine.registry.BuiltinFunction;
import iii.engine.registry.FunctionEntry;
import iii.engine.registry.Node;
import iii.engine.registry.FunctionRegistry;
import iii.engine.registry.InvocationException;
import iii.engine.registry.ServiceRegistry;
import iii.engine.registry.Trigger;
import iii.engine.registry.TriggerRegistry;
import iii.engine.registry.TriggerType;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerMetadata;
import iii.engine.registry.WorkerMetadataUpdated;
import iii.engine.registry.WorkerRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonValue;

import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.logging.Logger;

import static iii.engine.introspection.Rows.JSON;

/**
 * The engine's own functions: the introspection of the live topology ({@code engine::…} and DISCOVERY.md's
 * {@code _internal.…}) and {@code engine::workers::register}, through which a worker describes itself. Inputs are
 * read leniently (unknown keys, such as the injected {@code _caller_worker_id}, are ignored); a member of the wrong
 * type is a {@code deserialization_error}.
 */
@ApplicationScoped
public class BuiltinFunctions {

    private static final Logger LOG = Logger.getLogger(BuiltinFunctions.class.getName());
    private static final int MAX_TEXT = 280;

    private FunctionRegistry functions;
    private WorkerRegistry workers;
    private TriggerRegistry triggers;
    private ServiceRegistry services;
    private Event<WorkerMetadataUpdated> metadataUpdated;

    protected BuiltinFunctions() {
    }

    @Inject
    public BuiltinFunctions(FunctionRegistry functions, WorkerRegistry workers, TriggerRegistry triggers,
                            ServiceRegistry services, Event<WorkerMetadataUpdated> metadataUpdated) {
        this.functions = functions;
        this.workers = workers;
        this.triggers = triggers;
        this.services = services;
        this.metadataUpdated = metadataUpdated;
    }

    /** Puts every built-in function into the registry. */
    public void install() {
        add("engine::workers::register", "Describe the calling worker", this::registerWorker);
        add("engine::functions::list", "List registered functions", this::listFunctions);
        add("engine::functions::stats", "Calls, errors, calls in flight and processing times per function",
                this::functionStats);
        add("engine::workers::list", "List connected workers", this::listWorkers);
        add("engine::workers::info", "Describe one worker and what it registered", this::workerInfo);
        add("engine::triggers::list", "List trigger instances (SDK < 0.13) or trigger types", this::listTriggers);
        add("engine::trigger-types::list", "List trigger types", this::listTriggerTypes);
        add("engine::registered-triggers::list", "List trigger instances", this::listRegisteredTriggers);
        add("engine::services::list", "List services", this::listServices);
        add("_internal.list_functions", "List registered functions", this::internalListFunctions);
        add("_internal.list_workers", "List connected workers", this::listWorkers);
        add("_internal.get_worker", "Describe one worker by id", this::internalGetWorker);
    }

    private void add(String id, String description, BuiltinFunction function) {
        functions.register(FunctionEntry.builtin(id, description, function));
    }

    private RawJson registerWorker(Worker caller, RawJson data) throws InvocationException {
        if (caller == null) {
            throw new InvocationException(ErrorCode.INVALID_ARGUMENTS, "engine::workers::register is for workers");
        }
        var input = Input.of("engine::workers::register", data);
        var old = caller.metadata();
        var runtime = input.string("runtime");
        var pid = input.integer("pid");
        var telemetry = input.json("telemetry");
        caller.metadata(new WorkerMetadata(
                input.has("name") ? sanitize(input.string("name")) : old.name(),
                input.has("description") ? sanitize(input.string("description")) : old.description(),
                runtime != null ? runtime : "unknown",
                input.string("version"),
                input.has("os") ? input.string("os") : old.os(),
                pid != null ? pid : old.pid(),
                input.has("isolation") ? input.string("isolation") : old.isolation(),
                telemetry == null ? null : RawJson.of(telemetry)));
        LOG.info(() -> "Worker " + caller.id() + " is " + caller.metadata().name() + " (" + caller.metadata().runtime()
                + " " + caller.metadata().version() + ")");
        metadataUpdated.fire(new WorkerMetadataUpdated(caller));
        return RawJson.trusted("{\"success\":true}");
    }

    private RawJson listFunctions(Worker caller, RawJson data) throws InvocationException {
        var input = Input.of("engine::functions::list", data);
        var includeInternal = input.bool("include_internal");
        var search = lower(input.string("search"));
        var prefix = input.string("prefix");
        var worker = input.string("worker");
        Predicate<FunctionEntry> keep = function -> visible(caller, function)
                && (includeInternal || !isInternal(function))
                && (prefix == null || function.id().startsWith(prefix))
                && (worker == null || worker.equals(Rows.workerName(function)))
                && (search == null || containsIgnoringCase(function.id(), search)
                || (function.description() != null && containsIgnoringCase(function.description(), search)));
        return functionList(keep);
    }

    private RawJson functionStats(Worker caller, RawJson data) throws InvocationException {
        var input = Input.of("engine::functions::stats", data);
        var includeInternal = input.bool("include_internal");
        var functionId = input.string("function_id");
        var rows = JSON.createArrayBuilder();
        functions.all().stream()
                .filter(function -> visible(caller, function) && (includeInternal || !isInternal(function))
                        && (functionId == null || functionId.equals(function.id())))
                .sorted(Comparator.comparing(FunctionEntry::id))
                .forEach(function -> rows.add(Rows.stats(function)));
        return object("functions", rows);
    }

    private RawJson internalListFunctions(Worker caller, RawJson data) throws InvocationException {
        var includeInternal = Input.of("_internal.list_functions", data).bool("include_internal");
        return functionList(function -> visible(caller, function) && (includeInternal || !isInternal(function)));
    }

    /** The function ids of listing rows {@code caller} may see. */
    private Predicate<String> shownTo(Worker caller) {
        if (caller == null || caller.session() == null) {
            return id -> true;
        }
        return id -> {
            var function = functions.get(id);
            return function != null && visible(caller, function);
        };
    }

    /** A session of the RBAC-gated listener sees only the functions it may call. */
    private static boolean visible(Worker caller, FunctionEntry function) {
        return caller == null || caller.session() == null
                || caller.session().grant().mayCall(function.id(), function.metadata());
    }

    private RawJson functionList(Predicate<FunctionEntry> keep) {
        var rows = Rows.functions(functions.all().stream().filter(keep).sorted(Comparator.comparing(FunctionEntry::id))
                .toList());
        return RawJson.trusted("{\"functions\":" + rows.text() + "}");
    }

    private RawJson listWorkers(Worker caller, RawJson data) throws InvocationException {
        var input = Input.of("engine::workers::list", data);
        var workerId = input.string("worker_id");
        var search = lower(input.string("search"));
        var runtime = input.string("runtime");
        var status = input.string("status");
        var rows = JSON.createArrayBuilder();
        workers.all().stream()
                .filter(worker -> workerId != null ? worker.id().toString().equals(workerId)
                        : !worker.isTelemetryOnly())
                .filter(worker -> runtime == null || runtime.equals(worker.metadata().runtime()))
                .filter(worker -> status == null || status.equals("connected"))
                .filter(worker -> search == null || lower(worker.displayName()).contains(search)
                        || worker.id().toString().contains(search))
                .sorted(Rows.BY_NAME)
                .forEach(worker -> rows.add(Rows.worker(worker, shownTo(caller))));
        return RawJson.of(JSON.createObjectBuilder()
                .add("workers", rows)
                .add("timestamp", System.currentTimeMillis())
                .build());
    }

    private RawJson workerInfo(Worker caller, RawJson data) throws InvocationException {
        var input = Input.of("engine::workers::info", data);
        var name = input.string("name");
        var workerId = input.string("worker_id");
        if (name == null && workerId == null) {
            throw new InvocationException(ErrorCode.INVALID_ARGUMENTS, "'name' or 'worker_id' is required");
        }
        var worker = workers.all().stream()
                .filter(candidate -> workerId != null ? candidate.id().toString().equals(workerId)
                        : name.equals(candidate.metadata().name()))
                .min(Comparator.comparing(Worker::connectedAt))
                .orElseThrow(() -> notConnected(workerId != null ? workerId : name));
        var functionRows = Rows.functions(functions.all().stream()
                .filter(function -> function.owner() == worker && visible(caller, function))
                .sorted(Comparator.comparing(FunctionEntry::id)).toList());
        var typeRows = JSON.createArrayBuilder();
        triggers.types().stream().filter(type -> type.provider() == worker)
                .sorted(Comparator.comparing(TriggerType::id)).forEach(type -> typeRows.add(Rows.triggerType(type)));
        var triggerRows = JSON.createArrayBuilder();
        triggers.live().stream().filter(trigger -> trigger.owner() == worker)
                .sorted(Comparator.comparing(Trigger::id)).forEach(trigger -> triggerRows.add(Rows.trigger(trigger)));
        return RawJson.of(JSON.createObjectBuilder()
                .add("worker", Rows.worker(worker, shownTo(caller)))
                .add("functions", functionRows.toJsonValue())
                .add("trigger_types", typeRows)
                .add("registered_triggers", triggerRows)
                .build());
    }

    private RawJson internalGetWorker(Worker caller, RawJson data) throws InvocationException {
        var workerId = Input.of("_internal.get_worker", data).string("worker_id");
        if (workerId == null) {
            throw new InvocationException(ErrorCode.INVALID_ARGUMENTS, "'worker_id' is required");
        }
        UUID id;
        try {
            id = UUID.fromString(workerId);
        } catch (IllegalArgumentException e) {
            throw notConnected(workerId);
        }
        var worker = workers.get(id);
        if (worker == null) {
            throw notConnected(workerId);
        }
        return RawJson.of(Rows.worker(worker, shownTo(caller)));
    }

    /** Trigger instances to callers on SDKs older than 0.13 (as iii 0.11 answered), trigger types to the others. */
    private RawJson listTriggers(Worker caller, RawJson data) throws InvocationException {
        var input = Input.of("engine::triggers::list", data);
        var includeInternal = input.bool("include_internal");
        if (caller != null && olderThan013(caller.metadata().version())) {
            var rows = JSON.createArrayBuilder();
            triggers.live().stream()
                    .filter(trigger -> includeInternal || !trigger.functionId().startsWith("engine::"))
                    .sorted(Comparator.comparing(Trigger::id)).forEach(trigger -> rows.add(Rows.trigger(trigger)));
            return object("triggers", rows);
        }
        return object("triggers", typeRows(includeInternal, lower(input.string("search"))));
    }

    private RawJson listTriggerTypes(Worker caller, RawJson data) throws InvocationException {
        var input = Input.of("engine::trigger-types::list", data);
        return object("trigger_types", typeRows(input.bool("include_internal"), lower(input.string("search"))));
    }

    private JsonArrayBuilder typeRows(boolean includeInternal, String search) {
        var rows = JSON.createArrayBuilder();
        triggers.types().stream()
                .filter(type -> includeInternal || !type.id().startsWith("engine::"))
                .filter(type -> search == null || lower(type.id()).contains(search))
                .sorted(Comparator.comparing(TriggerType::id)).forEach(type -> rows.add(Rows.triggerType(type)));
        return rows;
    }

    private RawJson listRegisteredTriggers(Worker caller, RawJson data) throws InvocationException {
        var input = Input.of("engine::registered-triggers::list", data);
        var includeInternal = input.bool("include_internal");
        var type = input.string("trigger_type");
        var functionId = input.string("function_id");
        var worker = input.string("worker");
        var search = lower(input.string("search"));
        var parked = input.bool("include_parked") ? triggers.parked().stream() : Stream.<Trigger>empty();
        var rows = JSON.createArrayBuilder();
        Stream.concat(triggers.live().stream(), parked)
                .filter(trigger -> includeInternal || !trigger.functionId().startsWith("engine::"))
                .filter(trigger -> type == null || type.equals(trigger.type()))
                .filter(trigger -> functionId == null || functionId.equals(trigger.functionId()))
                .filter(trigger -> worker == null
                        || (trigger.owner() != null && worker.equals(trigger.owner().metadata().name())))
                .filter(trigger -> search == null || lower(trigger.id() + " " + trigger.type() + " "
                        + trigger.functionId()).contains(search))
                .sorted(Comparator.comparing(Trigger::id))
                .forEach(trigger -> {
                    var row = Rows.trigger(trigger);
                    rows.add(JSON.createObjectBuilder(row).add("config_summary", summary(trigger.config()))
                            .add("parked", !triggers.isLive(trigger)));
                });
        return object("registered_triggers", rows);
    }

    private RawJson listServices(Worker caller, RawJson data) {
        var rows = JSON.createArrayBuilder();
        services.all().stream().sorted(Comparator.comparing(service -> service.id())).forEach(service -> {
            var members = JSON.createArrayBuilder();
            functions.all().stream().map(FunctionEntry::id)
                    .filter(id -> id.startsWith(service.id() + "::") || id.startsWith(service.id() + "."))
                    .sorted().forEach(members::add);
            rows.add(JSON.createObjectBuilder()
                    .add("id", service.id())
                    .add("name", service.name())
                    .add("description", Rows.string(service.description()))
                    .add("parent_service_id", Rows.string(service.parentServiceId()))
                    .add("functions", members)
                    .add("node", service.owner() == null ? Node.local() : service.owner().node()));
        });
        return object("services", rows);
    }

    /** Hidden from listings unless asked for: the engine's own functions and those marked internal. */
    private static boolean isInternal(FunctionEntry function) {
        if (function.builtin() != null) {
            return true;
        }
        if (function.metadata() == null || !function.metadata().isObject()) {
            return false;
        }
        return function.metadata().toJsonValue().asJsonObject().get("internal") == JsonValue.TRUE;
    }

    /** SDK versions before 0.13 expect trigger instances from {@code engine::triggers::list}. */
    static boolean olderThan013(String version) {
        if (version == null) {
            return false;
        }
        var parts = version.split("[.\\-+]");
        try {
            var major = Integer.parseInt(parts[0]);
            var minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major == 0 && minor < 13;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Drops control and bidirectional-override characters and keeps at most 280 characters. */
    static String sanitize(String text) {
        if (text == null) {
            return null;
        }
        var clean = new StringBuilder(Math.min(text.length(), MAX_TEXT));
        text.codePoints()
                .filter(c -> !Character.isISOControl(c) && !(c >= 0x202A && c <= 0x202E) && !(c >= 0x2066 && c <= 0x2069))
                .limit(MAX_TEXT)
                .forEach(clean::appendCodePoint);
        return clean.toString();
    }

    private static String summary(RawJson config) {
        var text = config == null ? "null" : config.toJsonValue().toString();
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }

    private static RawJson object(String name, JsonArrayBuilder rows) {
        return RawJson.of(JSON.createObjectBuilder().add(name, rows).build());
    }

    private static InvocationException notConnected(String worker) {
        return new InvocationException(ErrorCode.NOT_FOUND, "Worker '" + worker + "' is not connected.");
    }

    /** Whether {@code text} contains {@code search} (in lower case) in any case, without a lower-case copy of it. */
    private static boolean containsIgnoringCase(String text, String search) {
        for (int at = 0, last = text.length() - search.length(); at <= last; at++) {
            if (text.regionMatches(true, at, search, 0, search.length())) {
                return true;
            }
        }
        return false;
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }
}
