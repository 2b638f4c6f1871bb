package iii.engine.fault;

import iii.engine.bench.Server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fault suite: the real engine ({@code target/iii-engine.war} on {@code target/payara-micro.jar}, started as the
 * benchmark starts it, on free loopback ports) under bad and hostile input, beside two well-behaved workers
 * ({@link Traffic}) that keep calling each other. Run by {@code bin/fault}. Probes that need a short heartbeat get an
 * engine of their own, started after the first one stops: elsewhere a short beat would cut off any sender that is
 * busy for a few seconds and hide what the probe measures.
 *
 * <p>Each probe is bounded in count and time, runs under a deadline (past it, it is cut off and reported as a hang),
 * and adds rows to one table: what was measured, the figure, the limit, ok or FAIL. After every probe the suite
 * checks that the engine process lives, that {@code /health/live} is UP, that the well-behaved workers' calls had no
 * error and that their functions are still listed. The exit status is 1 when any row failed.
 */
public final class Fault {

    /** The probes, in the order they run. */
    static final Map<String, Probe> PROBES = new LinkedHashMap<>();

    static {
        PROBES.put("fuzz", new FuzzProbe());
        PROBES.put("rbac", new RbacProbe());
        PROBES.put("churn", new ChurnProbe());
        PROBES.put("slow-body", new SlowBodiesProbe());
        PROBES.put("stalled", new StalledReaderProbe());
        // last on its engine: what the big frames leave in the heap would be the next probe's baseline
        PROBES.put("big", new BigFramesProbe());
        PROBES.put("slow-upload", new SlowUploadProbe());
    }

    /** One probe of the suite. */
    interface Probe {
        /** How long it may take before it is taken as hung. */
        long deadlineSeconds(Options options);

        /** Whether it needs the engine's heartbeat short ({@code --heartbeat-ms}); such probes get an engine of their own. */
        default boolean shortHeartbeat() {
            return false;
        }

        /** Runs against the engine, adding rows to {@code suite}; closes what it opens through {@code closer}. */
        void run(Fault suite, Closer closer) throws Exception;
    }

    /** One line of the table. */
    record Row(String probe, String measured, String figure, String limit, boolean ok) {
    }

    /** The command line. */
    static final class Options {
        /** Every probe but {@code rbac}, which would take the suite past five minutes: {@code --probes=rbac} runs it. */
        List<String> probes = PROBES.keySet().stream().filter(p -> !p.equals("rbac")).toList();
        int fuzzFrames = 20_000;
        int fuzzConnections = 50;
        int rbacFrames = 5_000;
        int rbacSessions = 20;
        int rbacSlow = 48;
        List<String> fuzzKinds = List.of(FuzzProbe.KINDS);
        int bigFrames = 12;
        int bigParallel = 4;
        int bigMinMib = 20;
        int bigMaxMib = 60;
        int slowBodies = 200;
        int slowBodySeconds = 20;
        int uploadMib = 8;
        int uploadKibps = 128;
        int churnSeconds = 20;
        int heartbeatMs = 2000;
        int sendQueueLimit = 4 << 20;
        long heapSlackMib = 32;
        long bigHeapSlackMib = 64;
        double logBytesPerFrame = 50;
        /** Every probe's deadline instead of its own, when above 0. */
        long deadlineSeconds;

