package iii.engine.e2e;

import iii.engine.bench.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The engine on WildFly, set up as README says: the HTTP-trigger listener added with
 * {@code server-config/wildfly-http-listener.cli} (offline, to a copy of the server's configuration in a server base
 * directory of its own, so that the unpacked server stays as it came), the WAR dropped into its
 * {@code deployments}, started with {@code standalone.sh -c standalone-microprofile.xml} on the JDK that runs the
 * tests, every listener that server configuration opens (HTTP, HTTPS, management, HTTP triggers) on a free loopback
 * port.
 */
final class WildFly implements EngineProcess {

    private static final String CONFIG = "standalone-microprofile.xml";
    private static final String STARTED = "WFLYSRV0025";

    private final Process process;
    private final Path log;
    private final int httpPort;
    private final int triggerPort;
    private final int managementPort;
    private final Path deployment;

    private WildFly(Process process, Path log, int httpPort, int triggerPort, int managementPort, Path deployment) {
        this.process = process;
        this.deployment = deployment;
        this.log = log;
        this.httpPort = httpPort;
        this.triggerPort = triggerPort;
        this.managementPort = managementPort;
    }

    /**
     * Sets up and starts WildFly from {@code home} with {@code war} (deployed under its own file name); returns once
     * the WAR is deployed.
     */
    static WildFly start(Path home, Path war, Duration timeout) throws IOException, InterruptedException {
        if (!Files.isExecutable(home.resolve("bin/standalone.sh"))) {
            throw new IllegalStateException(home + " holds no WildFly: the build unpacks it there (`mvn verify`)");
        }
        Path base = EngineProcess.scratchDirectory("wildfly");
        copyDirectory(home.resolve("standalone/configuration"), base.resolve("configuration"));
        Path cli = NodeWorker.projectDir().resolve("server-config/wildfly-http-listener.cli");
        run(base.resolve("jboss-cli.log"), timeout, home.resolve("bin/jboss-cli.sh").toString(),
                "-Djboss.server.base.dir=" + base, "--file=" + cli);
        Path deployments = Files.createDirectories(base.resolve("deployments"));
        Path deployment = deployments.resolve(war.getFileName());
        Files.copy(war, deployment);

        int http = Server.freePort();
        int trigger = Server.freePort();
        int management = Server.freePort();
        Path log = base.resolve("console.log");
        var builder = new ProcessBuilder(home.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base, "-c", CONFIG, "-b", "127.0.0.1", "-bmanagement", "127.0.0.1",
                "-Djboss.http.port=" + http, "-Djboss.https.port=" + Server.freePort(),
                "-Djboss.management.http.port=" + management, "-Djboss.management.https.port=" + Server.freePort())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        environment(builder);
        builder.environment().put("III_HTTP_PORT", Integer.toString(trigger));
        var server = new WildFly(builder.start(), log, http, trigger, management, deployment);
        server.process.getOutputStream().close();
        try {
            server.awaitDeployed(deployment, timeout);
            return server;
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    private void awaitDeployed(Path war, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path deployed = war.resolveSibling(war.getFileName() + ".deployed");
        Path failed = war.resolveSibling(war.getFileName() + ".failed");
        while (!(Files.exists(deployed) && log().contains(STARTED))) {
            if (Files.exists(failed)) {
                throw new IOException("WildFly could not deploy the WAR: " + Files.readString(failed) + "; see " + log);
            }
            if (!process.isAlive()) {
                throw new IOException("WildFly exited with " + process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("WildFly had not deployed the WAR after " + timeout.toSeconds() + " s; see "
                        + log);
            }
            Thread.sleep(200);
        }
        if (log().contains("Address already in use")) {
            throw new IOException("a WildFly listener could not bind; see " + log);
        }
    }

    /** Undeploys the WAR from the running server (its deployment scanner sees the file gone); returns once it is. */
    void undeploy(Duration timeout) throws IOException, InterruptedException {
        Path undeployed = deployment.resolveSibling(deployment.getFileName() + ".undeployed");
        Files.delete(deployment);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(undeployed)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("WildFly did not undeploy " + deployment.getFileName() + "; see " + log);
            }
            Thread.sleep(200);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public URI workers() {
        return URI.create("ws://127.0.0.1:" + httpPort + "/");
    }

    @Override
    public URI httpTriggers() {
        return URI.create("http://127.0.0.1:" + triggerPort + "/");
    }

    /** On WildFly, MicroProfile Health is served by the management interface. */
    @Override
    public URI health() {
        return URI.create("http://127.0.0.1:" + managementPort + "/health");
    }

    @Override
    public Path logFile() {
        return log;
    }

    /** Stops WildFly: TERM to the launcher script and its JVM, KILL for what is left after 20 s. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }

    /** The same JDK as the tests; nothing of the test JVM's own III_ settings. */
    private static void environment(ProcessBuilder builder) {
        var env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("III_"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // standalone.sh then passes TERM on to the server's JVM
        env.put("LAUNCH_JBOSS_IN_BACKGROUND", "true");
    }

    private static void run(Path output, Duration timeout, String... command) throws IOException,
            InterruptedException {
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        environment(builder);
        Process p = builder.start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                throw new IOException(String.join(" ", command) + " did not finish; see " + output);
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: "
                    + Files.readString(output, StandardCharsets.ISO_8859_1));
        }
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
