package iii.engine.connection;

import iii.engine.access.Authenticator;
import iii.engine.access.RbacSession;
import iii.engine.config.EngineConfig;
import iii.engine.config.EngineExecutors;
import iii.engine.dispatch.Dispatcher;
import iii.engine.protocol.Codec;
import iii.engine.protocol.Message.WorkerRegistered;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerConnected;
import iii.engine.registry.WorkerDisconnected;
import iii.engine.registry.WorkerRegistry;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The worker socket. Thin on purpose: open registers the worker and sends {@code workerregistered} first; each whole
 * frame goes to the {@link Dispatcher}; close fires {@link WorkerDisconnected}, whose cleanup runs on a container
 * thread. Frames are received in parts so that a frame over the engine's limit can still be answered instead of the
 * container closing the connection.
 */
@ServerEndpoint("/")
public class WorkerEndpoint {

    private static final Logger LOG = Logger.getLogger(WorkerEndpoint.class.getName());

    @Inject
    WorkerRegistry workers;
    @Inject
    Dispatcher dispatcher;
    @Inject
    EngineConfig config;
    @Inject
    EngineExecutors executors;
    @Inject
    Authenticator authenticator;
    @Inject
    Event<WorkerConnected> connected;
    @Inject
    Event<WorkerDisconnected> disconnected;

    private Worker worker;
    private FrameAssembler frames;

    @OnOpen
    public void open(Session session) {
        session.setMaxIdleTimeout(0);
        // the engine's hold on the connection below the WebSocket layer; null where the container upgraded alone
        var guard = ConnectionGuard.opening();
        frames = new FrameAssembler(config.maxFrameBytes(), guard == null ? null : guard.frames());
        var channel = new SessionChannel(session, config.sendQueueLimit(), executors.scheduler(),
                guard == null ? null : guard::abort);
        var ticket = UpgradeFilter.parameter(session, Authenticator.TICKET);
        RbacSession gated = null;
        if (ticket != null) {
            var grant = authenticator.claim(ticket);
            if (grant == null) {
                // decided too long ago, or not by this engine: start over
                channel.close("not authenticated");
                return;
            }
            gated = new RbacSession(grant);
        }
        worker = new Worker(channel, remoteAddress(session), gated);
        if (guard != null) {
            // bytes of a frame still arriving count as life too
            guard.input().onBytes(worker::heard);
        }
        workers.add(worker);
        worker.send(Codec.encode(new WorkerRegistered(worker.id(), worker.reattachToken())));
        LOG.info(() -> "Worker " + worker.id() + " connected from " + worker.ipAddress());
        connected.fire(new WorkerConnected(worker));
    }

    @OnMessage
    public void text(String part, boolean last) {
        if (worker == null) {
            return;
        }
        worker.heard();
        var frame = frames.text(part, last);
        if (frame == null || worker.isRetired()) {
            return;
        }
        var refusal = frames.refusal();
        if (refusal != null) {
            dispatcher.onRefused(worker, frame, refusal);
        } else {
            dispatcher.onText(worker, frame);
        }
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last) {
        if (worker == null) {
            return;
        }
        worker.heard();
        var frame = frames.binary(part, last);
        if (frame == null || worker.isRetired()) {
            return;
        }
        var refusal = frames.refusal();
        if (refusal != null) {
            // a JSON frame sent as binary names its invocation in its head as a text frame does
            dispatcher.onRefused(worker, StandardCharsets.UTF_8.decode(frame).toString(), refusal);
        } else {
            dispatcher.onBinary(worker, frame);
        }
    }


    @OnMessage
    public void pong(PongMessage pong) {
        if (worker != null) {
            worker.heard();
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        if (worker == null) {
            return;
        }
        LOG.fine(() -> "Worker " + worker + " closed its socket: " + reason);
        frames.clear();
        disconnected.fireAsync(new WorkerDisconnected(worker), NotificationOptions.ofExecutor(executors.executor()));
    }

    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, "Socket error of worker " + worker, error);
    }

    /** The peer's IP, as {@link UpgradeFilter} recorded it at the upgrade. */
    private static String remoteAddress(Session session) {
        return UpgradeFilter.peerAddress(session);
    }
}
