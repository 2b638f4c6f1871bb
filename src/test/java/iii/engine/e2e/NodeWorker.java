package iii.engine.e2e;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real {@code iii-sdk} worker: {@code node src/test/node/agent.mjs --sdk VERSION --url URL} driven over
 * stdin/stdout with one JSON object per line (see agent.mjs for the command set).
 *
 * <p>Every line the agent prints is kept as an event, in order; {@link #await} searches them with a deadline.
 * Commands get an {@code id} that the agent's {@code reply} event echoes; {@link #request} waits for it.
 * {@link #kill()} is SIGKILL of the node process ({@link Process#destroyForcibly()}); {@link #close()} asks for a
 * graceful shutdown and always ends the process.
 */
final class NodeWorker implements AutoCloseable {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final Sdk sdk;
    private final String name;
    private final Process process;
    private final Writer stdin;
    private final List<JsonObject> events = new ArrayList<>();
    private final Map<String, CompletableFuture<JsonObject>> replies = new ConcurrentHashMap<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final PrintWriter log;
    private final AtomicInteger commandSeq = new AtomicInteger();
    private volatile JsonObject ready;

    /** Options for {@link #start}. */
    static final class Options {
        String name;
        boolean telemetry = true;
        Integer metricsIntervalMs;
        Integer invocationTimeoutMs;
        Map<String, String> env = Map.of();
        Map<String, String> headers = Map.of();
        String readyFunction;

        Options name(String n) {
            this.name = n;
            return this;
        }

        Options telemetry(boolean on) {
            this.telemetry = on;
            return this;
        }

        Options metricsIntervalMs(int ms) {
            this.metricsIntervalMs = ms;
            return this;
        }

        Options invocationTimeoutMs(int ms) {
            this.invocationTimeoutMs = ms;
            return this;
        }

        Options env(Map<String, String> e) {
            this.env = e;
            return this;
        }

        /**
         * Ready once {@code functionId} answers, instead of once the worker finds itself in the engine's worker
         * listing (which a session of the RBAC-gated listener may not call); its worker id is then unknown.
         */
        Options readyFunction(String functionId) {
            this.readyFunction = functionId;
            return this;
        }

        /** HTTP headers of the upgrade request (SDK 0.11.6 and later). */
        Options headers(Map<String, String> h) {
            this.headers = h;
            return this;
        }
    }

    static Options options() {
        return new Options();
    }

    /** Starts a worker of {@code sdk} against {@code url} and waits for its {@code ready} event. */
    static NodeWorker startReady(Sdk sdk, URI url, String name) {
        NodeWorker w = start(sdk, url, options().name(name));
        try {
            w.awaitReady(Duration.ofSeconds(60));
            return w;
        } catch (RuntimeException | AssertionError e) {
            w.close();
            throw e;
        }
    }

    static NodeWorker start(Sdk sdk, URI url, Options o) {
        Path dir = nodeDir();
        Path sdkDir = dir.resolve("node_modules").resolve("iii-sdk-" + sdk.version());
        if (!Files.isDirectory(sdkDir)) {
            throw new IllegalStateException(sdkDir + " is missing: run `npm ci` in " + dir);
        }
        String name = o.name != null ? o.name : "e2e-" + sdk.version() + "-" + SEQ.incrementAndGet();
        List<String> cmd = new ArrayList<>(List.of(nodeExecutable(), "agent.mjs", "--sdk", sdk.version(), "--url",
                url.toString(), "--name", name));
        if (!o.telemetry) {
            cmd.add("--no-telemetry");
        }
        if (o.metricsIntervalMs != null) {
            cmd.addAll(List.of("--metrics-interval-ms", o.metricsIntervalMs.toString()));
        }
        if (o.invocationTimeoutMs != null) {
            cmd.addAll(List.of("--timeout-ms", o.invocationTimeoutMs.toString()));
        }
        o.headers.forEach((header, value) -> cmd.addAll(List.of("--header", header + "=" + value)));
        if (o.readyFunction != null) {
            cmd.addAll(List.of("--ready-function", o.readyFunction));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("III_") || k.startsWith("OTEL_"));
        pb.environment().putAll(o.env);
        try {
            return new NodeWorker(sdk, name, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    private NodeWorker(Sdk sdk, String name, Process process) {
        this.sdk = sdk;
        this.name = name;
        this.process = process;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.log = openLog(name);
        Thread out = new Thread(() -> readStdout(process.getInputStream()), name + "-stdout");
        Thread err = new Thread(() -> readStderr(process.getErrorStream()), name + "-stderr");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    Sdk sdk() {
        return sdk;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The engine-assigned worker id, as found by the agent in {@code engine::workers::list} by name. */
    String workerId() {
        JsonObject r = ready;
        if (r == null) {
            throw new IllegalStateException(name + " is not ready");
        }
        String id = JsonKit.str(r, "worker_id");
        if (id == null) {
            throw new AssertionError(name + " could not find itself in engine::workers::list: " + r);
        }
        return id;
    }

    JsonObject awaitReady(Duration timeout) {
        JsonObject ev = await(e -> "ready".equals(type(e)) || "not_ready".equals(type(e)) || "fatal".equals(type(e)),
                timeout, "ready");
        if (!"ready".equals(type(ev))) {
            throw new AssertionError(name + " did not become ready: " + ev + diagnostics());
        }
        ready = ev;
        return ev;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Commands

    /** Sends a command (an {@code id} is added when absent) without waiting; returns the id. */
    String send(JsonObject command) {
        String id = command.containsKey("id") ? JsonKit.str(command, "id") : "c" + commandSeq.incrementAndGet();
        JsonObject cmd = command.containsKey("id") ? command : JsonKit.with(command, "id", id);
        replies.computeIfAbsent(id, k -> new CompletableFuture<>());
        synchronized (stdin) {
            try {
                stdin.write(cmd.toString());
                stdin.write('\n');
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(name + " stdin closed (process alive: " + process.isAlive() + ")"
                        + diagnostics(), e);
            }
        }
        logLine("> " + cmd);
        return id;
    }

    /** Sends a command and returns the future of its reply event. */
    CompletableFuture<JsonObject> requestAsync(JsonObject command) {
        String id = send(command);
        return replies.get(id);
    }

    /** Sends a command and waits for its reply (ok or not). */
    JsonObject request(JsonObject command, Duration timeout) {
        CompletableFuture<JsonObject> f = requestAsync(command);
        return join(f, timeout, "reply to " + command);
    }

    JsonObject request(JsonObject command) {
        return request(command, DEFAULT_TIMEOUT);
    }

    /** Sends a command and requires an {@code ok:true} reply. */
    JsonObject requestOk(JsonObject command) {
        JsonObject r = request(command);
        if (!r.getBoolean("ok", false)) {
            throw new AssertionError(name + ": command failed: " + command + " -> " + r + diagnostics());
        }
        return r;
    }

    JsonObject join(CompletableFuture<JsonObject> f, Duration timeout, String what) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": no " + what + " within " + timeout.toMillis() + " ms" + diagnostics());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError(name + ": " + what + " failed: " + e.getCause() + diagnostics(), e.getCause());
        }
    }

    JsonObject registerFunction(String functionId, String behaviour, Object... extra) {
        return requestOk(command("registerFunction", concat(new Object[] {"function_id", functionId, "behaviour",
            behaviour}, extra)));
    }

    JsonObject unregisterFunction(String functionId) {
        return requestOk(command("unregisterFunction", "function_id", functionId));
    }

    /** Calls a function through the SDK; the reply has ok + result/result_type, or ok:false + error. */
    JsonObject call(String functionId, JsonValue data) {
        return request(callCommand(functionId, data, null), Duration.ofSeconds(40));
    }

    JsonObject call(String functionId, JsonValue data, int timeoutMs) {
        return request(callCommand(functionId, data, timeoutMs), Duration.ofMillis(timeoutMs + 10_000L));
    }

    CompletableFuture<JsonObject> callAsync(String functionId, JsonValue data) {
        return requestAsync(callCommand(functionId, data, null));
    }

    static JsonObject callCommand(String functionId, JsonValue data, Integer timeoutMs) {
        var b = JsonKit.builder().add("cmd", "call").add("function_id", functionId);
        if (data != null) {
            b.add("data", data);
        }
        if (timeoutMs != null) {
            b.add("timeout_ms", timeoutMs);
        }
        return b.build();
    }

    JsonObject callVoid(String functionId, JsonValue data) {
        var b = JsonKit.builder().add("cmd", "callVoid").add("function_id", functionId);
        if (data != null) {
            b.add("data", data);
        }
        return requestOk(b.build());
    }

    JsonObject registerTriggerType(String typeId, Object... extra) {
        return requestOk(command("registerTriggerType", concat(new Object[] {"type_id", typeId}, extra)));
    }

    JsonObject unregisterTriggerType(String typeId) {
        return requestOk(command("unregisterTriggerType", "type_id", typeId));
    }

    /** Registers a trigger; returns the agent-side handle (the SDKs do not expose the instance id). */
    String registerTrigger(String type, String functionId, JsonValue config) {
        var b = JsonKit.builder().add("cmd", "registerTrigger").add("type", type).add("function_id", functionId);
        if (config != null) {
            b.add("config", config);
        }
        return JsonKit.str(requestOk(b.build()), "handle");
    }

    JsonObject unregisterTrigger(String handle) {
        return requestOk(command("unregisterTrigger", "handle", handle));
    }

    /** Provider side: invoke the functions bound by the triggers of {@code typeId} this worker was given. */
    JsonObject fireTrigger(String typeId, JsonValue data, String mode) {
        return requestOk(command("fireTrigger", "type_id", typeId, "data", data, "mode", mode));
    }

    String onFunctionsAvailable() {
        return JsonKit.str(requestOk(command("onFunctionsAvailable")), "handle");
    }

    JsonObject registerService(String serviceId, Object... extra) {
        return requestOk(command("registerService", concat(new Object[] {"service_id", serviceId}, extra)));
    }

    JsonObject listFunctions() {
        return requestOk(command("listFunctions"));
    }

    /** The row of {@code functionId} in this worker's engine's {@code engine::functions::list}, if it is listed. */
    Optional<JsonObject> functionRow(String functionId) {
        return JsonKit.objects(listFunctions(), "functions").stream()
                .filter(row -> functionId.equals(JsonKit.str(row, "function_id"))).findFirst();
    }

    JsonObject awaitFunctionListed(String functionId, Duration timeout) {
        return Await.until(functionId + " listed by " + name(), timeout, () -> functionRow(functionId));
    }

    void awaitFunctionGone(String functionId, Duration timeout) {
        Await.untilTrue(functionId + " gone from " + name() + "'s listing", timeout,
                () -> functionRow(functionId).isEmpty());
    }

    JsonObject listWorkers() {
        return requestOk(command("listWorkers"));
    }

    static JsonObject command(String cmd, Object... keyValues) {
        return JsonKit.with(JsonKit.obj(keyValues), "cmd", cmd);
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] out = new Object[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Events

    /** The first event (from the start) matching {@code p}, waiting up to {@code timeout}. */
    JsonObject await(Predicate<JsonObject> p, Duration timeout, String what) {
        return awaitFrom(0, p, timeout, what);
    }

    JsonObject await(Predicate<JsonObject> p, Duration timeout) {
        return await(p, timeout, "matching event");
    }

    /** The first event at index {@code >= from} matching {@code p}. */
    JsonObject awaitFrom(int from, Predicate<JsonObject> p, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            int i = from;
            while (true) {
                for (; i < events.size(); i++) {
                    if (p.test(events.get(i))) {
                        return events.get(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + ": no " + what + " within " + timeout.toMillis() + " ms"
                            + diagnostics());
                }
                try {
                    events.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Waits until at least {@code n} events match; returns them. */
    List<JsonObject> awaitCount(Predicate<JsonObject> p, int n, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                List<JsonObject> found = events.stream().filter(p).toList();
                if (found.size() >= n) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + ": " + found.size() + " of " + n + " " + what + " within "
                            + timeout.toMillis() + " ms" + diagnostics());
                }
                try {
                    events.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Index to pass to {@link #awaitFrom} to see only events after now. */
    int mark() {
        synchronized (events) {
            return events.size();
        }
    }

    List<JsonObject> events(Predicate<JsonObject> p) {
        synchronized (events) {
            return events.stream().filter(p).toList();
        }
    }

    /** The handler of {@code functionId} was invoked; returns the first such event. */
    JsonObject awaitInvoked(String functionId, Duration timeout) {
        return await(invoked(functionId), timeout, "invocation of " + functionId);
    }

    static Predicate<JsonObject> invoked(String functionId) {
        return e -> "invoked".equals(type(e)) && functionId.equals(JsonKit.str(e, "function_id"));
    }

    static Predicate<JsonObject> event(String type) {
        return e -> type.equals(type(e));
    }

    static String type(JsonObject e) {
        return JsonKit.str(e, "event");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Process

    /** SIGKILL: the node process dies without closing its sockets gracefully. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        logLine("# killed (SIGKILL)");
    }

    /** Graceful shutdown through the SDK ({@code shutdown()}), waiting for the process to end. */
    void exit() {
        if (!process.isAlive()) {
            return;
        }
        try {
            send(command("exit"));
        } catch (UncheckedIOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            exit();
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            replies.values().forEach(f -> f.completeExceptionally(new IllegalStateException(name + " closed")));
            synchronized (log) {
                log.flush();
                log.close();
            }
        }
    }

    /** The last events and stderr lines, for assertion messages. */
    String diagnostics() {
        StringBuilder sb = new StringBuilder("\n--- ").append(name).append(" (").append(sdk).append(", pid ")
                .append(process.pid()).append(process.isAlive() ? ", alive" : ", exited " + exitCode())
                .append(") last events:\n");
        synchronized (events) {
            events.stream().skip(Math.max(0, events.size() - 25)).forEach(e -> sb.append("  ").append(e).append('\n'));
        }
        sb.append("--- stderr tail:\n");
        synchronized (stderrTail) {
            stderrTail.forEach(l -> sb.append("  ").append(l).append('\n'));
        }
        return sb.toString();
    }

    private String exitCode() {
        try {
            return String.valueOf(process.exitValue());
        } catch (IllegalThreadStateException e) {
            return "?";
        }
    }

    @Override
    public String toString() {
        return name + "(" + sdk + ")";
    }

    private void readStdout(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                logLine("< " + line);
                JsonObject ev;
                try {
                    ev = JsonKit.parseObject(line);
                } catch (RuntimeException e) {
                    ev = JsonKit.obj("event", "unparsed", "line", line);
                }
                synchronized (events) {
                    events.add(ev);
                    events.notifyAll();
                }
                if ("reply".equals(type(ev))) {
                    String id = JsonKit.str(ev, "id");
                    if (id != null) {
                        replies.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(ev);
                    }
                }
            }
        } catch (IOException ignored) {
            // process ended
        } finally {
            synchronized (events) {
                events.add(JsonKit.obj("event", "eof"));
                events.notifyAll();
            }
            replies.values().forEach(f -> f.completeExceptionally(new IllegalStateException(name + " ended")));
        }
    }

    private void readStderr(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                logLine("! " + line);
                synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    while (stderrTail.size() > 30) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException ignored) {
            // process ended
        }
    }

    private void logLine(String line) {
        synchronized (log) {
            log.println(System.currentTimeMillis() + " " + line);
            log.flush();
        }
    }

    private static PrintWriter openLog(String name) {
        try {
            Path dir = projectDir().resolve("target").resolve("e2e-logs");
            Files.createDirectories(dir);
            return new PrintWriter(Files.newBufferedWriter(dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".log"),
                    StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new PrintWriter(Writer.nullWriter());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Locations

    static Path projectDir() {
        String basedir = System.getProperty("basedir");
        if (basedir != null && Files.isDirectory(Paths.get(basedir, "src", "test", "node"))) {
            return Paths.get(basedir);
        }
        return Paths.get("").toAbsolutePath();
    }

    static Path nodeDir() {
        String override = System.getProperty("iii.e2e.nodeDir");
        return override != null ? Paths.get(override) : projectDir().resolve("src").resolve("test").resolve("node");
    }

    /** {@code node} from the system property {@code iii.e2e.node}, else the first one on PATH. */
    static String nodeExecutable() {
        String override = System.getProperty("iii.e2e.node");
        if (override != null) {
            return override;
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Paths.get(dir, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("node not found on PATH (" + path + "); set -Diii.e2e.node=/path/to/node");
    }
}