        static Options parse(String[] args) {
            var o = new Options();
            for (var arg : args) {
                var kv = arg.split("=", 2);
                var v = kv.length > 1 ? kv[1] : "";
                switch (kv[0]) {
                    case "--probes" -> {
                        o.probes = List.of(v.split(","));
                        for (var p : o.probes) {
                            if (!PROBES.containsKey(p)) {
                                usage("unknown probe " + p);
                            }
                        }
                    }
                    case "--fuzz-frames" -> o.fuzzFrames = Integer.parseInt(v);
                    case "--fuzz-connections" -> o.fuzzConnections = Integer.parseInt(v);
                    case "--fuzz-kinds" -> {
                        o.fuzzKinds = List.of(v.split(","));
                        if (!List.of(FuzzProbe.KINDS).containsAll(o.fuzzKinds)) {
                            usage("--fuzz-kinds: some of " + String.join(",", FuzzProbe.KINDS));
                        }
                    }
                    case "--rbac-frames" -> o.rbacFrames = Integer.parseInt(v);
                    case "--rbac-sessions" -> o.rbacSessions = Integer.parseInt(v);
                    case "--rbac-slow" -> o.rbacSlow = Integer.parseInt(v);
                    case "--big-frames" -> o.bigFrames = Integer.parseInt(v);
                    case "--big-parallel" -> o.bigParallel = Integer.parseInt(v);
                    case "--big-min-mib" -> o.bigMinMib = Integer.parseInt(v);
                    case "--big-max-mib" -> o.bigMaxMib = Integer.parseInt(v);
                    case "--slow-bodies" -> o.slowBodies = Integer.parseInt(v);
                    case "--slow-body-seconds" -> o.slowBodySeconds = Integer.parseInt(v);
                    case "--upload-mib" -> o.uploadMib = Integer.parseInt(v);
                    case "--upload-kibps" -> o.uploadKibps = Integer.parseInt(v);
                    case "--churn-seconds" -> o.churnSeconds = Integer.parseInt(v);
                    case "--heartbeat-ms" -> o.heartbeatMs = Integer.parseInt(v);
                    case "--send-queue-limit" -> o.sendQueueLimit = Integer.parseInt(v);
                    case "--deadline-seconds" -> o.deadlineSeconds = Long.parseLong(v);
                    case "--help" -> usage(null);
                    default -> usage("unknown option " + arg);
                }
            }
            if (o.fuzzConnections < 1 || o.rbacSessions < 1 || o.rbacSlow < 1 || o.bigFrames < 1 || o.bigParallel < 1
                    || o.bigMinMib > o.bigMaxMib) {
                usage("sizes must be positive and --big-min-mib <= --big-max-mib");
            }
            return o;
        }

        private static void usage(String problem) {
            if (problem != null) {
                System.err.println("bin/fault: " + problem);
            }
            System.err.println("""
                    usage: bin/fault [--probes=fuzz,rbac,churn,slow-body,stalled,big,slow-upload]
                                     [--fuzz-frames=20000] [--fuzz-connections=50] [--fuzz-kinds=KIND,...]
                                     [--rbac-frames=5000] [--rbac-sessions=20] [--rbac-slow=48]
                                     [--big-frames=12] [--big-parallel=4] [--big-min-mib=20] [--big-max-mib=60]
                                     [--slow-bodies=200] [--slow-body-seconds=20]
                                     [--upload-mib=8] [--upload-kibps=128] [--churn-seconds=20]
                                     [--heartbeat-ms=2000] [--send-queue-limit=4194304] [--deadline-seconds=N]
                      fuzz         malformed frames over many connections; log bytes per bad frame, heap after
                      rbac         hostile upgrades to the RBAC-gated port (bad, missing, slow tokens; huge
                                   headers, garbage), then fuzz, forbidden calls and takeover attempts over
                                   admitted sessions: nothing upgraded wrongly, nothing taken over (not run
                                   by default: --probes=rbac, or list it with the others)
                      churn        workers killed while they are called: no call hangs, nothing stale, no leak
                      slow-body    HTTP-trigger requests whose bodies trickle in, beside a normal request
                      stalled      a worker that stops reading: unlisted and its socket closed
                      big          frames of 20-60 MiB and one over 64 MiB, refused with payload_too_large
                      slow-upload  one frame sent slowly while the heartbeat runs: it must be answered
                    The engine runs with iii.send-queue-limit as given; slow-upload gets an engine of its own with
                    iii.heartbeat-ms as given (short, so that it is quick).
                    --fuzz-kinds: some of garbage-text, truncated-json, wrong-types, huge-ids, bad-utf8-binary,
                           binary-garbage, bad-fields, deep-nesting, bad-utf8-text, reserved-opcode (default: all)
                    --deadline-seconds: every probe's deadline instead of its own (past it, a probe is reported hung)
                    --rbac-slow: upgrades whose auth never answers, sent at once (over iii.rbac.max-pending-auth,
                           16, they get 503); the engine's RBAC port has an auth function with a 1 s timeout
                    Scale up with e.g. --fuzz-frames=100000 --fuzz-connections=200.
                    environment: FAULT_JAVA_OPTS  JVM options for Payara Micro; FAULT_SKIP_BUILD=1: use target/
                    Exit status: 0 when every row is ok, 1 when any failed (crash, hang, loss, leak), 2 on usage.""");
            System.exit(problem == null ? 0 : 2);
        }
    }

    final Options options;
    final Path root;
    final Path out;
    Server engine;
    int httpPort;
    /** The engine's RBAC-gated worker port, 0 when it has none (only an engine that runs the {@code rbac} probe). */
    int rbacPort;
    Traffic traffic;
    Peer observer;
    private final List<Row> rows = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String current = "";

    private Fault(Options options) {
        this.options = options;
        this.root = Path.of("").toAbsolutePath();
        this.out = root.resolve("target/fault");
    }

