package iii.engine.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster cells of the benchmark ({@code bin/bench --cluster}): two engines as one cluster on one machine, a
 * callee on engine B, and the same routed call made by a caller on B (local: the floor of this comparison) and by a
 * caller on A (across: one hop to B and one back), at each payload and number of calls in flight; then the time
 * until 10,000 functions registered on A are all listed on A itself (the floor) and on B, and until they are gone from
 * both once their worker has left; then a burst of workers joining and leaving engine A, and how long B lists them
 * after they left. Prints one line per cell and the ratios to local.
 */
public final class ClusterBench {

    private static final String HOST = "127.0.0.1";

    private int rounds = 2;
    private long warmupMs = 1_000;
    private long measureMs = 3_000;
    private List<Integer> payloads = List.of(128, 4096);
    private List<Integer> inflights = List.of(1, 64);
    private int registrations = 10_000;
    private int churnWorkers = 200;
    private int churnFunctions = 10;
    private final AtomicLong errors = new AtomicLong();
    private final List<String> summary = new ArrayList<>();

    private record Cell(String target, int payload, int inflight, double callsPerSecond, double p50, double p99,
                        long errors) {
    }

    public static void main(String[] args) throws Exception {
        var bench = new ClusterBench();
        for (var arg : args) {
            var eq = arg.indexOf('=');
            var key = eq < 0 ? arg : arg.substring(0, eq);
            var value = eq < 0 ? "" : arg.substring(eq + 1);
            switch (key) {
                case "--cluster" -> { }
                case "--rounds" -> bench.rounds = Integer.parseInt(value);
                case "--warmup-ms" -> bench.warmupMs = Long.parseLong(value);
                case "--measure-ms" -> bench.measureMs = Long.parseLong(value);
                case "--payloads" -> bench.payloads = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
                case "--inflight" -> bench.inflights = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
                case "--registrations" -> bench.registrations = Integer.parseInt(value);
                case "--churn-workers" -> bench.churnWorkers = Integer.parseInt(value);
                case "--churn-functions" -> bench.churnFunctions = Integer.parseInt(value);
                default -> {
                    System.err.println("usage: bin/bench --cluster [--rounds=2] [--warmup-ms=1000] [--measure-ms=3000]"
                            + " [--payloads=128,4096] [--inflight=1,64] [--registrations=10000] [--churn-workers=200]"
                            + " [--churn-functions=10]");
                    System.exit(2);
                }
            }
        }
        System.exit(bench.run());
    }

    private int run() throws Exception {
        var root = Path.of("").toAbsolutePath();
        var out = root.resolve("target/bench");
        Files.createDirectories(out);
        var war = root.resolve("target/iii-engine.war");
        int memberA = Server.freePort();
        int memberB = Server.freePort();
        var members = "127.0.0.1:" + memberA + ",127.0.0.1:" + memberB;
        var cluster = "iii-bench-" + UUID.randomUUID();
        var java = Path.of(System.getProperty("java.home"));
        var micro = root.resolve("target/payara-micro.jar");
        var env = System.getenv("BENCH_JAVA_OPTS");
        var options = env == null || env.isBlank() ? List.<String>of() : List.of(env.trim().split("\\s+"));
        long began = System.nanoTime();
        try (var a = Server.start("bench-cluster-a", root, java, micro, war, Server.freePort(), Server.freePort(),
                true, options, Map.of("III_CLUSTER_MEMBERS", members, "III_CLUSTER_PORT",
                        Integer.toString(memberA), "III_CLUSTER_NAME", cluster), out);
             var b = Server.start("bench-cluster-b", root, java, micro, war, Server.freePort(), Server.freePort(),
                     true, options, Map.of("III_CLUSTER_MEMBERS", members, "III_CLUSTER_PORT",
                             Integer.toString(memberB), "III_CLUSTER_NAME", cluster), out)) {
            a.awaitReady(300);
            b.awaitReady(300);
            System.out.printf(Locale.ROOT, "iii engine cluster benchmark: two engines ready after %.1f s, %d cores,"
                            + " java %s; logs in %s%n", (System.nanoTime() - began) / 1e9,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    root.relativize(out));
            calls(a, b);
            registrations(a, b);
            churn(a, b);
        }
        summary.forEach(System.out::println);
        System.out.printf("done in %.0f s, %d error(s)%n", (System.nanoTime() - began) / 1e9, errors.get());
        return errors.get() == 0 ? 0 : 1;
    }

