package iii.engine.channel;

import iii.engine.config.EngineExecutors;
import iii.engine.registry.Worker;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The live channels by id. A channel leaves when it is finished (both ends done, or one gone), when its owner's
 * cleanup removes it, or when one of its ends was never connected within {@link #TTL_MS} (swept every
 * {@link #SWEEP_MS}), as iii does.
 */
@ApplicationScoped
public class Channels {

    /** Items a channel holds when the caller names no buffer size. */
    public static final int DEFAULT_BUFFER = 64;
    /** The largest buffer size; larger requests get this one. */
    public static final int MAX_BUFFER = 1024;
    /** How long a channel may wait for one of its ends. */
    public static final long TTL_MS = TimeUnit.MINUTES.toMillis(5);
    /** How often channels are checked for ends that never came. */
    public static final long SWEEP_MS = TimeUnit.SECONDS.toMillis(60);

    private static final Logger LOG = Logger.getLogger(Channels.class.getName());

    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
    /** In a cluster: the first 32 bits of this engine's channel ids, which name it to the other engines. */
    private volatile Integer tag;
    /** In a cluster: the channel of another engine that an id and key name, or null. */
    private volatile BiFunction<String, String, ChannelPort> elsewhere = (id, key) -> null;
    /** In a cluster: how many sockets are relayed between this engine and the others now. */
    private volatile IntSupplier relayed = () -> 0;
    private EngineExecutors executors;
    private LongSupplier clock = System::currentTimeMillis;

    protected Channels() {
    }

    @Inject
    public Channels(EngineExecutors executors) {
        this.executors = executors;
    }

    /** For tests: no sweeping thread, the given clock. */
    public Channels(LongSupplier clock) {
        this.clock = clock;
    }

    @PostConstruct
    void startSweeping() {
        if (executors != null) {
            executors.scheduler().scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A new channel of {@code bufferSize} items (1 to {@link #MAX_BUFFER}; 0 counts as 1 and more as the maximum, as
     * iii clamps them), owned by {@code owner} (null: the engine's own).
     */
    public Channel create(int bufferSize, Worker owner) {
        if (bufferSize < 0) {
            throw new IllegalArgumentException("buffer_size must not be negative");
        }
        var capacity = Math.max(1, Math.min(MAX_BUFFER, bufferSize));
        var id = UUID.randomUUID();
        var own = tag;
        if (own != null) {
            id = new UUID(((long) own << 32) | (id.getMostSignificantBits() & 0xFFFF_FFFFL),
                    id.getLeastSignificantBits());
        }
        var channel = new Channel(id.toString(), UUID.randomUUID().toString(), owner, capacity, clock.getAsLong());
        channel.onFinished(() -> channels.remove(channel.id(), channel));
        channels.put(channel.id(), channel);
        return channel;
    }

    /** The channel with this id and access key, or null (also for a wrong key: both look the same to the caller). */
    public Channel find(String id, String accessKey) {
        if (id == null || accessKey == null) {
            return null;
        }
        var channel = channels.get(id);
        if (channel == null || !MessageDigest.isEqual(channel.accessKey().getBytes(StandardCharsets.UTF_8),
                accessKey.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return channel;
    }

    /**
     * The channel a socket for {@code id} and {@code accessKey} connects to: this engine's, or in a cluster the one of
     * the engine its id names (that engine checks the key); null when there is none.
     */
    public ChannelPort open(String id, String accessKey) {
        ChannelPort found = find(id, accessKey);
        return found != null || id == null || accessKey == null ? found : elsewhere.apply(id, accessKey);
    }

    /**
     * In a cluster: this engine's channel ids begin with {@code tag}, {@code elsewhere} gives the channels of the
     * other engines, and {@code relayed} counts the sockets relayed between them and this one.
     */
    public void inCluster(int tag, BiFunction<String, String, ChannelPort> elsewhere, IntSupplier relayed) {
        this.tag = tag;
        this.elsewhere = elsewhere;
        this.relayed = relayed;
    }

    /** Channel sockets relayed now between this engine and the others of its cluster, either way. */
    public int relayed() {
        return relayed.getAsInt();
    }

    /** The first 32 bits of a channel id, which name its engine in a cluster; null for an id that is not a UUID. */
    public static Integer tag(String id) {
        try {
            return (int) (UUID.fromString(id).getMostSignificantBits() >>> 32);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The live channels. */
    public List<Channel> all() {
        return List.copyOf(channels.values());
    }

    /** Removes the channels {@code owner} created, closing their sockets. */
    public void removeOwnedBy(Worker owner) {
        int removed = 0;
        for (var channel : channels.values()) {
            if (channel.owner() == owner) {
                channel.discard("channel owner disconnected");
                removed++;
            }
        }
        if (removed > 0) {
            int count = removed;
            LOG.info(() -> "Removed " + count + " channel(s) of worker " + owner);
        }
    }

    /** Removes channels one of whose ends never connected within {@link #TTL_MS}; returns how many. */
    public int sweep() {
        var now = clock.getAsLong();
        int swept = 0;
        for (var channel : channels.values()) {
            if (channel.stale(now, TTL_MS)) {
                channel.discard("channel never connected");
                swept++;
            }
        }
        if (swept > 0) {
            int count = swept;
            LOG.info(() -> "Swept " + count + " channel(s) never connected");
        }
        return swept;
    }
}