    public static void main(String[] args) throws Exception {
        var suite = new Fault(Options.parse(args));
        int status;
        try {
            status = suite.run();
        } catch (Exception e) {
            System.out.println("bin/fault: " + e);
            status = 1;
        }
        System.exit(status);
    }

    private int run() throws Exception {
        var war = root.resolve("target/iii-engine.war");
        if (!Files.exists(war) || !Files.exists(root.resolve("target/payara-micro.jar"))) {
            throw new IllegalStateException("build first: target/iii-engine.war and target/payara-micro.jar");
        }
        Files.createDirectories(out);
        long began = System.nanoTime();
        // the short heartbeat only where it is the point: elsewhere it would cut off any sender busy for seconds
        var plain = options.probes.stream().filter(p -> !PROBES.get(p).shortHeartbeat()).toList();
        var beating = options.probes.stream().filter(p -> PROBES.get(p).shortHeartbeat()).toList();
        boolean go = plain.isEmpty() || runEngine(war, "fault-engine", false, plain);
        if (go && !beating.isEmpty()) {
            runEngine(war, "fault-engine-heartbeat", true, beating);
        }
        printTable();
        System.out.printf(Locale.ROOT, "done in %.0f s%n", (System.nanoTime() - began) / 1e9);
        return rows.stream().allMatch(Row::ok) ? 0 : 1;
    }

