package iii.engine.bench;

import iii.sdk.Iii;
import iii.sdk.IiiOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The benchmark of issue 5: the real engine ({@code target/iii-engine.war} on {@code target/payara-micro.jar}) side
 * by side with a WebSocket echo floor ({@link EchoEndpoint} in its own WAR on a second Payara Micro, same JDK, same
 * boot settings), both driven by one client ({@link WsClient}), on free loopback ports. Run by {@code bin/bench}.
 *
 * <ul>
 *   <li>routed call: caller → engine → callee ({@link Callee}) → engine → caller, versus the same frames to the echo
 *   floor; 128 B and 4 KiB payloads, 1 and 64 calls in flight; calls/s and latency p50/p99/p999; and the same
 *   calls with the caller on the engine's RBAC-gated listener (a session whose grant exposes the callee's function,
 *   no auth function, no middleware), the callee on the trusted one: what the access checks cost a call; and the
 *   same calls with the Java SDK as caller and callee ({@link SdkDriver}): what the SDK costs against the raw
 *   client, with the callee's handlers on its pool (the default, target {@code sdk}) and on the WebSocket client's
 *   thread ({@code sdk-in}), and against the raw client on the JDK's WebSocket ({@link JdkConn}, target
 *   {@code jdk}), the SDK's own transport;</li>
 *   <li>control plane: W workers × F functions, time until {@code engine::functions::list} shows them all, and until
 *   it is back to its baseline after they all disconnect;</li>
 *   <li>heap: live heap (after a full GC) per 1,000 idle connections, engine and echo floor.</li>
 * </ul>
 * Every reply is verified; errors are counted and printed. Several rounds, medians reported, ratios to the floor.
 */
public final class Bench {

    private static final String HOST = "127.0.0.1";
    /**
     * The SDK's cells: its callee with the defaults (handlers on the worker's pool) and one whose handlers run on the
     * WebSocket client's thread ({@code IiiOptions.executor(Runnable::run)}); the same caller for both.
     */
    private static final List<String> SDK_TARGETS = List.of("sdk", "sdk-in");
    /** The raw client on the JDK's WebSocket, the SDK's own transport: run beside the SDK cells on the raw client. */
    private static final String JDK_TARGET = "jdk";
    /** TyrusScheduler's log line once installed (the engine's classes are not on this class path). */
    private static final String SCHEDULER_INSTALLED = "runs its per-frame tasks on a plain scheduler";

    // options
    private int rounds = 3;
    private long warmupTotalMs = 6000;
    private long warmupMs = 1000;
    private long measureMs = 3000;
    private List<Integer> payloads = List.of(128, 4096);
    private List<Integer> inflights = List.of(1, 64);
    private List<String> phases = List.of("routed", "control", "heap");
    private int cpWorkers = 200;
    private int cpFunctions = 50;
    private int idleWorkers = 1000;
    private boolean jfr;
    private boolean jdkClient;
    private String floorPath = "/echo";
    private boolean stockFloor;
    private boolean rbac = true;
    private boolean sdk = true;

