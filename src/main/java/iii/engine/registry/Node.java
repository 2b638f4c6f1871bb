package iii.engine.registry;

import java.util.UUID;

/**
 * The name of this engine among the engines of a cluster: the rows of the listings carry it ({@code node}). One
 * engine alone has a random one; in a cluster it is the engine's member id there.
 */
public final class Node {

    private static volatile String local = UUID.randomUUID().toString();

    private Node() {
    }

    public static String local() {
        return local;
    }

    /** Set when the engine joins a cluster (and again if the cluster gives it a new member id). */
    public static void local(String id) {
        local = id;
    }
}
