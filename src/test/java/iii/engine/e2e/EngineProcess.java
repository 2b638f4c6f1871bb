package iii.engine.e2e;

import iii.engine.bench.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built WAR on a server that a test started itself, as its own process on free loopback ports: where workers
 * connect, where HTTP-trigger requests and health checks go, and the server's log. {@link #close()} stops the
 * process, whatever state it is in.
 */
interface EngineProcess extends AutoCloseable {

    /** The worker socket: {@code ws://127.0.0.1:PORT/}. */
    URI workers();

    /** The HTTP-trigger listener: {@code http://127.0.0.1:PORT/}. */
    URI httpTriggers();

    /** MicroProfile Health's root, {@code http://127.0.0.1:PORT/health}, on whichever port the server serves it. */
    URI health();

    /** The server's console log. */
    Path logFile();

    /** The server's console log so far. */
    default String log() {
        try {
            return Files.exists(logFile()) ? Files.readString(logFile(), StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    void close();

    /** The WAR that {@code mvn package} built. */
    static Path war() {
        Path war = NodeWorker.projectDir().resolve("target").resolve("iii-engine.war");
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException(war + " is missing: end-to-end tests run after `mvn package`");
        }
        return war;
    }

    /** A fresh directory for one server's files under {@code target/e2e-servers}. */
    /**
     * Starts (without waiting for it to be ready) the engine {@code name} as one of the cluster {@code cluster} of
     * {@code members}, on member port {@code memberPort} and HTTP-trigger port {@code httpPort}, with a heap of
     * {@code heap} and other {@code settings}, as bin/run starts it.
     */
    static Server clusterMember(String name, String members, int memberPort, String cluster,
            int httpPort, String heap, Map<String, String> settings) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(settings);
        env.put("III_CLUSTER_MEMBERS", members);
        env.put("III_CLUSTER_PORT", Integer.toString(memberPort));
        env.put("III_CLUSTER_NAME", cluster);
        Path root = NodeWorker.projectDir();
        return Server.start(name, root, Path.of(System.getProperty("java.home")),
                root.resolve("target/payara-micro.jar"), war(), Server.freePort(), httpPort, true,
                List.of("-Xmx" + heap), env, scratchDirectory(name));
    }

    static Path scratchDirectory(String name) throws IOException {
        Path parent = NodeWorker.projectDir().resolve("target").resolve("e2e-servers");
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, name + "-");
    }

    /** A path named by the system property {@code key} (set by failsafe in pom.xml). */
    static Path fromProperty(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + key + " is not set: run the tests with failsafe "
                    + "(`mvn verify`)");
        }
        return Path.of(value);
    }
}
