package iii.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image's entrypoint ({@code server-config/container-entrypoint.sh}) run by {@code /bin/sh} in front of
 * a stand-in for the base image's own entrypoint, which prints the settings it was given.
 */
class ContainerEntrypointTest {

    @TempDir
    Path home;

    /** What the base image's entrypoint sees: the cluster variables and its arguments, by name. */
    private Map<String, String> run(Map<String, String> settings) throws IOException, InterruptedException {
        Files.writeString(home.resolve("entrypoint.sh"), """
                for name in III_CLUSTER_ENABLED III_CLUSTER_MEMBERS III_CLUSTER_ADDRESS III_CLUSTER_PORT \\
                        III_CLUSTER_NAME; do
                    eval "echo $name=\\$$name"
                done
                echo "ARGS=$*"
                """);
        var process = new ProcessBuilder("/bin/sh", Path.of("server-config/container-entrypoint.sh").toString(),
                "--port", "49134");
        process.environment().keySet().removeIf(name -> name.startsWith("III_"));
        process.environment().put("HOME_DIR", home.toString());
        process.environment().put("III_BIND_ADDRESS", "0.0.0.0");
        process.environment().putAll(settings);
        Process started = process.redirectErrorStream(true).start();
        String out = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        started.waitFor(10, TimeUnit.SECONDS);
        assertEquals(0, started.exitValue(), out);
        Map<String, String> seen = new LinkedHashMap<>();
        out.lines().map(line -> line.split("=", 2)).forEach(kv -> seen.put(kv[0], kv[1]));
        return seen;
    }

    private static String ownAddress() throws IOException {
        Process hostname = new ProcessBuilder("hostname", "-i").start();
        return new String(hostname.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split(" ")[0];
    }

    @Test
    void without_members_the_engine_is_one_node_and_the_arguments_pass_through() throws Exception {
        Map<String, String> seen = run(Map.of());

        assertEquals("false", seen.get("III_CLUSTER_ENABLED"));
        assertEquals("127.0.0.1", seen.get("III_CLUSTER_MEMBERS"), "the boot commands need a value");
        assertEquals("5701", seen.get("III_CLUSTER_PORT"));
        assertEquals("iii-engine", seen.get("III_CLUSTER_NAME"));
        assertEquals("--port 49134", seen.get("ARGS"));
    }

    @Test
    void with_members_the_engine_clusters_and_announces_the_containers_own_address() throws Exception {
        Map<String, String> seen = run(Map.of("III_CLUSTER_MEMBERS", "engine1:5701,engine2:5701",
                "III_CLUSTER_NAME", "orders"));

        assertEquals("true", seen.get("III_CLUSTER_ENABLED"));
        assertEquals("engine1:5701,engine2:5701", seen.get("III_CLUSTER_MEMBERS"));
        assertEquals(ownAddress(), seen.get("III_CLUSTER_ADDRESS"));
        assertNotEquals("0.0.0.0", seen.get("III_CLUSTER_ADDRESS"));
        assertEquals("orders", seen.get("III_CLUSTER_NAME"));
    }

    @Test
    void an_address_given_is_the_one_announced() throws Exception {
        Map<String, String> seen = run(Map.of("III_CLUSTER_MEMBERS", "10.0.0.1:5701,10.0.0.2:5701",
                "III_CLUSTER_ADDRESS", "10.0.0.1"));

        assertEquals(List.of("true", "10.0.0.1"), List.of(seen.get("III_CLUSTER_ENABLED"),
                seen.get("III_CLUSTER_ADDRESS")));
    }
}