    /** Starts an engine, runs {@code probes} against it, stops it; false when it crashed. */
    private boolean runEngine(Path war, String name, boolean shortHeartbeat, List<String> probes) throws Exception {
        var jvm = new ArrayList<String>();
        var env = System.getenv("FAULT_JAVA_OPTS");
        if (env != null && !env.isBlank()) {
            jvm.addAll(List.of(env.trim().split("\\s+")));
        }
        if (shortHeartbeat) {
            jvm.add("-Diii.heartbeat-ms=" + options.heartbeatMs);
        }
        jvm.add("-Diii.send-queue-limit=" + options.sendQueueLimit);
        httpPort = Server.freePort();
        rbacPort = probes.contains("rbac") ? Server.freePort() : 0;
        var environment = rbacPort == 0 ? Map.<String, String>of() : RbacProbe.engineEnvironment(rbacPort);
        engine = Server.start(name, root, Path.of(System.getProperty("java.home")),
                root.resolve("target/payara-micro.jar"), war, Server.freePort(), httpPort, true, jvm, environment, out);
        var server = engine;
        var stop = new Thread(server::close);
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            engine.awaitReady(240);
            System.out.printf(Locale.ROOT, "%s: ws://127.0.0.1:%d/ (pid %d), HTTP triggers on %d, ready after %.1f s;"
                            + " heartbeat %s, send queue limit %d%s; log %s%n", name, engine.port, engine.pid(),
                    httpPort, engine.startupSeconds(), shortHeartbeat ? options.heartbeatMs + " ms" : "default",
                    options.sendQueueLimit, rbacPort == 0 ? "" : "; RBAC-gated workers on " + rbacPort,
                    root.relativize(engine.log));
            traffic = new Traffic(engine.port);
            observer = Peer.connect(engine.port, "fault-observer");
            for (var probe : probes) {
                if (!runProbe(probe)) {
                    return false;
                }
            }
            return true;
        } finally {
            if (traffic != null) {
                traffic.close();
                traffic = null;
            }
            engine.close();
            Runtime.getRuntime().removeShutdownHook(stop);
        }
    }

    /** Runs one probe under its deadline, then the checks every probe gets; false when the engine is gone. */
    private boolean runProbe(String name) throws Exception {
        current = name;
        var probe = PROBES.get(name);
        long deadline = options.deadlineSeconds > 0 ? options.deadlineSeconds : probe.deadlineSeconds(options);
        System.out.printf(Locale.ROOT, "--- %s (deadline %d s)%n", name, deadline);
        traffic.window();
        var closer = new Closer();
        var thread = Executors.newSingleThreadExecutor(r -> {
            var t = new Thread(r, "fault-" + name);
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        var run = thread.submit(() -> {
            probe.run(this, closer);
            return null;
        });
        try {
            run.get(deadline, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            row("finished within its deadline", "hung: cut off after " + deadline + " s", "<= " + deadline + " s",
                    false);
            run.cancel(true);
        } catch (ExecutionException e) {
            var cause = e.getCause();
            row("ran to its end", "failed: " + head(String.valueOf(cause)), "no exception", false);
            cause.printStackTrace(System.out);
        } finally {
            closer.close();
            thread.shutdownNow();
        }
        System.out.printf(Locale.ROOT, "    (%s took %.1f s)%n", name, (System.nanoTime() - t0) / 1e9);
        var window = traffic.window();
        row("well-behaved calls during it", window.describe(), "0 errors", window.errors() == 0 && window.calls() > 0);
        boolean alive = engineLive();
        boolean listed = alive && traffic.listed(observer);
        row("engine alive, /health/live, peers listed", !engine.isAlive() ? "process gone (crash)"
                : !alive ? "/health/live not UP" : listed ? "UP, both listed" : "UP, peers' functions missing",
                "UP, both listed", alive && listed);
        return engine.isAlive();
    }

    /** Adds a row to the table for the running probe, and prints it. */
    void row(String measured, String figure, String limit, boolean ok) {
        var row = new Row(current, measured, figure, limit, ok);
        rows.add(row);
        System.out.printf("    %-4s %s: %s (limit %s)%n", ok ? "ok" : "FAIL", measured, figure, limit);
    }

    private void printTable() {
        System.out.println();
        System.out.println("=== fault suite ===");
        int w1 = 11;
        int w2 = rows.stream().mapToInt(r -> r.measured().length()).max().orElse(10);
        int w3 = Math.min(60, rows.stream().mapToInt(r -> r.figure().length()).max().orElse(10));
        int w4 = rows.stream().mapToInt(r -> r.limit().length()).max().orElse(10);
        var format = "%-" + w1 + "s  %-" + w2 + "s  %-" + w3 + "s  %-" + w4 + "s  %s%n";
        System.out.printf(format, "probe", "measured", "figure", "limit", "result");
        for (var r : rows) {
            System.out.printf(format, r.probe(), r.measured(), r.figure(), r.limit(), r.ok() ? "ok" : "FAIL");
        }
        long failed = rows.stream().filter(r -> !r.ok()).count();
        System.out.println(failed == 0 ? "all " + rows.size() + " ok" : failed + " of " + rows.size() + " FAIL");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // What probes measure

    /** Whether {@code /health/live} answers UP. */
    boolean engineLive() {
        if (!engine.isAlive()) {
            return false;
        }
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.port
                    + "/health/live")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("UP");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Live heap after a full GC by class, {@code ""}: the total (the benchmark's {@code jcmd GC.class_histogram}). */
    Map<String, Long> heapAfterGc() throws Exception {
        engine.liveHeap();
        return engine.liveHeap();
    }

    /** Resident memory of the engine process, from {@code /proc/PID/status}, in bytes; -1 if unknown. */
    long rss() {
        try {
            for (var line : Files.readAllLines(Path.of("/proc", Long.toString(engine.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    long logSize() throws IOException {
        return Files.size(engine.log);
    }

    /** Polls until the engine lists at most {@code count} workers; false after {@code millis}. */
    boolean awaitWorkers(int count, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (observer.workerCount() <= count) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * The heap row every probe that opens connections gets: after they close and a full GC, near the baseline. When
     * it is not, the classes that grew most are printed.
     */
    void heapRow(Map<String, Long> before, long slackMib) throws Exception {
        var after = heapAfterGc();
        long growth = after.get("") - before.get("");
        boolean ok = growth <= slackMib << 20;
        row("live heap after full GC vs before", mib(before.get("")) + " -> " + mib(after.get("")) + " ("
                + signedMib(growth) + "), RSS " + mib(rss()), "+" + slackMib + " MiB", ok);
        if (!ok) {
            var top = after.entrySet().stream().filter(e -> !e.getKey().isEmpty())
                    .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                    .map(e -> e.getKey() + " " + signedMib(e.getValue())).toList();
            System.out.println("    grew most: " + String.join(", ", top));
        }
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    static String signedMib(long bytes) {
        return String.format(Locale.ROOT, "%+.1f MiB", bytes / 1048576.0);
    }

    static String ms(double millis) {
        return String.format(Locale.ROOT, "%.0f ms", millis);
    }

    /** The start of a long text, for a table cell. */
    static String head(String text) {
        var line = text.replace('\n', ' ');
        return line.length() <= 120 ? line : line.substring(0, 117) + "...";
    }

    /** What a probe opened, closed when it ends or is cut off. */
    static final class Closer implements AutoCloseable {
        private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

        <T extends AutoCloseable> T add(T resource) {
            open.add(resource);
            return resource;
        }

        @Override
        public void close() {
            for (var resource : open) {
                try {
                    resource.close();
                } catch (Exception ignored) {
                    // closing anyway
                }
            }
            open.clear();
        }
    }
}
