package iii.engine.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One Payara Micro process the benchmark (or an end-to-end test) started, as {@code bin/run} starts the engine: same
 * JDK as the benchmark unless told otherwise, same boot command files (loopback only, no Hazelcast) and logging, a
 * free loopback port, its console in a log file. {@link #close()} stops it (TERM, then KILL after 10 s).
 */
public final class Server implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("Payara Micro .* ready in");

    public final String name;
    public final int port;
    public final Path log;
    private final Process process;
    private final long startedNanos = System.nanoTime();

    private Server(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts Payara Micro with {@code war} at context root {@code /} on {@code port}. {@code postBoot}: also run the
     * engine's post-boot commands (its HTTP-trigger listener on {@code httpPort}).
     */
    public static Server start(String name, Path root, Path war, int port, int httpPort, boolean postBoot,
                        List<String> jvmOptions, Path logDir) throws IOException {
        return start(name, root, Path.of(System.getProperty("java.home")), root.resolve("target/payara-micro.jar"),
                war, port, httpPort, postBoot, jvmOptions, logDir);
    }

    /**
     * As {@link #start(String, Path, Path, int, int, boolean, List, Path)}, with the JDK at {@code javaHome} and the
     * Payara Micro jar {@code microJar}.
     */
    public static Server start(String name, Path root, Path javaHome, Path microJar, Path war, int port, int httpPort,
                               boolean postBoot, List<String> jvmOptions, Path logDir) throws IOException {
        return start(name, root, javaHome, microJar, war, port, httpPort, postBoot, jvmOptions, Map.of(), logDir);
    }

    /**
     * As {@link #start(String, Path, Path, Path, Path, int, int, boolean, List, Path)}, with {@code environment}
     * added to the server's environment (engine settings such as {@code III_RBAC_PORT}; an {@code III_RBAC_PORT}
     * other than 0 also enables the RBAC-gated listener, as {@code bin/run} does). An {@code III_TLS_KEYSTORE} puts
     * every listener on TLS, as {@code bin/run} does: {@code III_TLS_KEYSTORE_PASSWORD} opens it and, without an
     * {@code III_TLS_KEY_ALIAS}, its only key is used. An {@code III_CLUSTER_MEMBERS} makes it one of a cluster of
     * engines ({@code III_CLUSTER_PORT}, {@code III_CLUSTER_NAME}), on loopback. {@code III_TLS_*} and
     * {@code III_CLUSTER_*} variables of this JVM's own environment are not passed on.
     */
    public static Server start(String name, Path root, Path javaHome, Path microJar, Path war, int port, int httpPort,
                               boolean postBoot, List<String> jvmOptions, Map<String, String> environment,
                               Path logDir) throws IOException {
        var java = javaHome.resolve("bin").resolve("java").toString();
        var command = new ArrayList<String>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", microJar.toString(),
                "--deploy", war.toString(),
                "--systemproperties", root.resolve("server-config/hazelcast.properties").toString(),
                "--contextroot", "/",
                "--port", Integer.toString(port),
                "--name", name,
                "--disablephonehome",
                "--logproperties", root.resolve("server-config/logging.properties").toString(),
                "--prebootcommandfile", root.resolve("server-config/pre-boot-commands.asadmin").toString()));
        if (postBoot) {
            command.addAll(List.of("--postbootcommandfile",
                    root.resolve("server-config/post-boot-commands.asadmin").toString()));
        }
        var log = logDir.resolve(name + ".log");
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        var env = builder.environment();
        env.put("III_BIND_ADDRESS", "127.0.0.1");
        env.put("III_PORT", Integer.toString(port));
        env.put("III_HTTP_PORT", Integer.toString(httpPort));
        env.put("III_RBAC_PORT", "0");
        env.keySet().removeIf(k -> k.startsWith("III_TLS_") || k.startsWith("III_CLUSTER_"));
        env.putAll(environment);
        env.put("III_RBAC_ENABLED", Boolean.toString(!"0".equals(env.get("III_RBAC_PORT"))));
        // one of a cluster of engines with III_CLUSTER_MEMBERS, as bin/run does (on loopback, as everything here)
        var clustered = env.containsKey("III_CLUSTER_MEMBERS");
        env.put("III_CLUSTER_ENABLED", Boolean.toString(clustered));
        env.putIfAbsent("III_CLUSTER_MEMBERS", "127.0.0.1");
        env.putIfAbsent("III_CLUSTER_PORT", "5701");
        env.putIfAbsent("III_CLUSTER_NAME", "iii-engine");
        env.put("III_CLUSTER_ADDRESS", "127.0.0.1");
        var keystore = env.getOrDefault("III_TLS_KEYSTORE", "");
        env.put("III_TLS_ENABLED", Boolean.toString(!keystore.isEmpty()));
        if (!keystore.isEmpty()) {
            var file = Path.of(keystore).toAbsolutePath();
            env.put("III_TLS_KEYSTORE", file.toString());
            if (env.getOrDefault("III_TLS_KEY_ALIAS", "").isEmpty()) {
                env.put("III_TLS_KEY_ALIAS", onlyKey(file, env.getOrDefault("III_TLS_KEYSTORE_PASSWORD", "")));
            }
        }
        return new Server(name, port, log, builder.start());
    }

    /** The alias of the only key in the keystore {@code file}; fails if it cannot be opened or holds another number. */
    static String onlyKey(Path file, String password) throws IOException {
        var keys = new ArrayList<String>();
        try {
            var store = KeyStore.getInstance(file.toFile(), password.toCharArray());
            for (var aliases = store.aliases(); aliases.hasMoreElements(); ) {
                var alias = aliases.nextElement();
                if (store.isKeyEntry(alias)) {
                    keys.add(alias);
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IOException("cannot open the keystore " + file + " with III_TLS_KEYSTORE_PASSWORD: " + e, e);
        }
        if (keys.size() != 1) {
            throw new IOException(file + " holds " + keys.size() + " keys " + keys
                    + "; name the one to serve with III_TLS_KEY_ALIAS");
        }
        return keys.get(0);
    }

    /** Waits for Payara Micro's "ready" line; fails if it exits or reports a failure first. */
    public void awaitReady(long timeoutSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            var text = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
            if (READY.matcher(text).find()) {
                if (text.contains("GrizzlyProxy is NULL") || text.contains("Address already in use")) {
                    throw new IOException(name + ": a listener could not bind; see " + log);
                }
                return;
            }
            if (text.contains("Failed to start, exiting") || !process.isAlive()) {
                throw new IOException(name + " failed to start; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " was not ready after " + timeoutSeconds + " s; see " + log);
            }
            Thread.sleep(200);
        }
    }

    public double startupSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** CPU time (user + system, all threads) the process has used, from {@code /proc/PID/stat}; -1 if unknown. */
    long cpuNanos() {
        try {
            var stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
            var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after the command: state is field 3 of the file, utime 14 and stime 15
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * (1_000_000_000L / CLOCK_TICKS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static final long CLOCK_TICKS = clockTicks();

    private static long clockTicks() {
        try {
            var p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            var text = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(text);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    /** Runs {@code jcmd <pid> args…} and returns its output. */
    public String jcmd(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        command.add(Long.toString(pid()));
        command.addAll(List.of(args));
        var p = new ProcessBuilder(command).redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    /**
     * Live objects after a full GC, by class ({@code jcmd GC.class_histogram}, which collects first); the key
     * {@code ""} holds the total in bytes.
     */
    public Map<String, Long> liveHeap() throws IOException, InterruptedException {
        var out = jcmd("GC.class_histogram");
        var bytes = new HashMap<String, Long>();
        for (var line : out.split("\n")) {
            var f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
            } else if (f.length == 3 && f[0].equals("Total")) {
                bytes.put("", Long.parseLong(f[2]));
            }
        }
        if (!bytes.containsKey("")) {
            throw new IOException("no total in the class histogram: " + out.lines().limit(5).toList());
        }
        return bytes;
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A loopback port nobody listens on right now. */
    public static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
