package iii.engine.registry;

import iii.engine.access.RbacSession;
import iii.engine.badinput.BadInputMarks;
import iii.engine.protocol.RawJson;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One connected worker: a connection with an engine-assigned id. Identity matters: a worker that reconnects is a new
 * {@code Worker}, so "still owned by this worker" checks compare instances and a late cleanup of an old connection
 * never touches what the new one registered.
 */
public final class Worker {

    private static final Logger LOG = Logger.getLogger(Worker.class.getName());
    /** Registrations of one worker logged at INFO in one second; the rest of that second's at FINE. */
    static final int LOGGED_REGISTRATIONS_PER_SECOND = 100;

    private final UUID id;
    private final UUID reattachToken = UUID.randomUUID();
    private final Instant connectedAt;
    /** The engine the worker is connected to when that is another engine of the cluster; null for this engine. */
    private final String node;
    private final WorkerChannel channel;
    private final String ipAddress;
    private final RbacSession session;
    private final Set<String> functionIds = ConcurrentHashMap.newKeySet();
    private final Set<UUID> invocations = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean retired = new AtomicBoolean();
    private final BadInputMarks badInput = new BadInputMarks();
    private volatile WorkerMetadata metadata = WorkerMetadata.NONE;
    private volatile boolean spokeProtocol;
    private volatile boolean sentTelemetry;
    private volatile RawJson latestMetrics;
    private volatile boolean heard = true;
    private int silentBeats;
    private final Object registrationLog = new Object();
    private long registrationLogSecond;
    private int registrationsLogged;

    public Worker(WorkerChannel channel, String ipAddress) {
        this(channel, ipAddress, null);
    }

    /** A worker of the RBAC-gated listener when {@code session} is not null. */
    public Worker(WorkerChannel channel, String ipAddress, RbacSession session) {
        this(UUID.randomUUID(), null, Instant.now(), channel, ipAddress, session);
    }

    private Worker(UUID id, String node, Instant connectedAt, WorkerChannel channel, String ipAddress,
                   RbacSession session) {
        this.id = id;
        this.node = node;
        this.connectedAt = connectedAt;
        this.channel = channel;
        this.ipAddress = ipAddress;
        this.session = session;
    }

    /**
     * A worker connected to another engine of the cluster, as this engine knows it: what is sent to it goes through
     * {@code channel} to that engine.
     */
    public static Worker mirror(UUID id, String node, Instant connectedAt, String ipAddress, WorkerChannel channel) {
        return new Worker(id, node, connectedAt, channel, ipAddress, null);
    }

    /** The engine the worker is connected to ({@link Node#local()} for this one). */
    public String node() {
        return node != null ? node : Node.local();
    }

    /** Whether the worker is connected to another engine of the cluster. */
    public boolean isMirror() {
        return node != null;
    }

    /** What this worker may do, decided at its upgrade; null for a worker of the trusted listener. */
    public RbacSession session() {
        return session;
    }

    /**
     * Who owns what this worker registers: its session's identity, else the connection itself. A session may
     * register again what the same identity owns (a reconnect), never what another identity owns.
     */
    public String identity() {
        return session != null ? session.grant().identity() : "worker:" + id;
    }

    /**
     * Whether a new connection may replace this one: it proves {@code token} (this connection's reattach token) and,
     * for an RBAC session, has {@code identity} (null for the trusted listener's, which checks no identity).
     */
    public boolean mayBeReplacedBy(String token, String identity) {
        return reattachToken.toString().equals(token) && (identity == null || identity.equals(identity()));
    }

    /** Whether {@code other} is this worker or another connection of the same identity. */
    public boolean sameIdentity(Worker other) {
        return other == this || identity().equals(other.identity());
    }

