package iii.engine.cluster;

/**
 * What the engines of a cluster share, as the engine sees it: maps of registrations (workers, functions, services,
 * trigger types and the triggers every engine serves, by id; values are {@link Registrations} texts, each naming the
 * engine it belongs to), a message channel to each
 * engine, and member events. Writes may block on the network: the engine makes them from its own writer thread.
 */
interface Grid {

    /** What the grid tells the engine; called on the grid's event threads, in order for each key. */
    interface Inbound {

        void workerPut(String id, String value);

        void workerRemoved(String id, String value);

        void functionPut(String id, String value);

        void functionRemoved(String id, String value);

        void typePut(String id, String value);

        void typeRemoved(String id, String value);

        void servicePut(String id, String value);

        void serviceRemoved(String id, String value);

        void triggerPut(String id, String value);

        void triggerRemoved(String id, String value);

        /** A message sent to this engine by {@link #send}. */
        void message(String message);

        /** The engine {@code node} left the cluster (stopped, crashed, or cut off). */
        void nodeLeft(String node);

        void nodeJoined(String node);

        /**
         * This engine came back into the cluster after a split, under the node id {@link #localNode()} gives now
         * (Hazelcast gives a member that merges into another cluster a new one). The maps then hold the other
         * side's entries and, until this engine writes its own again, those it had under its former id; the grid
         * replays them to the engine before this call, as {@link #start} does.
         */
        void merged();
    }

    /** This engine's id in the cluster. */
    String localNode();

    /** Starts the events (and replays what the maps hold already). */
    void start(Inbound inbound);

    /** The maps of registrations. */
    enum Kind {
        WORKERS, FUNCTIONS, SERVICES, TYPES, TRIGGERS
    }

    /** Puts entries into one map, in one write. */
    void put(Kind kind, java.util.Map<String, String> values);

    /**
     * Removes an entry only if the map still holds {@code value} (a newer registration stays); with {@code null},
     * whatever it holds.
     */
    void remove(Kind kind, String id, String value);

    /** Whether one map has an entry {@code id} (a remote read: never on the call path). */
    boolean contains(Kind kind, String id);

    /**
     * Removes the entries, and the message channels, of engines that are no longer members; {@code oldestOnly}: only
     * on the oldest engine (the others return).
     */
    void purge(boolean oldestOnly);

    /** Whether {@code node} is one of the cluster's engines now. */
    boolean member(String node);

    /** Sends {@code message} to the engine {@code node}, without waiting for it. */
    void send(String node, String message);

    /**
     * Where member {@code node} listens for the others ({@code host:port}; {@code node} itself for one that is not a
     * member): unlike its node id, which a merge renews, the same as long as its engine runs.
     */
    String address(String node);

    /** The members' node ids, oldest first. */
    java.util.List<String> nodes();

    /** Stops the events; the cluster itself belongs to the server. */
    void stop();
}