    private void calls(Server a, Server b) throws Exception {
        var callee = new Callee();
        var calleeClient = WsClient.connect(HOST, b.port, "/", callee, "bench-cluster-callee");
        var local = new Bench.Switch();
        var across = new Bench.Switch();
        var localClient = WsClient.connect(HOST, b.port, "/", local, "bench-cluster-local");
        var acrossClient = WsClient.connect(HOST, a.port, "/", across, "bench-cluster-across");
        var observer = Rpc.connect(HOST, a.port, "/", errors, "bench-cluster-observer");
        try {
            observer.awaitRegistered(10_000);
            calleeClient.send("{\"type\":\"registerfunction\",\"id\":\"" + CallDriver.FUNCTION
                    + "\",\"description\":\"benchmark echo\"}");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (MiniJson.member(observer.call(CallDriver.FUNCTION, "{}", 10_000), 0, "result") < 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(CallDriver.FUNCTION + " not callable on engine A after 30 s");
                }
                Thread.sleep(50);
            }
            var cells = new ArrayList<Cell>();
            for (int round = 0; round <= rounds; round++) {
                for (int payload : payloads) {
                    for (int inflight : inflights) {
                        for (var target : round % 2 == 0 ? List.of("local", "across") : List.of("across", "local")) {
                            var cell = cell(target, target.equals("local") ? local : across,
                                    target.equals("local") ? localClient : acrossClient, payload, inflight,
                                    round == 0 ? 0 : measureMs);
                            if (round > 0) {
                                cells.add(cell);
                            }
                        }
                    }
                }
            }
            for (int payload : payloads) {
                for (int inflight : inflights) {
                    var l = median(cells, "local", payload, inflight);
                    var x = median(cells, "across", payload, inflight);
                    var paired = pairedP50Ratios(cells, payload, inflight);
                    summary.add(String.format(Locale.ROOT, "%4d B x %-2d  local %8.0f calls/s p50 %7.1f us p99 %8.1f us"
                                    + " | across %8.0f calls/s p50 %7.1f us p99 %8.1f us | across/local: p50 %.2fx,"
                                    + " calls/s %.2fx; p50 paired per round %.2fx (%.2f-%.2f)", payload, inflight,
                            l.callsPerSecond(), l.p50(), l.p99(), x.callsPerSecond(), x.p50(), x.p99(),
                            x.p50() / l.p50(), x.callsPerSecond() / l.callsPerSecond(),
                            median(paired.stream().mapToDouble(Double::doubleValue).toArray()),
                            paired.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                            paired.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)));
                }
            }
        } finally {
            calleeClient.close();
            localClient.close();
            acrossClient.close();
            observer.client.close();
        }
        errors.addAndGet(callee.errors.get());
    }

    private Cell cell(String target, Bench.Switch sw, Conn client, int payload, int inflight, long measure)
            throws Exception {
        var driver = new CallDriver(true, payload, inflight);
        sw.current = driver;
        driver.start(client);
        Thread.sleep(warmupMs);
        long t0 = System.nanoTime();
        driver.record(true);
        Thread.sleep(measure);
        driver.record(false);
        long t1 = System.nanoTime();
        driver.stop(10_000);
        sw.current = null;
        errors.addAndGet(driver.errors());
        var samples = driver.sortedSamples();
        var cell = new Cell(target, payload, inflight, measure == 0 ? 0 : driver.completed() / ((t1 - t0) / 1e9),
                Bench.quantile(samples, 0.5), Bench.quantile(samples, 0.99), driver.errors());
        if (measure > 0) {
            System.out.printf(Locale.ROOT, "%-6s %4d B x %-2d  %8.0f calls/s  p50 %7.1f us  p99 %8.1f us  errors %d%s%n",
                    target, payload, inflight, cell.callsPerSecond(), cell.p50(), cell.p99(), cell.errors(),
                    driver.errors() > 0 ? "  " + driver.errorSamples() : "");
        }
        return cell;
    }

    /**
     * Registers {@link #registrations} functions on one connection of engine A; times until A itself lists them all
     * (the floor) and until B does, then, once that connection has closed, until neither lists any. The first round
     * runs on engines that have registered nothing yet; each later one after the previous round's functions have
     * left both engines. Prints every round, and the first apart from the
     * median of the others.
     */
    private void registrations(Server a, Server b) throws Exception {
        var onA = Rpc.connect(HOST, a.port, "/", errors, "bench-cluster-lister-a");
        var onB = Rpc.connect(HOST, b.port, "/", errors, "bench-cluster-lister-b");
        var sent = new ArrayList<Double>();
        var listedA = new ArrayList<Double>();
        var listedB = new ArrayList<Double>();
        var goneA = new ArrayList<Double>();
        var goneB = new ArrayList<Double>();
        try {
            onA.awaitRegistered(10_000);
            onB.awaitRegistered(10_000);
            for (int round = 0; round < Math.max(2, rounds + 1); round++) {
                String prefix = "reg" + round + "::f";
                var registrant = Rpc.connect(HOST, a.port, "/", errors, "bench-cluster-registrant-" + round);
                registrant.awaitRegistered(10_000);
                var frames = new ArrayList<String>(registrations);
                for (int i = 0; i < registrations; i++) {
                    frames.add("{\"type\":\"registerfunction\",\"id\":\"" + prefix + i + "\",\"description\":\"f"
                            + i + "\"}");
                }
                long t0 = System.nanoTime();
                registrant.client.sendAll(frames);
                sent.add((System.nanoTime() - t0) / 1e6);
                double[] listed = awaitListed(List.of(onA, onB), prefix, registrations,
                        prefix + (registrations - 1), t0);
                listedA.add(listed[0]);
                listedB.add(listed[1]);
                long t1 = System.nanoTime();
                registrant.client.close();
                double[] gone = awaitListed(List.of(onA, onB), prefix, 0, null, t1);
                goneA.add(gone[0]);
                goneB.add(gone[1]);
                System.out.printf(Locale.ROOT, "registrations round %d: %d sent in %.0f ms, listed on A after %.0f ms,"
                        + " on B after %.0f ms; after their worker left, gone from A after %.0f ms, from B after"
                        + " %.0f ms%n", round + 1, registrations, sent.get(round), listed[0], listed[1], gone[0],
                        gone[1]);
            }
            summary.add(String.format(Locale.ROOT, "%d registrations on engine A, first round: sent in %.0f ms, all"
                    + " listed on engine A after %.0f ms, on engine B after %.0f ms", registrations, sent.get(0),
                    listedA.get(0), listedB.get(0)));
            summary.add(String.format(Locale.ROOT, "%d registrations on engine A, median of %d later rounds: sent in"
                    + " %.0f ms, all listed on engine A after %.0f ms, on engine B after %.0f ms", registrations,
                    sent.size() - 1, median(rounds(sent, 1)), median(rounds(listedA, 1)),
                    median(rounds(listedB, 1))));
            summary.add(String.format(Locale.ROOT, "their worker left engine A: all %d gone from engine A after %.0f"
                    + " ms, from engine B after %.0f ms (median of %d rounds)", registrations,
                    median(rounds(goneA, 0)), median(rounds(goneB, 0)), goneA.size()));
        } finally {
            onA.client.close();
            onB.client.close();
        }
    }

    /**
     * A burst of workers on engine A: {@link #churnWorkers} connections at once, each registering
     * {@link #churnFunctions} functions; times until engine B lists all their functions, then, from when the last of
     * them has closed, until B lists none of them and a call there to one of them fails at once as not found.
     */
    private void churn(Server a, Server b) throws Exception {
        var onB = Rpc.connect(HOST, b.port, "/", errors, "bench-cluster-churn-lister");
        var burst = new ArrayList<Rpc>();
        try {
            onB.awaitRegistered(10_000);
            for (int round = 0; round < Math.max(1, rounds); round++) {
                String prefix = "churn" + round + "::w";
                long t0 = System.nanoTime();
                for (int w = 0; w < churnWorkers; w++) {
                    burst.add(Rpc.connect(HOST, a.port, "/", errors, "bench-cluster-churn-" + w));
                }
                for (int w = 0; w < churnWorkers; w++) {
                    burst.get(w).client.sendAll(churnRegistrations(prefix + w));
                }
                double listed = awaitListed(List.of(onB), prefix, churnWorkers * churnFunctions,
                        prefix + (churnWorkers - 1) + "::f" + (churnFunctions - 1), t0)[0];
                for (var worker : burst) {
                    worker.client.close();
                }
                burst.clear();
                long t1 = System.nanoTime();
                double gone = awaitListed(List.of(onB), prefix, 0, null, t1)[0];
                var answer = onB.call(prefix + (churnWorkers - 1) + "::f0", "{}", 10_000);
                double failed = (System.nanoTime() - t1) / 1e6;
                if (!answer.contains("function_not_found")) {
                    errors.incrementAndGet();
                    System.out.println("a call to a departed function answered " + answer);
                }
                summary.add(String.format(Locale.ROOT, "%d workers x %d functions connecting to engine A at once"
                        + " (round %d): all listed on engine B after %.0f ms; after they all left, gone from B after"
                        + " %.0f ms, a call to one of them there failed as not found %.0f ms after they left",
                        churnWorkers, churnFunctions, round + 1, listed, gone, failed));

                // the same burst leaving as it comes: each worker closes right after its registrations
                prefix = "churn" + round + "::brief";
                for (int w = 0; w < churnWorkers; w++) {
                    var worker = Rpc.connect(HOST, a.port, "/", errors, "bench-cluster-brief-" + w);
                    worker.client.sendAll(churnRegistrations(prefix + w));
                    worker.client.close();
                }
                long left = System.nanoTime();
                double lastSeen = 0;
                while (System.nanoTime() - left < 10e9) {
                    var list = onB.call("engine::functions::list", "{\"search\":\"" + prefix + "\"}", 30_000);
                    if (MiniJson.count(list, "\"function_id\":\"" + prefix) > 0) {
                        lastSeen = (System.nanoTime() - left) / 1e6;
                    }
                    Thread.sleep(10);
                }
                summary.add(String.format(Locale.ROOT, "%d workers x %d functions, each leaving engine A right after"
                        + " registering (round %d): the last of their functions listed on engine B %.0f ms after the"
                        + " last left", churnWorkers, churnFunctions, round + 1, lastSeen));
            }
        } finally {
            for (var worker : burst) {
                worker.client.close();
            }
            onB.client.close();
        }
    }

    /** The {@code registerfunction} frames of one worker of a burst: {@code worker::f0} and on. */
    private List<String> churnRegistrations(String worker) {
        var frames = new ArrayList<String>(churnFunctions);
        for (int f = 0; f < churnFunctions; f++) {
            frames.add("{\"type\":\"registerfunction\",\"id\":\"" + worker + "::f" + f + "\"}");
        }
        return frames;
    }

    /** The figures of the rounds after the first {@code skip}. */
    private static double[] rounds(List<Double> rounds, int skip) {
        return rounds.stream().skip(skip).mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Polls each engine's {@code engine::functions::list} until it lists {@code count} functions of {@code prefix};
     * the milliseconds from {@code t0} for each (NaN, and an error, for one that did not within 60 s). While
     * {@code last}, the id registered last, is not listed, an engine is asked for that one only: a list of thousands
     * of functions costs an engine tens of milliseconds, and asking for them all back to back slowed down what it
     * measured.
     */
    private double[] awaitListed(List<Rpc> listers, String prefix, int count, String last, long t0)
            throws Exception {
        var waiting = new ArrayList<>(listers);
        var listedMs = new double[listers.size()];
        Arrays.fill(listedMs, Double.NaN);
        while (!waiting.isEmpty() && System.nanoTime() - t0 < 60e9) {
            for (var lister : List.copyOf(waiting)) {
                if (last != null && MiniJson.count(lister.call("engine::functions::list", "{\"search\":\"" + last
                        + "\"}", 30_000), "\"function_id\":\"" + last + "\"") == 0) {
                    continue;
                }
                var list = lister.call("engine::functions::list", "{\"search\":\"" + prefix + "\"}", 30_000);
                if (MiniJson.count(list, "\"function_id\":\"" + prefix) == count) {
                    listedMs[listers.indexOf(lister)] = (System.nanoTime() - t0) / 1e6;
                    waiting.remove(lister);
                }
            }
            Thread.sleep(10);
        }
        if (!waiting.isEmpty()) {
            errors.incrementAndGet();
        }
        return listedMs;
    }

    private static Cell median(List<Cell> cells, String target, int payload, int inflight) {
        var these = cells.stream().filter(c -> c.target().equals(target) && c.payload() == payload
                && c.inflight() == inflight).toList();
        return new Cell(target, payload, inflight, median(these.stream().mapToDouble(Cell::callsPerSecond).toArray()),
                median(these.stream().mapToDouble(Cell::p50).toArray()),
                median(these.stream().mapToDouble(Cell::p99).toArray()), 0);
    }

    /**
     * Per round, the across cell's p50 over that of the local cell measured next to it (each round adds the two
     * cells of a size and number in flight one after the other).
     */
    private static List<Double> pairedP50Ratios(List<Cell> cells, int payload, int inflight) {
        var ratios = new ArrayList<Double>();
        for (int i = 0; i + 1 < cells.size(); i += 2) {
            var first = cells.get(i);
            var second = cells.get(i + 1);
            if (first.payload() == payload && first.inflight() == inflight) {
                var local = first.target().equals("local") ? first : second;
                var across = local == first ? second : first;
                ratios.add(across.p50() / local.p50());
            }
        }
        return ratios;
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        return values.length == 0 ? Double.NaN : values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }
}