    /**
     * The level this worker's next registration is logged at: FINE for an RBAC session, whose registrations an
     * untrusted peer could otherwise turn into any amount of log; INFO for a worker of the trusted listener, up to
     * {@value #LOGGED_REGISTRATIONS_PER_SECOND} a second, then FINE for the rest of that second, which one line says
     * (a burst of thousands is logged in its first hundred lines, not one line each).
     */
    public Level registrationLogLevel() {
        if (session != null) {
            return Level.FINE;
        }
        long second = System.nanoTime() / 1_000_000_000L;
        int logged;
        synchronized (registrationLog) {
            if (second != registrationLogSecond) {
                registrationLogSecond = second;
                registrationsLogged = 0;
            }
            logged = ++registrationsLogged;
        }
        if (logged == LOGGED_REGISTRATIONS_PER_SECOND + 1) {
            LOG.info(() -> "Worker " + this + " registered more than " + LOGGED_REGISTRATIONS_PER_SECOND
                    + " functions, services, trigger types and triggers within a second; the rest of that second's"
                    + " are logged at FINE");
        }
        return logged <= LOGGED_REGISTRATIONS_PER_SECOND ? Level.INFO : Level.FINE;
    }

    /** The id this worker knows for a function registered under {@code registeredId}. */
    public String localId(String registeredId) {
        return session == null ? registeredId : session.localId(registeredId);
    }

    public UUID id() {
        return id;
    }

    public UUID reattachToken() {
        return reattachToken;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    public String ipAddress() {
        return ipAddress;
    }

    public void send(String frame) {
        channel.send(frame);
    }

    /** Queues a call's frame for this worker, its caller waiting at most {@code timeoutMillis}. */
    public void sendCall(String frame, long timeoutMillis) {
        channel.sendCall(frame, timeoutMillis);
    }

    public void close(String reason) {
        channel.close(reason);
    }

    /** Something (a frame or a pong) arrived from the worker. */
    public void heard() {
        if (!heard) {
            heard = true;
        }
    }

    /**
     * One heartbeat: counts the beats in a row in which nothing arrived, and pings the worker for the next one.
     * Called by one thread only.
     *
     * @return how many beats in a row passed without a word from the worker
     */
    public int beat() {
        silentBeats = heard ? 0 : silentBeats + 1;
        heard = false;
        channel.ping();
        return silentBeats;
    }

    /** Ids of the functions this connection registered and still owns. */
    public Set<String> functionIds() {
        return functionIds;
    }

    /** Invocations this worker waits for, and invocations routed to it that it has not answered. */
    public Set<UUID> invocations() {
        return invocations;
    }

    /** The kinds of bad input this connection has had logged (the rest is only counted). */
    public BadInputMarks badInput() {
        return badInput;
    }

    public WorkerMetadata metadata() {
        return metadata;
    }

    public void metadata(WorkerMetadata metadata) {
        this.metadata = metadata;
    }

    /** The latest values of the worker's resource gauges (§10.1 {@code latest_metrics}), or null before any. */
    public RawJson latestMetrics() {
        return latestMetrics;
    }

    public void latestMetrics(RawJson latestMetrics) {
        this.latestMetrics = latestMetrics;
    }

    /**
     * Marks the worker as gone. Returns true exactly once, for whoever gets to run its cleanup. Anything added to the
     * worker after this returns must check {@link #isRetired()} afterwards.
     */
    public boolean retire() {
        return retired.compareAndSet(false, true);
    }

    public boolean isRetired() {
        return retired.get();
    }

    /** A connection that sent protocol messages; used to tell workers from old SDKs' telemetry-only sockets. */
    public void spokeProtocol() {
        if (!spokeProtocol) {
            spokeProtocol = true;
        }
    }

    public void sentTelemetry() {
        if (!sentTelemetry) {
            sentTelemetry = true;
        }
    }

    /** A socket that only ever sent telemetry frames: not a worker to a user (old SDKs open one beside the worker). */
    public boolean isTelemetryOnly() {
        return sentTelemetry && !spokeProtocol;
    }

    /** The name to show: the self-reported one, else the id. */
    public String displayName() {
        var name = metadata.name();
        return name != null ? name : id.toString();
    }

    @Override
    public String toString() {
        return metadata.name() == null ? id.toString() : id + " (" + metadata.name() + ")";
    }
}
