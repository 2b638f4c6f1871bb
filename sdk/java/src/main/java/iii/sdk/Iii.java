package iii.sdk;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Type;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A worker of the iii engine: it registers functions, trigger types, triggers and services, calls functions of any
 * worker, and keeps its registrations while the connection comes and goes.
 *
 * <pre>{@code
 * Iii iii = Iii.connect(URI.create("ws://127.0.0.1:49134/"));
 * iii.registerFunction("java::double", In.class, in -> new Out(in.n() * 2));
 * Out out = iii.call("java::double", new In(21), Out.class).toCompletableFuture().get();
 * iii.close();
 * }</pre>
 *
 * <p>The connection behaves like {@code iii-sdk} 0.22.1's: on every (re)connect it sends {@code reattach} with the
 * previous connection's id and token, then every registration, then the calls made while it was down, then its
 * description through {@code engine::workers::register}; a lost connection is retried with exponential backoff and
 * jitter; a WebSocket ping goes out every 20 s and a connection silent for 60 s is given up. Payloads and results
 * are bound by JSON-B (JSON-P values pass as they are); handlers run on the worker's executor (see
 * {@link IiiOptions.Builder#executor}), and calls complete on the WebSocket client's thread (a continuation that
 * blocks belongs on an executor of its own, {@code thenApplyAsync(…, executor)}); a handler that returns a
 * {@link CompletionStage} is answered when it completes, one that throws answers with an error (the
 * {@link IiiException#code()} of an {@link IiiException}, else {@code invocation_failed}) whose message the caller
 * sees.
 */
public final class Iii implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Iii.class.getName());
    private static final String VERSION = Objects.requireNonNullElse(Iii.class.getPackage().getImplementationVersion(),
            "0.1.0-SNAPSHOT");
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Threads of the worker's own pool at most: handlers beyond this many at once wait for one. */
    private static final int MAX_THREADS = 256;

    private final URI url;
    private final IiiOptions options;
    private final HttpClient http;
    private final Executor executor;
    private final HandlerPool ownExecutor;
    private final ScheduledThreadPoolExecutor timers;
    private final ConcurrentHashMap<String, LocalFunction> functions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LocalTriggerType> triggerTypes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> triggers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> services = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Queued> whileDown = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Link> link = new AtomicReference<>();
    private final AtomicLong epochs = new AtomicLong();
    private final InvocationIds invocationIds = new InvocationIds();
    private final AtomicInteger reconnectAttempt = new AtomicInteger();
    /** The engine's id and reattach token of the current (or last) connection, set together; null before. */
    private volatile Identity identity;
    private volatile boolean closed;
    /**
     * While set, calls made with no connection fail at once with what it gives for their function: the engine refused
     * this worker's handshake (401/403), or reconnecting was given up. Null while calls wait for the connection.
     */
    private volatile Function<String, IiiException> refused;
    /** The WebSocket client's thread, where frames come in: {@link #close()} there cannot wait for the handshake. */
    private volatile Thread reader;

    private record LocalFunction(String frame, Type in, Function<Object, ?> handler) {
    }

    private record LocalTriggerType(String frame, TriggerHandler handler) {
    }

    private record Queued(String invocationId, String frame) {
    }

    private static final class Pending {
        final String functionId;
        /** The result's JSON text (null when the answer had none). */
        final CompletableFuture<String> result = new CompletableFuture<>();
        volatile long epoch = -1;
        volatile ScheduledFuture<?> timer;

        Pending(String functionId) {
            this.functionId = functionId;
        }
    }

    private Iii(URI url, IiiOptions options) {
        this.url = Objects.requireNonNull(url, "url");
        if (!"ws".equalsIgnoreCase(url.getScheme()) && !"wss".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("the engine's URL must be ws:// or wss://, not " + url);
        }
        this.options = Objects.requireNonNull(options, "options");
        timers = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "iii-sdk-timer-" + THREADS.incrementAndGet()));
        timers.setRemoveOnCancelPolicy(true);
        if (options.executor != null) {
            executor = options.executor;
            ownExecutor = null;
        } else {
            ownExecutor = new HandlerPool(Math.max(2, Runtime.getRuntime().availableProcessors()), MAX_THREADS,
                    Duration.ofSeconds(5), r -> daemon(r, "iii-sdk-" + THREADS.incrementAndGet()), timers);
            executor = ownExecutor;
        }
        // The client reads on its selector thread and by default hands every message on to a pool thread: a thread
        // switch more per frame (a small call took a fifth longer with it). Nothing of the SDK's blocks on that
        // thread (handlers go to the executor above), so it runs there.
        http = HttpClient.newBuilder().connectTimeout(options.connectTimeout).executor(Runnable::run).build();
        long beat = options.pingInterval.toMillis();
        timers.scheduleAtFixedRate(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Connects to the engine at {@code url} (e.g. {@code ws://127.0.0.1:49134/}) with the default options. */
    public static Iii connect(URI url) {
        return connect(url, IiiOptions.defaults());
    }

    /**
     * Connects to the engine at {@code url}. Returns at once: the connection is made in the background and retried
     * until it is up; what is registered meanwhile is sent when it is, and calls wait for it (within their timeout).
     */
    public static Iii connect(URI url, IiiOptions options) {
        Iii iii = new Iii(url, options);
        iii.open();
        return iii;
    }

    /** The id the engine gave this worker's current (or last) connection; null before the first. */
    public String workerId() {
        Identity current = identity;
        return current == null ? null : current.workerId();
    }

    private record Identity(String workerId, String reattachToken) {
    }

    /** Whether a connection to the engine is up now. */
    public boolean isConnected() {
        Link l = link.get();
        return l != null && !l.isOver();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Registrations

    /** Registers a function whose payload is handed over as JSON-P ({@link JsonValue#NULL} for none). */
    public Registration registerFunction(String id, Function<JsonValue, ?> handler) {
        return registerFunction(id, JsonValue.class, handler, FunctionOptions.none());
    }

    /**
     * Registers a function: its payload is bound by JSON-B to {@code in}, and what {@code handler} returns (or the
     * value its {@link CompletionStage} completes with) is the result. The request format is the JSON Schema of
     * {@code in}.
     */
    public <I> Registration registerFunction(String id, Class<I> in, Function<? super I, ?> handler) {
        return registerFunction(id, in, handler, FunctionOptions.none());
    }

    /** Registers a function with a description, formats or metadata. */
    @SuppressWarnings("unchecked")
    public <I> Registration registerFunction(String id, Class<I> in, Function<? super I, ?> handler,
            FunctionOptions function) {
        return register(id, in, (Function<Object, ?>) handler, function);
    }

    /** Registers a function whose payload is bound to a generic type (e.g. a CDI bean method's parameter). */
    Registration register(String id, Type in, Function<Object, ?> handler, FunctionOptions function) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a function needs an id");
        }
        Objects.requireNonNull(handler, "handler");
        checkOpen();
        JsonObject request = function.requestFormat() != null ? function.requestFormat() : JsonSchemas.of(in);
        JsonObject response = function.responseFormat() != null ? function.responseFormat()
                : function.responseType() != null ? JsonSchemas.of(function.responseType()) : null;
        String frame = Frame.of("registerfunction").str("id", id).str("description", function.description())
                .raw("request_format", text(request)).raw("response_format", text(response))
                .raw("metadata", text(function.metadata())).toString();
        LocalFunction fn = new LocalFunction(frame, in, handler);
        if (functions.putIfAbsent(id, fn) != null) {
            throw new IllegalStateException("function " + id + " is already registered by this worker");
        }
        sendIfUp(frame);
        return once(() -> {
            if (functions.remove(id, fn)) {
                sendIfUp(Frame.of("unregisterfunction").str("id", id).toString());
            }
        });
    }

    /** Registers a trigger type this worker provides: {@code handler} is told of every trigger of the type. */
    public Registration registerTriggerType(String id, String description, TriggerHandler handler) {
        Objects.requireNonNull(handler, "handler");
        checkOpen();
        String frame = Frame.of("registertriggertype").str("id", id).str("description",
                Objects.requireNonNullElse(description, "")).toString();
        LocalTriggerType type = new LocalTriggerType(frame, handler);
        if (triggerTypes.putIfAbsent(id, type) != null) {
            throw new IllegalStateException("trigger type " + id + " is already registered by this worker");
        }
        sendIfUp(frame);
        return once(() -> {
            if (triggerTypes.remove(id, type)) {
                sendIfUp(Frame.of("unregistertriggertype").str("id", id).toString());
            }
        });
    }

    /**
     * Registers a trigger: when it fires, the engine calls {@code functionId} (of any worker). {@code config} is the
     * trigger type's configuration, bound by JSON-B (e.g. {@code Map.of("api_path", "orders", "http_method",
     * "POST")} for {@code http}).
     */
    public Registration registerTrigger(String triggerType, String functionId, Object config) {
        checkOpen();
        String id = UUID.randomUUID().toString();
        String frame = Frame.of("registertrigger").str("id", id).str("trigger_type", triggerType)
                .str("function_id", functionId).raw("config", JsonMapper.write(config == null ? Map.of() : config))
                .toString();
        triggers.put(id, frame);
        sendIfUp(frame);
        return once(() -> {
            if (triggers.remove(id) != null) {
                sendIfUp(Frame.of("unregistertrigger").str("id", id).str("trigger_type", triggerType).toString());
            }
        });
    }

    /**
     * Registers a service (a named group of functions in the engine's listings). Its {@code unregister()} only stops
     * it being registered again on a reconnect: the protocol has no message to remove a service, so the engine lists
     * it until this connection ends.
     */
    public Registration registerService(String id, String name, String description) {
        checkOpen();
        String frame = Frame.of("registerservice").str("id", id).str("name", name == null ? id : name)
                .str("description", description).toString();
        services.put(id, frame);
        sendIfUp(frame);
        return once(() -> services.remove(id));
    }

    /**
     * Calls {@code listener} with the engine's whole function list whenever it changes (the
     * {@code engine::functions-available} trigger type).
     */
    public Registration onFunctionsAvailable(Consumer<List<FunctionInfo>> listener) {
        String id = "iii.sdk::functions-available::" + UUID.randomUUID();
        Registration fn = registerFunction(id, JsonValue.class, v -> {
            listener.accept(v.asJsonObject().getJsonArray("functions").stream().map(FunctionInfo::of).toList());
            return null;
        });
        Registration trigger = registerTrigger("engine::functions-available", id, Map.of());
        return once(() -> {
            trigger.unregister();
            fn.unregister();
        });
    }

    /** Registering on a closed worker would only seem to work: nothing is sent any more. */
    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the worker is closed");
        }
    }

    private static Registration once(Runnable undo) {
        var done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                undo.run();
            }
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Calls

    /** Calls a function and binds its result to {@code type}, within the default timeout. */
    public <O> CompletionStage<O> call(String functionId, Object payload, Class<O> type) {
        return call(functionId, payload, type, options.invocationTimeout);
    }

    /**
     * Calls a function and binds its result to {@code type} ({@link JsonValue} for the result as it came; null for
     * none). Fails with a {@link FunctionNotFoundException}, {@link IiiTimeoutException},
     * {@link InvocationStoppedException}, {@link ForbiddenException}, or an {@link IiiException} with the callee's
     * code.
     */
    public <O> CompletionStage<O> call(String functionId, Object payload, Class<O> type, Duration timeout) {
        return callRaw(functionId, payload, timeout).thenApply(json -> JsonMapper.read(json, type));
    }

    private CompletableFuture<String> callRaw(String functionId, Object payload, Duration timeout) {
        if (closed) {
            return CompletableFuture.failedFuture(new InvocationStoppedException("the worker is closed", functionId));
        }
        IiiException refusal = refusedNow(functionId);
        if (refusal != null) {
            return CompletableFuture.failedFuture(refusal);
        }
        String id = invocationIds.next();
        TraceContext.Carrier trace = TraceContext.INSTANCE.current();
        String frame;
        try {
            frame = Frame.of("invokefunction").str("invocation_id", id).str("function_id", functionId)
                    .json("data", payload).str("traceparent", trace.traceparent()).str("baggage", trace.baggage())
                    .toString();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Pending p = new Pending(functionId);
        try {
            p.timer = timers.schedule(() -> {
                if (pending.remove(id, p)) {
                    p.result.completeExceptionally(
                            new IiiTimeoutException("no answer within " + timeout.toMillis() + " ms", functionId));
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new InvocationStoppedException("the worker is closed", functionId));
        }
        pending.put(id, p);
        sendOrQueue(id, p, frame);
        refusal = refusedNow(functionId);
        if (refusal != null && pending.remove(id, p)) {
            // refused while this call was being queued, after refuse() failed the queued ones
            p.timer.cancel(false);
            p.result.completeExceptionally(refusal);
        }
        return p.result;
    }

    /**
     * Calls a function without waiting for (or getting) its result; with no connection it is sent when there is one.
     * Throws {@link IllegalStateException} once the worker is closed, and what a call would fail with while the
     * engine refuses this worker or reconnecting was given up.
     */
    public void fire(String functionId, Object payload) {
        checkOpen();
        IiiException refusal = refusedNow(functionId);
        if (refusal != null) {
            throw refusal;
        }
        TraceContext.Carrier trace = TraceContext.INSTANCE.current();
        String frame = Frame.of("invokefunction").str("function_id", functionId).json("data", payload)
                .str("traceparent", trace.traceparent()).str("baggage", trace.baggage())
                .raw("action", "{\"type\":\"void\"}").toString();
        sendOrQueue(null, null, frame);
    }

    /** The engine's functions ({@code engine::functions::list}). */
    public CompletionStage<List<FunctionInfo>> listFunctions() {
        return call("engine::functions::list", Map.of(), JsonObject.class)
                .thenApply(o -> o.getJsonArray("functions").stream().map(FunctionInfo::of).toList());
    }

    /** The engine's workers ({@code engine::workers::list}). */
    public CompletionStage<List<WorkerInfo>> listWorkers() {
        return call("engine::workers::list", Map.of(), JsonObject.class)
                .thenApply(o -> o.getJsonArray("workers").stream().map(WorkerInfo::of).toList());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Connection

    private void open() {
        if (closed) {
            return;
        }
        // taken now: the new connection's workerregistered may arrive (and replace it) before opened() runs
        Identity previous = identity;
        Link l = new Link(epochs.incrementAndGet(), this::received, this::lost);
        var builder = http.newWebSocketBuilder().connectTimeout(options.connectTimeout);
        options.headers.forEach(builder::header);
        builder.buildAsync(url, l).whenComplete((ws, e) -> {
            if (e != null) {
                notConnected(unwrap(e));
            } else if (closed) {
                l.abort(new IllegalStateException("closed"));
            } else {
                opened(l, previous);
            }
        });
    }

    /**
     * A connection attempt failed: said at WARNING (as often as the backoff retries), and a handshake the engine
     * refuses as unauthorized (its RBAC listener: a bad or expired token) fails the calls waiting for the connection,
     * and those made until one is up, with {@link ForbiddenException}.
     */
    private void notConnected(Throwable why) {
        int status = why instanceof WebSocketHandshakeException h ? h.getResponse().statusCode() : -1;
        if (!closed) {
            LOG.log(Level.WARNING, "Could not connect to the iii engine at {0}: {1}", new Object[] {url,
                    status >= 0 ? "the engine answered the handshake with HTTP " + status
                            : why instanceof ConnectException ? "nothing accepts connections there (" + why + ")"
                            : why.toString()});
        }
        if (status == 401 || status == 403) {
            refuse(functionId -> new ForbiddenException("the engine refused this worker's connection (HTTP " + status
                    + "): is its token right and still valid?", functionId));
        }
        long delay = scheduleReconnect();
        if (delay >= 0) {
            LOG.log(Level.INFO, "Connecting to the iii engine at {0} again in {1} ms", new Object[] {url, delay});
        }
    }

    /** What a call to {@code functionId} fails with at once now, or null when it may wait for the connection. */
    private IiiException refusedNow(String functionId) {
        Function<String, IiiException> refusal = refused;
        return refusal != null && link.get() == null ? refusal.apply(functionId) : null;
    }

    /** Sets why calls fail at once while there is no connection, and fails the calls waiting for one with it. */
    private void refuse(Function<String, IiiException> why) {
        refused = why;
        failPending(p -> p.epoch == -1, why);
    }

    /**
     * A new connection: reattach to {@code previous} (the last connection's identity, if any), replay every
     * registration, send what waited, describe this worker.
     */
    private void opened(Link l, Identity previous) {
        link.set(l);
        if (l.isOver()) {
            link.compareAndSet(l, null);
            return;
        }
        reconnectAttempt.set(0);
        refused = null;
        if (previous != null) {
            l.send(Frame.of("reattach").str("previous_worker_id", previous.workerId())
                    .str("reattach_token", previous.reattachToken()).toString());
        }
        triggerTypes.values().forEach(t -> l.send(t.frame()));
        services.values().forEach(l::send);
        functions.values().forEach(f -> l.send(f.frame()));
        triggers.values().forEach(l::send);
        flushQueued(l);
        l.send(Frame.of("invokefunction").str("function_id", "engine::workers::register")
                .raw("action", "{\"type\":\"void\"}").raw("data", describe()).toString());
        LOG.fine(() -> "Connected to " + url);
    }

    private String describe() {
        String name = options.workerName != null ? options.workerName
                : Objects.requireNonNullElseGet(System.getenv("III_WORKER_NAME"), Iii::defaultName);
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + ")";
        return Frame.object().str("runtime", "java").str("version", VERSION).str("name", name).str("os", os)
                .raw("pid", Long.toString(ProcessHandle.current().pid())).str("description", options.description)
                .toString();
    }

    private static String defaultName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    private void lost(Link l, Throwable why) {
        link.compareAndSet(l, null);
        failPending(p -> p.epoch == l.epoch, "the connection to the engine was lost");
        if (!closed) {
            LOG.log(Level.INFO, "Connection to the iii engine at {0} lost ({1}); reconnecting", new Object[] {url, why});
            scheduleReconnect();
        }
    }

    /** Fails the pending calls that {@code which} selects with {@link InvocationStoppedException}. */
    private void failPending(Predicate<Pending> which, String message) {
        failPending(which, functionId -> new InvocationStoppedException(message, functionId));
    }

    private void failPending(Predicate<Pending> which, Function<String, IiiException> failure) {
        pending.forEach((id, p) -> {
            if (which.test(p) && pending.remove(id, p)) {
                p.timer.cancel(false);
                p.result.completeExceptionally(failure.apply(p.functionId));
            }
        });
    }

    /**
     * Schedules the next connection attempt and returns its delay in ms; -1 when closed or when
     * {@code maxReconnectAttempts} are used up, which fails the calls waiting for a connection and those made after.
     */
    private long scheduleReconnect() {
        if (closed) {
            return -1;
        }
        int attempt = reconnectAttempt.getAndIncrement();
        if (options.maxReconnectAttempts >= 0 && attempt >= options.maxReconnectAttempts) {
            String why = "gave up connecting to the engine at " + url + " after " + attempt + " attempts";
            LOG.warning(() -> "Gave up on the iii engine at " + url + " after " + attempt + " attempts");
            refuse(functionId -> new InvocationStoppedException(why, functionId));
            whileDown.clear();
            return -1;
        }
        long delay = backoff(attempt, options.initialReconnectDelay.toMillis(), options.maxReconnectDelay.toMillis(),
                options.backoffMultiplier, options.jitter, ThreadLocalRandom.current().nextDouble());
        try {
            timers.schedule(this::open, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return -1; // closed meanwhile
        }
        return delay;
    }

    /** The delay before reconnect attempt {@code attempt} (0-based); {@code random} in [0, 1). */
    static long backoff(int attempt, long initialMs, long maxMs, double multiplier, double jitter, double random) {
        double capped = Math.min(initialMs * Math.pow(multiplier, attempt), maxMs);
        return Math.max(0, (long) (capped + capped * jitter * (2 * random - 1)));
    }

    private void heartbeat() {
        Link l = link.get();
        if (l == null) {
            return;
        }
        if (System.nanoTime() - l.lastInboundNanos > options.idleTimeout.toNanos()) {
            l.abort(new TimeoutException("no frame from the engine for " + options.idleTimeout.toSeconds() + " s"));
        } else {
            l.ping();
        }
    }

    private void sendIfUp(String frame) {
        Link l = link.get();
        if (l != null) {
            l.send(frame);
        }
    }

    private void sendOrQueue(String invocationId, Pending p, String frame) {
        Link l = link.get();
        if (l != null) {
            if (p != null) {
                p.epoch = l.epoch;
            }
            l.send(frame);
            return;
        }
        whileDown.add(new Queued(invocationId, frame));
        Link now = link.get();
        if (now != null) {
            flushQueued(now);
        }
    }

    private void flushQueued(Link l) {
        for (Queued q; (q = whileDown.poll()) != null;) {
            if (q.invocationId() == null) {
                l.send(q.frame());
                continue;
            }
            Pending p = pending.get(q.invocationId());
            if (p != null) {
                p.epoch = l.epoch;
                l.send(q.frame());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Frames from the engine

    /**
     * A whole text message, on the WebSocket client's thread: a call's result completes its future there (one
     * thread switch less per call); everything else, handlers above all, runs on the worker's executor.
     */
    private void received(String text) {
        Thread t = Thread.currentThread();
        if (reader != t) {
            reader = t;
        }
        Envelope frame;
        try {
            frame = Envelope.read(text);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Unreadable frame from the engine", e);
            return;
        }
        if ("invocationresult".equals(frame.string("type"))) {
            result(frame);
            return;
        }
        if ("workerregistered".equals(frame.string("type"))) {
            // here, in the order frames come: a reconnect must find the id and token of the connection it replaces
            identity = new Identity(frame.string("worker_id"), frame.string("reattach_token"));
            return;
        }
        try {
            executor.execute(() -> handle(frame, text));
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void handle(Envelope frame, String text) {
        switch (frame.string("type", "")) {
            case "invokefunction" -> invoke(frame);
            case "registertrigger" -> trigger(frame, true);
            case "unregistertrigger" -> trigger(frame, false);
            case "triggerregistrationresult", "error" -> {
                if (JsonMapper.read(frame.json("error"), JsonValue.class) instanceof JsonObject error) {
                    LOG.warning(() -> "The engine refused " + frame.string("id", "a registration") + ": "
                            + error.getString("code", "?") + ": " + error.getString("message", ""));
                }
            }
            default -> LOG.finest(() -> "Ignored frame " + text);
        }
    }

    private void result(Envelope frame) {
        Pending p = pending.remove(frame.string("invocation_id", ""));
        if (p == null) {
            return;
        }
        p.timer.cancel(false);
        if (JsonMapper.read(frame.json("error"), JsonValue.class) instanceof JsonObject error) {
            p.result.completeExceptionally(IiiException.of(error.getString("code", "UNKNOWN"),
                    error.getString("message", ""), p.functionId));
        } else {
            p.result.complete(frame.json("result"));
        }
    }

    private void invoke(Envelope frame) {
        String functionId = frame.string("function_id", "");
        String invocationId = frame.string("invocation_id");
        LocalFunction fn = functions.get(functionId);
        if (fn == null) {
            answer(invocationId, functionId, null, new FunctionNotFoundException("Function not found", functionId));
            return;
        }
        Object out;
        try {
            out = TraceContext.INSTANCE.within(frame.string("traceparent"), frame.string("baggage"),
                    () -> fn.handler().apply(JsonMapper.read(Objects.requireNonNullElse(frame.json("data"), "null"),
                            fn.in())));
        } catch (RuntimeException | Error e) {
            answer(invocationId, functionId, null, e);
            return;
        }
        if (out instanceof CompletionStage<?> stage) {
            stage.whenComplete((r, e) -> answer(invocationId, functionId, r, e));
        } else {
            answer(invocationId, functionId, out, null);
        }
    }

    private void answer(String invocationId, String functionId, Object result, Throwable failure) {
        if (invocationId == null) {
            if (failure != null) {
                LOG.log(Level.WARNING, "Function " + functionId + " failed", unwrap(failure));
            }
            return;
        }
        if (failure == null) {
            try {
                Frame f = resultFrame(invocationId, functionId);
                sendIfUp((result == null ? f : f.json("result", result)).toString());
                return;
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        sendIfUp(resultFrame(invocationId, functionId).raw("error", error(unwrap(failure))).toString());
    }

    private static Frame resultFrame(String invocationId, String functionId) {
        return Frame.of("invocationresult").str("invocation_id", invocationId).str("function_id", functionId);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String error(Throwable t) {
        String code = t instanceof IiiException ie ? ie.code() : "invocation_failed";
        String message = t instanceof IiiException ie ? ie.detail()
                : t.getMessage() != null ? t.getMessage() : t.getClass().getName();
        var trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        return Frame.object().str("code", code).str("message", message).str("stacktrace", trace.toString())
                .toString();
    }

    private void trigger(Envelope frame, boolean register) {
        String type = frame.string("trigger_type", "");
        String id = frame.string("id", "");
        String functionId = frame.string("function_id", "");
        LocalTriggerType provider = triggerTypes.get(type);
        var trigger = new TriggerConfig(id, type, functionId, JsonMapper.read(frame.json("config"), JsonValue.class),
                JsonMapper.read(frame.json("metadata"), JsonValue.class));
        String error = null;
        if (provider == null) {
            error = Frame.object().str("code", "trigger_type_not_found").str("message", "Trigger type not found")
                    .toString();
        } else {
            try {
                if (register) {
                    provider.handler().registerTrigger(trigger);
                } else {
                    provider.handler().unregisterTrigger(trigger);
                }
            } catch (Exception e) {
                error = Frame.object().str("code", "trigger_registration_failed")
                        .str("message", Objects.requireNonNullElse(e.getMessage(), e.getClass().getName()))
                        .toString();
            }
        }
        if (register) {
            sendIfUp(Frame.of("triggerregistrationresult").str("id", id).str("trigger_type", type)
                    .str("function_id", functionId).raw("error", error).toString());
        } else if (error != null) {
            LOG.warning(() -> "Unregistering trigger " + id + " of " + type + " failed");
        }
    }

    private static String text(JsonValue v) {
        return v == null ? null : v.toString();
    }

    /**
     * Closes the connection (its functions, triggers and trigger types leave the engine with it) and fails the calls
     * still waiting with {@link InvocationStoppedException}. Waits at most a few seconds for the close handshake,
     * except on the WebSocket client's own thread (in a call's continuation), which the handshake needs: there it
     * returns at once and the handshake ends by itself.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        failPending(p -> true, "the worker is closed");
        whileDown.clear();
        Link l = link.getAndSet(null);
        if (l != null) {
            CompletableFuture<Void> handshake = l.close().toCompletableFuture().copy().orTimeout(3, TimeUnit.SECONDS);
            if (Thread.currentThread() == reader) {
                handshake.whenComplete((v, e) -> {
                    if (e != null) {
                        l.abort(e);
                    }
                });
            } else {
                try {
                    handshake.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException e) {
                    l.abort(e.getCause());
                }
            }
        }
        timers.shutdownNow();
        if (ownExecutor != null) {
            ownExecutor.shutdown();
        }
    }
}