    private Path root;
    private Path out;
    private Server engine;
    private Server echo;
    private int rbacPort;
    private Iii sdkCaller;
    private final AtomicLong setupErrors = new AtomicLong();
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        var t = new Thread(r, "bench-pool");
        t.setDaemon(true);
        return t;
    });

    private record Cell(int round, int payload, int inflight, String target, double callsPerSecond, double p50,
                        double p99, double p999, long errors, long calls, double serverCpuUs, double clientCpuUs) {
    }

    private record ControlPlane(int round, double connectMs, double sentMs, double listedMs, int polls,
                                double listCallMs, double cleanupMs, long errors) {
    }

    private record Heap(int round, String target, double mibPer1000, double connectMs, long errors) {
    }

    private final List<Cell> cells = new ArrayList<>();
    private final List<ControlPlane> controlPlanes = new ArrayList<>();
    private final List<Heap> heaps = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        var bench = new Bench();
        bench.parse(args);
        System.exit(bench.run());
    }

    private void parse(String[] args) {
        for (var arg : args) {
            var kv = arg.split("=", 2);
            var v = kv.length > 1 ? kv[1] : "";
            switch (kv[0]) {
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--warmup-total-ms" -> warmupTotalMs = Long.parseLong(v);
                case "--warmup-ms" -> warmupMs = Long.parseLong(v);
                case "--measure-ms" -> measureMs = Long.parseLong(v);
                case "--payloads" -> payloads = Arrays.stream(v.split(",")).map(Integer::valueOf).toList();
                case "--inflight" -> inflights = Arrays.stream(v.split(",")).map(Integer::valueOf).toList();
                case "--phases" -> phases = List.of(v.split(","));
                case "--workers" -> cpWorkers = Integer.parseInt(v);
                case "--functions" -> cpFunctions = Integer.parseInt(v);
                case "--idle" -> idleWorkers = Integer.parseInt(v);
                case "--jfr" -> jfr = true;
                case "--floor" -> floorPath = v;
                case "--stock-floor" -> stockFloor = true;
                case "--no-rbac" -> rbac = false;
                case "--no-sdk" -> sdk = false;
                case "--client" -> jdkClient = switch (v) {
                    case "raw" -> false;
                    case "jdk" -> true;
                    default -> throw new IllegalArgumentException("--client=raw|jdk");
                };
                default -> {
                    System.err.println("""
                            usage: bin/bench [--rounds=3] [--measure-ms=3000] [--warmup-ms=1000] \
                            [--warmup-total-ms=6000]
                                   [--payloads=128,4096] [--inflight=1,64] [--phases=routed,control,heap]
                                   [--workers=200] [--functions=50] [--idle=1000] [--jfr] [--client=raw|jdk]
                                   [--floor=/echo|/echo-async] [--stock-floor] [--no-rbac] [--no-sdk]
                            --jfr: record the servers (JFR, settings=profile, 1 ms samples) during the measured routed cells
                                   (target/bench/{engine,echo}-routed.jfr) and the control plane (engine-control.jfr),
                                   each summarised beside it in *-profile.txt
                            --client=jdk: the routed cells on the JDK's java.net.http WebSocket client instead
                            --floor=/echo-async: a floor that receives in parts and sends asynchronously, as the engine
                            --stock-floor: a floor without the engine's TyrusScheduler (the container's managed
                                   scheduler costs every frame of it much more)
                            --no-rbac: no RBAC-gated listener on the engine and no rbac cells (by default every
                                   routed cell is also run with the caller on that listener, as a session whose
                                   grant exposes the callee's function, and compared with the trusted caller)
                            --no-sdk: no sdk cells (by default every routed cell is also run with the Java SDK as
                                   caller and callee, and compared with the raw client)
                            environment: BENCH_JAVA_OPTS  JVM options for both Payara Micro processes""");
                    System.exit(2);
                }
            }
        }
    }

    private int run() throws Exception {
        root = Path.of("").toAbsolutePath();
        out = root.resolve("target/bench");
        Files.createDirectories(out);
        var war = root.resolve("target/iii-engine.war");
        if (!Files.exists(war) || !Files.exists(root.resolve("target/payara-micro.jar"))) {
            throw new IllegalStateException("build first: target/iii-engine.war and target/payara-micro.jar");
        }
        var echoWar = buildEchoWar(war);
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopServers));
        long began = System.nanoTime();
        System.out.printf("iii engine benchmark: %d rounds, %d ms per cell (+%d ms warm-up), %d cores, java %s,"
                        + " %s client%n", rounds, measureMs, warmupMs, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), jdkClient ? "JDK java.net.http" : "raw RFC 6455");
        try {
            var options = new ArrayList<>(jvmOptions());
            if (jfr) {
                // container stacks are deep: JFR's default of 64 frames would cut off the callers of the hot methods
                options.add("-XX:FlightRecorderOptions:stackdepth=256");
            }
            var settings = new HashMap<String, String>();
            if (rbac) {
                // every connection there is a session (no auth function) that may call the callee's function only
                rbacPort = Server.freePort();
                settings.put("III_RBAC_PORT", Integer.toString(rbacPort));
                settings.put("III_RBAC_EXPOSE_FUNCTIONS", CallDriver.FUNCTION);
            }
            engine = Server.start("bench-engine", root, Path.of(System.getProperty("java.home")),
                    root.resolve("target/payara-micro.jar"), war, Server.freePort(), Server.freePort(), true, options,
                    settings, out);
            echo = Server.start("bench-echo", root, echoWar, Server.freePort(), Server.freePort(), false, options,
                    out);
            engine.awaitReady(240);
            echo.awaitReady(240);
            for (var server : stockFloor ? List.of(engine) : List.of(engine, echo)) {
                // without it on both sides the figures would not compare
                if (!Files.readString(server.log, StandardCharsets.ISO_8859_1).contains(SCHEDULER_INSTALLED)) {
                    throw new IllegalStateException("TyrusScheduler is not installed; see " + server.log);
                }
            }
            System.out.printf("engine ws://%s:%d/ (pid %d%s), echo floor ws://%s:%d%s (pid %d, %s), ready after"
                            + " %.1f s; logs in %s%n", HOST, engine.port, engine.pid(),
                    rbac ? ", RBAC-gated listener ws://" + HOST + ":" + rbacPort + "/" : "", HOST, echo.port,
                    floorPath, echo.pid(), stockFloor ? "stock container" : "engine's TyrusScheduler",
                    (System.nanoTime() - began) / 1e9, root.relativize(out));
            if (phases.contains("routed")) {
                routed();
            }
            if (phases.contains("control")) {
                controlPlane();
            }
            if (phases.contains("heap")) {
                heap();
            }
            printTable();
        } finally {
            stopServers();
            pool.shutdownNow();
        }
        System.out.printf("done in %.0f s%n", (System.nanoTime() - began) / 1e9);
        long errors = cells.stream().mapToLong(Cell::errors).sum()
                + controlPlanes.stream().mapToLong(ControlPlane::errors).sum()
                + heaps.stream().mapToLong(Heap::errors).sum() + setupErrors.get();
        return errors == 0 ? 0 : 1;
    }

    private List<String> jvmOptions() {
        var env = System.getenv("BENCH_JAVA_OPTS");
        return env == null || env.isBlank() ? List.of() : List.of(env.trim().split("\\s+"));
    }

    /**
     * Starts a JFR recording (the "profile" settings, sampling every 1 ms) of the measured part of a phase, in
     * {@code servers}: not boot, not warm-up.
     */
    private void startProfiles(List<Server> servers) throws IOException, InterruptedException {
        if (jfr) {
            // the JDK's "profile" settings, with Java method samples every 1 ms instead of 10 ms: the servers' threads
            // spend most of their time in socket calls, and too few samples would be taken otherwise
            var profile = Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"));
            var settings = out.resolve("bench.jfc");
            Files.writeString(settings, profile.replace(
                    "<setting name=\"period\" control=\"method-sampling-java-interval\">10 ms</setting>",
                    "<setting name=\"period\" control=\"method-sampling-java-interval\">1 ms</setting>"));
            for (var server : servers) {
                server.jcmd("JFR.start", "name=bench", "settings=" + settings);
            }
            Thread.sleep(2000); // starting a recording disturbs the JVM for a moment
        }
    }

    /**
     * Writes the recordings to target/bench/NAME-PHASE.jfr (NAME: engine or echo) and their summaries
     * ({@link JfrTop}) to NAME-PHASE-profile.txt.
     */
    private void stopProfiles(List<Server> servers, String phase) throws Exception {
        if (!jfr) {
            return;
        }
        for (var server : servers) {
            var name = (server == engine ? "engine-" : "echo-") + phase;
            var file = out.resolve(name + ".jfr");
            server.jcmd("JFR.dump", "name=bench", "filename=" + file);
            server.jcmd("JFR.stop", "name=bench");
            var summary = out.resolve(name + "-profile.txt");
            var previous = System.out;
            try (var print = new java.io.PrintStream(Files.newOutputStream(summary), true)) {
                System.setOut(print);
                JfrTop.main(new String[] {file.toString(), "iii.engine", "30"});
            } finally {
                System.setOut(previous);
            }
            System.out.println("profile: " + root.relativize(file) + ", summary " + root.relativize(summary));
        }
    }

    private synchronized void stopServers() {
        for (var server : new Server[] {engine, echo}) {
            if (server != null) {
                server.close();
            }
        }
    }

    /**
     * The echo floor's WAR: the class files of {@link EchoEndpoint} and {@link AsyncEchoEndpoint} and, unless
     * {@code --stock-floor}, the engine's own {@code TyrusScheduler} listener, copied out of its WAR, so that the
     * floor's container does per frame what the engine's does.
     */
    private Path buildEchoWar(Path engineWar) throws IOException {
        var war = out.resolve("bench-echo.war");
        try (var zip = new ZipOutputStream(Files.newOutputStream(war))) {
            for (var endpoint : List.of(EchoEndpoint.class, AsyncEchoEndpoint.class)) {
                var name = endpoint.getName().replace('.', '/') + ".class";
                try (var in = Bench.class.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IOException(name + " is not on the class path");
                    }
                    zip.putNextEntry(new ZipEntry("WEB-INF/classes/" + name));
                    in.transferTo(zip);
                    zip.closeEntry();
                }
            }
            if (!stockFloor) {
                copyScheduler(engineWar, zip);
            }
        }
        return war;
    }

    private static void copyScheduler(Path engineWar, ZipOutputStream zip) throws IOException {
        var prefixes = List.of("WEB-INF/classes/iii/engine/connection/TyrusScheduler",
                "WEB-INF/classes/iii/engine/health/EngineRunState");  // where it reports that it is installed
        var missing = new ArrayList<>(prefixes);
        try (var engine = new ZipFile(engineWar.toFile())) {
            for (var entry : Collections.list(engine.entries())) {
                var prefix = prefixes.stream().filter(entry.getName()::startsWith).findFirst();
                if (prefix.isPresent()) {
                    zip.putNextEntry(new ZipEntry(entry.getName()));
                    try (var in = engine.getInputStream(entry)) {
                        in.transferTo(zip);
                    }
                    zip.closeEntry();
                    missing.remove(prefix.get());
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(engineWar + " has no " + missing + " classes");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Routed calls and the floor

    private void routed() throws Exception {
        var callee = new Callee();
        var calleeClient = connect(engine.port, "/", callee, "bench-callee");
        var caller = new Switch();
        var engineCaller = connect(engine.port, "/", caller, "bench-caller");
        var floorSwitch = new Switch();
        var floorCaller = connect(echo.port, floorPath, floorSwitch, "bench-floor-caller");
        var rbacSwitch = new Switch();
        var rbacCaller = rbac ? connect(rbacPort, "/", rbacSwitch, "bench-rbac-caller") : null;
        var observer = Rpc.connect(HOST, engine.port, "/", setupErrors, "bench-observer");
        var rbacObserver = rbac ? Rpc.connect(HOST, rbacPort, "/", setupErrors, "bench-rbac-observer") : null;
        var engineUrl = URI.create("ws://" + HOST + ":" + engine.port + "/");
        var sdkCallee = sdk ? Iii.connect(engineUrl, IiiOptions.builder().workerName("bench-sdk-callee").build()) : null;
        var sdkInlineCallee = sdk ? Iii.connect(engineUrl, IiiOptions.builder().workerName("bench-sdk-inline-callee")
                .executor(Runnable::run).build()) : null;
        sdkCaller = sdk ? Iii.connect(engineUrl, IiiOptions.builder().workerName("bench-sdk-caller").build()) : null;
        boolean jdkReference = sdk && !jdkClient;
        var jdkCallee = new Callee();
        var jdkCalleeClient = jdkReference ? JdkConn.connect(HOST, engine.port, "/", jdkCallee) : null;
        var jdkSwitch = new Switch();
        var jdkCaller = jdkReference ? JdkConn.connect(HOST, engine.port, "/", jdkSwitch) : null;
        var switches = Map.of("floor", floorSwitch, "engine", caller, "rbac", rbacSwitch, JDK_TARGET, jdkSwitch);
        var clients = new HashMap<String, Conn>(Map.of("floor", floorCaller, "engine", engineCaller));
        var targets = new ArrayList<>(List.of("floor", "engine"));
        if (rbac) {
            clients.put("rbac", rbacCaller);
            targets.add("rbac");
        }
        try {
            observer.awaitRegistered(10_000);
            calleeClient.send("{\"type\":\"registerfunction\",\"id\":\"" + CallDriver.FUNCTION
                    + "\",\"description\":\"benchmark echo\"}");
            awaitCallable(observer, CallDriver.FUNCTION);
            if (rbac) {
                rbacObserver.awaitRegistered(10_000);
                awaitCallable(rbacObserver, CallDriver.FUNCTION);
                checkGated(rbacObserver);
            }
            if (jdkReference) {
                jdkCalleeClient.send("{\"type\":\"registerfunction\",\"id\":\"" + CallDriver.JDK_FUNCTION
                        + "\",\"description\":\"benchmark echo on the JDK's WebSocket client\"}");
                awaitCallable(observer, CallDriver.JDK_FUNCTION);
                clients.put(JDK_TARGET, jdkCaller);
                targets.add(JDK_TARGET);
            }
            if (sdk) {
                SdkDriver.registerCallee(sdkCallee, SdkDriver.FUNCTION);
                SdkDriver.registerCallee(sdkInlineCallee, SdkDriver.INLINE_FUNCTION);
                awaitSdkCallable(SdkDriver.FUNCTION);
                awaitSdkCallable(SdkDriver.INLINE_FUNCTION);
                targets.addAll(SDK_TARGETS);
            }

            System.out.printf("warm-up: %d ms per target%n", warmupTotalMs);
            for (var target : targets) {
                for (int payload : payloads) {
                    runCell(0, target, switches.get(target), clients.get(target), payload, 64,
                            warmupTotalMs / payloads.size(), 0, false);
                }
            }
            startProfiles(List.of(engine, echo));
            var reversed = new ArrayList<>(targets);
            Collections.reverse(reversed);
            for (int round = 1; round <= rounds; round++) {
                for (int payload : payloads) {
                    for (int inflight : inflights) {
                        // alternate the order, so that drift on a shared machine hits every side alike; the trusted
                        // and the gated caller run next to each other either way
                        for (var target : round % 2 == 1 ? targets : reversed) {
                            runCell(round, target, switches.get(target), clients.get(target), payload, inflight,
                                    warmupMs, measureMs, true);
                        }
                    }
                }
            }
            stopProfiles(List.of(engine, echo), "routed");
            for (var c : List.of(callee, jdkCallee)) {
                if (c.errors.get() > 0) {
                    setupErrors.addAndGet(c.errors.get());
                    System.out.println("callee errors: " + c.errors.get() + ", last: " + c.lastError);
                }
            }
        } finally {
            calleeClient.close();
            engineCaller.close();
            floorCaller.close();
            observer.client.close();
            if (rbac) {
                rbacCaller.close();
                rbacObserver.client.close();
            }
            if (jdkReference) {
                jdkCaller.close();
                jdkCalleeClient.close();
            }
            if (sdk) {
                sdkCaller.close();
                sdkCallee.close();
                sdkInlineCallee.close();
            }
        }
    }

    /** Waits until an SDK callee's function answers the SDK caller through the engine. */
    private void awaitSdkCallable(String function) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                sdkCaller.call(function, new SdkDriver.Payload("0", ""), SdkDriver.Payload.class)
                        .toCompletableFuture().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the SDK callee's function never answered", e.getCause());
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * Checks that the gated listener really checks: a session calling a function its grant does not expose is
     * answered FORBIDDEN, or the rbac cells would not measure the access checks.
     */
    private static void checkGated(Rpc session) throws Exception {
        var reply = session.call("engine::workers::list", "{}", 5_000);
        if (MiniJson.member(reply, 0, "error") < 0 || !reply.contains("FORBIDDEN")) {
            throw new IllegalStateException("the RBAC-gated listener let a session call a function its grant does"
                    + " not expose: " + reply.substring(0, Math.min(300, reply.length())));
        }
    }

    /** Waits until a callee's function answers through the engine. */
    private void awaitCallable(Rpc observer, String function) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            var reply = observer.call(function, "{\"probe\":1}", 5_000);
            if (MiniJson.member(reply, 0, "result") >= 0) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the callee's function never answered: " + reply);
            }
            Thread.sleep(20);
        }
    }

    /** Lets one connection serve successive drivers. */
    /** Passes a connection's frames to the driver of the cell that runs on it. */
    static final class Switch implements Conn.Listener {
        volatile Conn.Listener current;

        @Override
        public void onText(Conn client, String text) {
            var listener = current;
            if (listener != null) {
                listener.onText(client, text);
            }
        }

        @Override
        public void onClosed(Conn client, Throwable error) {
            var listener = current;
            if (listener != null) {
                listener.onClosed(client, error);
            }
        }
    }

    /** A connection of the routed cells, on the chosen client. */
    private Conn connect(int port, String path, Conn.Listener listener, String name) throws IOException {
        return jdkClient ? JdkConn.connect(HOST, port, path, listener) : WsClient.connect(HOST, port, path, listener,
                name);
    }

    private void runCell(int round, String target, Switch sw, Conn client, int payload, int inflight,
                         long warmup, long measure, boolean report) throws Exception {
        Driver driver;
        if (SDK_TARGETS.contains(target)) {
            var sdkDriver = new SdkDriver(sdkCaller, target.equals("sdk") ? SdkDriver.FUNCTION
                    : SdkDriver.INLINE_FUNCTION, payload, inflight);
            sdkDriver.start();
            driver = sdkDriver;
        } else {
            var callDriver = new CallDriver(!target.equals("floor"), target.equals(JDK_TARGET)
                    ? CallDriver.JDK_FUNCTION : CallDriver.FUNCTION, payload, inflight);
            sw.current = callDriver;
            callDriver.start(client);
            driver = callDriver;
        }
        Thread.sleep(warmup);
        var server = target.equals("floor") ? echo : engine;
        long s0 = server.cpuNanos();
        long c0 = clientCpuNanos();
        long t0 = System.nanoTime();
        driver.record(true);
        Thread.sleep(measure);
        driver.record(false);
        long t1 = System.nanoTime();
        long s1 = server.cpuNanos();
        long c1 = clientCpuNanos();
        driver.stop(10_000);
        if (sw != null) {
            sw.current = null;
        }
        if (!report) {
            if (driver.errors() > 0) {
                setupErrors.addAndGet(driver.errors());
                System.out.printf("warm-up %s %d B x %d: %d errors %s%n", target, payload, inflight, driver.errors(),
                        driver.errorSamples());
            }
            return;
        }
        var samples = driver.sortedSamples();
        var cell = new Cell(round, payload, inflight, target, driver.completed() / ((t1 - t0) / 1e9),
                quantile(samples, 0.5), quantile(samples, 0.99), quantile(samples, 0.999), driver.errors(),
                driver.completed(), (s1 - s0) / 1e3 / driver.completed(), (c1 - c0) / 1e3 / driver.completed());
        cells.add(cell);
        System.out.printf(Locale.ROOT, "round %d  %-6s %4d B x %-2d  %8.0f calls/s  p50 %7.1f us  p99 %8.1f us"
                        + "  p999 %8.1f us  cpu/call server %5.1f us client %5.1f us  calls %7d  errors %d%s%n",
                round, target, payload, inflight, cell.callsPerSecond(), cell.p50(), cell.p99(), cell.p999(),
                cell.serverCpuUs(), cell.clientCpuUs(), cell.calls(), cell.errors(),
                cell.errors() > 0 ? "  " + driver.errorSamples() : "");
    }

    /** CPU time of this JVM (the client, and the callee of routed calls). */
    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The {@code q} quantile of sorted nanosecond samples, in microseconds (NaN without samples). */
    static double quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e3;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Control plane

    private void controlPlane() throws Exception {
        var observer = Rpc.connect(HOST, engine.port, "/", setupErrors, "bench-cp-observer");
        try {
            observer.awaitRegistered(10_000);
            int baseline = workerCount(observer);
            startProfiles(List.of(engine));
            for (int round = 1; round <= rounds; round++) {
                if (Double.isNaN(awaitWorkerCount(observer, baseline))) {
                    setupErrors.incrementAndGet();
                    System.out.println("the workers of the previous round are still listed after 60 s");
                }
                controlPlaneRound(observer, round);
            }
            stopProfiles(List.of(engine), "control");
        } finally {
            observer.client.close();
        }
    }

    private void controlPlaneRound(Rpc observer, int round) throws Exception {
        var marker = "\"function_id\":\"cp" + round + ".w";
        var errors = new AtomicLong();
        var before = listFunctions(observer);
        int baselineRows = MiniJson.count(before, "\"function_id\":");
        if (MiniJson.count(before, marker) != 0) {
            throw new IllegalStateException("round " + round + "'s functions are already listed");
        }

        long c0 = System.nanoTime();
        var workers = connectWorkers(cpWorkers, errors, "cp" + round, false);
        double connectMs = (System.nanoTime() - c0) / 1e6;
        var frames = new ArrayList<List<String>>();
        for (int w = 0; w < cpWorkers; w++) {
            var list = new ArrayList<String>(cpFunctions);
            for (int f = 0; f < cpFunctions; f++) {
                list.add("{\"type\":\"registerfunction\",\"id\":\"cp" + round + ".w" + w + "::f" + f
                        + "\",\"description\":\"benchmark function " + f + " of worker " + w + "\"}");
            }
            frames.add(list);
        }
        int expected = cpWorkers * cpFunctions;

        long t0 = System.nanoTime();
        var sends = new ArrayList<Future<?>>();
        for (int w = 0; w < cpWorkers; w++) {
            var worker = workers.get(w);
            var list = frames.get(w);
            sends.add(pool.submit((Callable<Void>) () -> {
                worker.client.sendAll(list);
                return null;
            }));
        }
        int polls = 0;
        double listedMs = Double.NaN;
        double sentMs = Double.NaN;
        double listCallMs = Double.NaN;
        while (System.nanoTime() - t0 < 30e9) {
            long p0 = System.nanoTime();
            var list = listFunctions(observer);
            long p1 = System.nanoTime();
            polls++;
            if (Double.isNaN(sentMs) && sends.stream().allMatch(Future::isDone)) {
                sentMs = (System.nanoTime() - t0) / 1e6;
            }
            int n = MiniJson.count(list, marker);
            if (n > expected) {
                errors.incrementAndGet();
                System.out.println("more functions listed than registered: " + n);
            }
            if (n == expected) {
                listedMs = (p1 - t0) / 1e6;
                listCallMs = (p1 - p0) / 1e6;
                break;
            }
        }
        for (var send : sends) {
            send.get();
        }
        if (Double.isNaN(sentMs)) {
            sentMs = (System.nanoTime() - t0) / 1e6;
        }
        if (Double.isNaN(listedMs)) {
            errors.incrementAndGet();
            System.out.println("round " + round + ": not all " + expected + " functions were listed within 30 s");
        }

        long d0 = System.nanoTime();
        var closes = new ArrayList<Future<?>>();
        for (var worker : workers) {
            closes.add(pool.submit(worker.client::close));
        }
        double cleanupMs = Double.NaN;
        int cleanupPolls = 0;
        while (System.nanoTime() - d0 < 30e9) {
            var list = listFunctions(observer);
            long p1 = System.nanoTime();
            cleanupPolls++;
            if (MiniJson.count(list, marker) == 0 && MiniJson.count(list, "\"function_id\":") <= baselineRows) {
                cleanupMs = (p1 - d0) / 1e6;
                break;
            }
        }
        for (var close : closes) {
            close.get();
        }
        if (Double.isNaN(cleanupMs)) {
            errors.incrementAndGet();
            System.out.println("round " + round + ": the list was not back to its baseline within 30 s");
        }
        var result = new ControlPlane(round, connectMs, sentMs, listedMs, polls, listCallMs, cleanupMs,
                errors.get());
        controlPlanes.add(result);
        System.out.printf(Locale.ROOT, "round %d  control %d x %d  connect %.0f ms  sent %.0f ms  listed %.0f ms"
                        + " (%d polls, last list %.1f ms)  cleanup %.0f ms (%d polls)  errors %d%n", round, cpWorkers,
                cpFunctions, connectMs, sentMs, listedMs, polls, listCallMs, cleanupMs, cleanupPolls, errors.get());
    }

    private String listFunctions(Rpc observer) throws Exception {
        var reply = observer.call("engine::functions::list", "{}", 30_000);
        if (MiniJson.member(reply, 0, "result") < 0) {
            throw new IllegalStateException("engine::functions::list failed: " + reply.substring(0,
                    Math.min(300, reply.length())));
        }
        return reply;
    }

    /** Connects {@code n} workers in parallel, each waiting for {@code workerregistered} (engine only). */
    private List<Rpc> connectWorkers(int n, AtomicLong errors, String label, boolean toEcho) throws Exception {
        var futures = new ArrayList<Future<Rpc>>();
        for (int i = 0; i < n; i++) {
            int index = i;
            futures.add(pool.submit(() -> {
                var rpc = toEcho
                        ? Rpc.connect(HOST, echo.port, "/echo", errors, label + "-" + index)
                        : Rpc.connect(HOST, engine.port, "/", errors, label + "-" + index);
                if (!toEcho) {
                    rpc.awaitRegistered(30_000);
                }
                return rpc;
            }));
        }
        var workers = new ArrayList<Rpc>(n);
        for (var future : futures) {
            workers.add(future.get());
        }
        return workers;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Heap per idle connection

    private void heap() throws Exception {
        var observer = Rpc.connect(HOST, engine.port, "/", setupErrors, "bench-heap-observer");
        try {
            observer.awaitRegistered(10_000);
            int baseline = workerCount(observer);
            for (int round = 1; round <= rounds; round++) {
                for (var target : List.of("engine", "floor")) {
                    heapRound(round, target, observer, baseline);
                }
            }
        } finally {
            observer.client.close();
        }
    }

    /** Rows of {@code engine::workers::list}. */
    private static int workerCount(Rpc observer) throws Exception {
        var reply = observer.call("engine::workers::list", "{}", 30_000);
        if (MiniJson.member(reply, 0, "result") < 0) {
            throw new IllegalStateException("engine::workers::list failed: " + reply);
        }
        return MiniJson.count(reply, "\"connected_at_ms\":");
    }

    /** Polls until the engine lists at most {@code count} workers; returns the milliseconds it took, NaN after 60 s. */
    private static double awaitWorkerCount(Rpc observer, int count) throws Exception {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 60e9) {
            if (workerCount(observer) <= count) {
                return (System.nanoTime() - t0) / 1e6;
            }
            Thread.sleep(20);
        }
        return Double.NaN;
    }

    private void heapRound(int round, String target, Rpc observer, int baseline) throws Exception {
        var server = target.equals("engine") ? engine : echo;
        var errors = new AtomicLong();
        server.liveHeap();
        var before = server.liveHeap();
        long c0 = System.nanoTime();
        var workers = connectWorkers(idleWorkers, errors, "idle" + round, target.equals("floor"));
        double connectMs = (System.nanoTime() - c0) / 1e6;
        if (target.equals("engine")) {
            // what every SDK sends right after connecting (fire-and-forget)
            for (int i = 0; i < workers.size(); i++) {
                workers.get(i).send("{\"type\":\"invokefunction\",\"function_id\":\"engine::workers::register\","
                        + "\"data\":{\"runtime\":\"java\",\"version\":\"bench\",\"name\":\"idle-" + i
                        + "\",\"os\":\"linux\",\"pid\":" + (100000 + i) + "},\"action\":{\"type\":\"void\"}}");
            }
        }
        Thread.sleep(1000);
        var after = server.liveHeap();
        double mib = (after.get("") - before.get("")) * 1000.0 / idleWorkers / (1 << 20);
        for (var worker : workers) {
            worker.client.close();
        }
        var gone = "";
        if (target.equals("engine")) {
            // the next round's baseline must not hold this round's workers
            double goneMs = awaitWorkerCount(observer, baseline);
            if (Double.isNaN(goneMs)) {
                errors.incrementAndGet();
                gone = ", still listed 60 s after closing";
            } else {
                gone = String.format(Locale.ROOT, ", gone from engine::workers::list %.0f ms after closing", goneMs);
            }
        }
        heaps.add(new Heap(round, target, mib, connectMs, errors.get()));
        System.out.printf(Locale.ROOT, "round %d  heap %-6s %d idle connections: %+.2f MiB per 1,000 (connected in"
                + " %.0f ms%s)  errors %d%n", round, target, idleWorkers, mib, connectMs, gone, errors.get());
        if (round == 1) {
            var growth = new HashMap<String, Long>();
            after.forEach((cls, bytes) -> {
                if (!cls.isEmpty()) {
                    growth.put(cls, bytes - before.getOrDefault(cls, 0L));
                }
            });
            var top = growth.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(8).map(e -> String.format(Locale.ROOT, "%s %+.0f B", e.getKey(),
                            (double) e.getValue() / idleWorkers)).toList();
            System.out.println("        per connection, largest growth: " + String.join(", ", top));
        }
        Thread.sleep(1000);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Report

    private void printTable() {
        System.out.println();
        System.out.printf("=== medians of %d rounds (machine shared: expect noise) ===%n", rounds);
        if (!cells.isEmpty()) {
            System.out.printf("%-18s %-6s %9s %8s %9s %9s %10s %10s %6s %10s %9s%n", "cell", "target", "calls/s",
                    "p50 us", "p99 us", "p999 us", "srv cpu/c", "cli cpu/c", "errors", "tput/floor", "p50/floor");
            for (int payload : payloads) {
                for (int inflight : inflights) {
                    var floor = cellsOf(payload, inflight, "floor");
                    for (var target : List.of("floor", "engine", "rbac", JDK_TARGET, "sdk", "sdk-in")) {
                        var list = cellsOf(payload, inflight, target);
                        if (list.isEmpty()) {
                            continue;
                        }
                        double tput = median(list, Cell::callsPerSecond);
                        double p50 = median(list, Cell::p50);
                        System.out.printf(Locale.ROOT,
                                "%-18s %-6s %9.0f %8.1f %9.1f %9.1f %8.1fus %8.1fus %6d %10.2f %9.2f%n",
                                (target.equals("floor") ? "echo " : "routed ") + payload + " B x " + inflight, target,
                                tput, p50, median(list, Cell::p99), median(list, Cell::p999),
                                median(list, Cell::serverCpuUs), median(list, Cell::clientCpuUs),
                                list.stream().mapToLong(Cell::errors).sum(),
                                tput / median(floor, Cell::callsPerSecond), p50 / median(floor, Cell::p50));
                    }
                    printRbacVsTrusted(payload, inflight);
                    for (var target : SDK_TARGETS) {
                        printSdkVsRaw(target, payload, inflight);
                    }
                }
            }
        }
        if (!controlPlanes.isEmpty()) {
            System.out.printf(Locale.ROOT, "control plane %d workers x %d functions: connect %.0f ms, all listed %.0f ms"
                            + " after the first registerfunction (client done sending at %.0f ms; one list of them"
                            + " takes %.1f ms), back to baseline %.0f ms after the disconnects; errors %d%n",
                    cpWorkers, cpFunctions, medianCp(ControlPlane::connectMs), medianCp(ControlPlane::listedMs),
                    medianCp(ControlPlane::sentMs), medianCp(ControlPlane::listCallMs),
                    medianCp(ControlPlane::cleanupMs), controlPlanes.stream().mapToLong(ControlPlane::errors).sum());
        }
        if (!heaps.isEmpty()) {
            double engineHeap = medianHeap("engine");
            double floorHeap = medianHeap("floor");
            System.out.printf(Locale.ROOT, "heap per 1,000 idle connections: engine %.2f MiB, echo floor %.2f MiB"
                    + " (ratio %.2f); connecting %d: engine %.0f ms, echo floor %.0f ms; errors %d%n", engineHeap,
                    floorHeap, engineHeap / floorHeap, idleWorkers, medianHeapConnect("engine"),
                    medianHeapConnect("floor"), heaps.stream().mapToLong(Heap::errors).sum());
        }
        System.out.println();
        System.out.println("=== issue 5 targets ===");
        if (!cells.isEmpty()) {
            target("128 B x 1: p50 <= 2.0x floor", ratio(128, 1, Cell::p50), r -> r <= 2.0);
            target("128 B x 64: calls/s >= 0.45x floor", ratio(128, 64, Cell::callsPerSecond), r -> r >= 0.45);
            target("4096 B x 64: calls/s >= 0.45x floor", ratio(4096, 64, Cell::callsPerSecond), r -> r >= 0.45);
            long errors = cells.stream().mapToLong(Cell::errors).sum();
            System.out.printf("  %-44s %10d  %s%n", "errors in routed, rbac and floor cells", errors,
                    errors == 0 ? "ok" : "FAIL");
        }
        if (!controlPlanes.isEmpty() && cpWorkers * cpFunctions == 10_000) {
            target("10,000 registrations listed within 500 ms", medianCp(ControlPlane::listedMs), v -> v <= 500);
            target("cleanup of 200 workers visible within 200 ms", medianCp(ControlPlane::cleanupMs), v -> v <= 200);
        }
        if (!heaps.isEmpty()) {
            target("1,000 idle workers under 100 MiB of heap", medianHeap("engine"), v -> v < 100);
        }
        if (setupErrors.get() > 0) {
            System.out.println("  errors outside the cells (warm-up, callee, observers): " + setupErrors.get());
        }
        printSdkSummary();
        var costs = new ArrayList<String>();
        var perCell = new ArrayList<Double>();
        var perRound = new ArrayList<Double>();
        for (int payload : payloads) {
            for (int inflight : inflights) {
                var paired = pairedCosts(payload, inflight);
                if (!paired.isEmpty()) {
                    double cost = median(paired, Double::doubleValue);
                    perCell.add(cost);
                    perRound.addAll(paired);
                    costs.add(String.format(Locale.ROOT, "%d B x %d %+.1f %%", payload, inflight, cost));
                }
            }
        }
        if (!perCell.isEmpty()) {
            double cost = median(perCell, Double::doubleValue);
            System.out.println();
            System.out.println("=== access checks of the RBAC-gated listener ===");
            System.out.printf(Locale.ROOT, "  check cost: %.1f %% of a call (target <= 5 %%)  %s%n", cost,
                    cost <= 5 ? "ok" : "MISSED");
            System.out.println("    median over the routed cells of the extra time per call of the rbac caller,"
                    + " paired per round (trusted calls/s / rbac calls/s - 1); per cell: " + String.join(", ", costs));
            System.out.printf(Locale.ROOT, "    the %d paired rounds range from %+.1f %% to %+.1f %%: differences"
                            + " within that spread are the machine's noise%n", perRound.size(),
                    perRound.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    perRound.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
        }
    }

    /**
     * An SDK cell against the raw client's routed cell of the same size and calls in flight, and against the raw
     * client on the JDK's WebSocket (target {@code jdk}) when that ran.
     */
    private void printSdkVsRaw(String target, int payload, int inflight) {
        var viaSdk = cellsOf(payload, inflight, target);
        for (var reference : List.of("engine", JDK_TARGET)) {
            var raw = cellsOf(payload, inflight, reference);
            if (raw.isEmpty() || viaSdk.isEmpty()) {
                continue;
            }
            double p50 = median(raw, Cell::p50);
            double dp50 = median(viaSdk, Cell::p50) - p50;
            System.out.printf(Locale.ROOT, "  %-6s vs %-3s: calls/s %.3fx (paired per round %.3fx), p50 %+.1f us,"
                            + " client cpu/call %+.1f us%n", target, reference.equals("engine") ? "raw" : reference,
                    median(viaSdk, Cell::callsPerSecond) / median(raw, Cell::callsPerSecond),
                    median(pairedSdkRatios(target, reference, payload, inflight), Double::doubleValue), dp50,
                    median(viaSdk, Cell::clientCpuUs) - median(raw, Cell::clientCpuUs));
        }
    }

    /** Per round, an SDK cell's calls/s over those of the {@code reference} target's cell. */
    private List<Double> pairedSdkRatios(String target, String reference, int payload, int inflight) {
        var ratios = new ArrayList<Double>();
        for (var viaSdk : cellsOf(payload, inflight, target)) {
            cells.stream().filter(c -> c.round() == viaSdk.round() && c.payload() == payload
                            && c.inflight() == inflight && c.target().equals(reference)).findFirst()
                    .ifPresent(raw -> ratios.add(viaSdk.callsPerSecond() / raw.callsPerSecond()));
        }
        return ratios;
    }

    /**
     * What the Java SDK (caller and callee) costs against the raw client, over the routed cells; and against the raw
     * client on the JDK's WebSocket, the SDK's own transport, which tells what of it is the SDK's own work.
     */
    private void printSdkSummary() {
        boolean first = true;
        for (var target : SDK_TARGETS) {
            for (var reference : List.of("engine", JDK_TARGET)) {
                var perCell = new ArrayList<Double>();
                var parts = new ArrayList<String>();
                for (int payload : payloads) {
                    for (int inflight : inflights) {
                        var paired = pairedSdkRatios(target, reference, payload, inflight);
                        if (!paired.isEmpty()) {
                            double ratio = median(paired, Double::doubleValue);
                            perCell.add(ratio);
                            parts.add(String.format(Locale.ROOT, "%d B x %d %.3fx", payload, inflight, ratio));
                        }
                    }
                }
                if (perCell.isEmpty()) {
                    continue;
                }
                if (first) {
                    System.out.println();
                    System.out.println("=== Java SDK (iii.sdk.Iii as caller and callee) vs the raw client ===");
                    first = false;
                }
                double worst = perCell.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
                double median = median(perCell, Double::doubleValue);
                var handlers = target.equals("sdk") ? "handlers on the worker's pool (the default)"
                        : "handlers on the client's thread (executor Runnable::run)";
                if (reference.equals("engine")) {
                    System.out.printf(Locale.ROOT, "  SDK cost, %s: %.1f %% of the raw client's calls/s in its worst"
                                    + " cell, %.1f %% median (target <= 15 %%)  %s%n", handlers, 100 * (1 - worst),
                            100 * (1 - median), 1 - worst <= 0.15 ? "ok" : "MISSED");
                } else {
                    System.out.printf(Locale.ROOT, "    against the raw client on the JDK's WebSocket, as the SDK's:"
                            + " %.1f %% in its worst cell, %.1f %% median%n", 100 * (1 - worst), 100 * (1 - median));
                }
                System.out.println("    " + target + " calls/s / " + (reference.equals("engine") ? "raw" : reference)
                        + " calls/s, paired per round, median per cell: " + String.join(", ", parts));
            }
        }
    }

    /**
     * The rbac cell against the trusted routed cell of the same size and calls in flight: calls/s ratio, p50 and p99
     * difference in microseconds and as a share of the trusted call, server CPU per call, and the check cost.
     */
    private void printRbacVsTrusted(int payload, int inflight) {
        var trusted = cellsOf(payload, inflight, "engine");
        var gated = cellsOf(payload, inflight, "rbac");
        if (trusted.isEmpty() || gated.isEmpty()) {
            return;
        }
        double p50 = median(trusted, Cell::p50);
        double p99 = median(trusted, Cell::p99);
        double cpu = median(trusted, Cell::serverCpuUs);
        double dp50 = median(gated, Cell::p50) - p50;
        double dp99 = median(gated, Cell::p99) - p99;
        double dcpu = median(gated, Cell::serverCpuUs) - cpu;
        System.out.printf(Locale.ROOT, "  rbac vs trusted: calls/s %.3fx, p50 %+.1f us (%+.1f %% of the trusted call),"
                        + " p99 %+.1f us (%+.1f %%), srv cpu/call %+.1f us (%+.1f %%), check cost %+.1f %%%n",
                median(gated, Cell::callsPerSecond) / median(trusted, Cell::callsPerSecond), dp50, 100 * dp50 / p50,
                dp99, 100 * dp99 / p99, dcpu, 100 * dcpu / cpu, checkCost(payload, inflight));
    }

    /**
     * What the access checks add to a call, in % of a trusted call: per round, the trusted cell's calls/s over the
     * rbac cell's minus 1 (with a fixed number of calls in flight, the extra time per call), measured next to each
     * other; the median of the rounds. NaN without both cells.
     */
    private double checkCost(int payload, int inflight) {
        return median(pairedCosts(payload, inflight), Double::doubleValue);
    }

    /** Per round, the trusted cell's calls/s over the rbac cell's minus 1, in %. */
    private List<Double> pairedCosts(int payload, int inflight) {
        var costs = new ArrayList<Double>();
        for (var gated : cellsOf(payload, inflight, "rbac")) {
            cells.stream().filter(c -> c.round() == gated.round() && c.payload() == payload
                            && c.inflight() == inflight && c.target().equals("engine")).findFirst()
                    .ifPresent(trusted -> costs.add(100 * (trusted.callsPerSecond() / gated.callsPerSecond() - 1)));
        }
        return costs;
    }

    private static void target(String what, double value, java.util.function.DoublePredicate ok) {
        System.out.printf(Locale.ROOT, "  %-44s %10.2f  %s%n", what, value,
                Double.isNaN(value) ? "n/a" : ok.test(value) ? "ok" : "MISSED");
    }

    private double ratio(int payload, int inflight, ToDoubleFunction<Cell> metric) {
        var floor = cellsOf(payload, inflight, "floor");
        var routed = cellsOf(payload, inflight, "engine");
        if (floor.isEmpty() || routed.isEmpty()) {
            return Double.NaN;
        }
        return median(routed, metric) / median(floor, metric);
    }

    private List<Cell> cellsOf(int payload, int inflight, String target) {
        return cells.stream().filter(c -> c.payload() == payload && c.inflight() == inflight
                && c.target().equals(target)).toList();
    }

    private double medianCp(ToDoubleFunction<ControlPlane> metric) {
        return median(controlPlanes, metric);
    }

    private double medianHeap(String target) {
        return median(heaps.stream().filter(h -> h.target().equals(target)).toList(), Heap::mibPer1000);
    }

    private double medianHeapConnect(String target) {
        return median(heaps.stream().filter(h -> h.target().equals(target)).toList(), Heap::connectMs);
    }

    private static <T> double median(List<T> list, ToDoubleFunction<T> metric) {
        var values = list.stream().mapToDouble(metric).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
