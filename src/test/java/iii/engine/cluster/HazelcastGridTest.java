package iii.engine.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import iii.engine.registry.Worker;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link HazelcastGrid} on two real Hazelcast members on loopback. */
class HazelcastGridTest {

    private final List<HazelcastInstance> members = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        members.forEach(HazelcastInstance::shutdown);
    }

    @Test
    void a_departed_engine_leaves_neither_entries_nor_its_topic_behind() throws Exception {
        String cluster = "grid-test-" + UUID.randomUUID();
        int portA = freePort();
        int portB = freePort();
        var first = member(cluster, portA, portB);
        var second = member(cluster, portB, portA);
        var a = new HazelcastGrid(first);
        var b = new HazelcastGrid(second);
        var toA = new Recorder();
        var toB = new Recorder();
        a.start(toA);
        b.start(toB);
        await("both members", () -> a.nodes().size() == 2 && b.nodes().size() == 2);
        assertEquals("127.0.0.1:" + portB, a.address(b.localNode()), "a member's address, by its node id");

        a.send(b.localNode(), "to b");
        b.send(a.localNode(), "to a");
        await("the messages", () -> toB.messages.contains("to b") && toA.messages.contains("to a"));
        String departing = b.localNode();
        b.put(Grid.Kind.WORKERS, Map.of("w", Registrations.worker(departing, new Worker(null, null))));
        await("the entry of b on a", () -> a.contains(Grid.Kind.WORKERS, "w"));
        assertTrue(topicOf(first, departing), "each engine's topic exists on every member");

        second.getLifecycleService().terminate();
        members.remove(second);
        await("b gone", () -> toA.left.contains(departing));
        assertEquals(departing, a.address(departing), "a node id that is no member's stands for itself");
        a.purge(true);

        assertFalse(a.contains(Grid.Kind.WORKERS, "w"), "the departed engine's entries are removed");
        assertFalse(topicOf(first, departing), "the departed engine's topic is destroyed");
        assertTrue(topicOf(first, a.localNode()), "the engine's own topic stays");
        a.send(a.localNode(), "still");
        await("a's own topic", () -> toA.messages.contains("still"));
        a.stop();
    }

    private HazelcastInstance member(String cluster, int port, int other) {
        var config = new Config().setClusterName(cluster).setProperty("hazelcast.phone.home.enabled", "false")
                .setProperty("hazelcast.logging.type", "none");
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        var join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port).addMember("127.0.0.1:" + other);
        var member = Hazelcast.newHazelcastInstance(config);
        members.add(member);
        return member;
    }

    private static boolean topicOf(HazelcastInstance member, String node) {
        return member.getDistributedObjects().stream()
                .anyMatch(o -> o instanceof ITopic<?> t && t.getName().equals("iii-engine.node." + node));
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 30 s");
            }
            Thread.sleep(20);
        }
    }

    /** What the grid tells an engine: its messages and the engines that left. */
    private static final class Recorder implements Grid.Inbound {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<String> left = new CopyOnWriteArrayList<>();

        @Override
        public void message(String message) {
            messages.add(message);
        }

        @Override
        public void nodeLeft(String node) {
            left.add(node);
        }

        @Override
        public void nodeJoined(String node) {
        }

        @Override
        public void merged() {
        }

        @Override
        public void workerPut(String id, String value) {
        }

        @Override
        public void workerRemoved(String id, String value) {
        }

        @Override
        public void functionPut(String id, String value) {
        }

        @Override
        public void functionRemoved(String id, String value) {
        }

        @Override
        public void typePut(String id, String value) {
        }

        @Override
        public void typeRemoved(String id, String value) {
        }

        @Override
        public void servicePut(String id, String value) {
        }

        @Override
        public void serviceRemoved(String id, String value) {
        }

        @Override
        public void triggerPut(String id, String value) {
        }

        @Override
        public void triggerRemoved(String id, String value) {
        }
    }
}
