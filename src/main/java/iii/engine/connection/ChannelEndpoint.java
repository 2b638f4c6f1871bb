package iii.engine.connection;

import iii.engine.badinput.BadInput;
import iii.engine.badinput.BadInputLog;
import iii.engine.channel.Channel;
import iii.engine.channel.ChannelItem;
import iii.engine.channel.ChannelPort;
import iii.engine.channel.Channels;
import iii.engine.config.EngineConfig;
import iii.engine.config.EngineExecutors;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One end of a channel: {@code /ws/channels/{id}?key=…&dir=write|read}. {@link UpgradeFilter} has already refused
 * upgrades for unknown channels or wrong keys (404 "Channel not found"); here the end is taken, once. The writer's
 * frames go into the {@link Channel}, which pauses this socket's reading while its buffer is full; the reader's socket
 * gets the channel's items one send at a time, and is closed when the writer's stream ended: with 1000 after a clean
 * close, with 1011 when the writer's socket dropped, errored or sent a frame over {@code iii.max-frame-bytes}.
 */
@ServerEndpoint("/ws/channels/{id}")
public class ChannelEndpoint {

    private static final Logger LOG = Logger.getLogger(ChannelEndpoint.class.getName());

    @Inject
    Channels channels;
    @Inject
    EngineConfig config;
    @Inject
    EngineExecutors executors;
    @Inject
    BadInputLog badInput;

    private ChannelPort channel;
    private boolean writing;
    private FrameAssembler frames;

    @OnOpen
    public void open(Session session, @PathParam("id") String id) {
        session.setMaxIdleTimeout(0);
        var found = channels.open(id, UpgradeFilter.parameter(session, "key"));
        var direction = UpgradeFilter.parameter(session, "dir");
        if (found == null) {
            close(session, CloseCodes.VIOLATED_POLICY, "Channel not found");
            return;
        }
        if ("write".equals(direction)) {
            var guard = ConnectionGuard.opening();
            frames = new FrameAssembler(config.maxFrameBytes(), guard == null ? null : guard.frames());
            if (!found.takeWriter(new WriterSocket(session, guard == null ? null : guard.input()))) {
                close(session, CloseCodes.VIOLATED_POLICY, "channel writer already connected");
                return;
            }
            writing = true;
        } else if ("read".equals(direction)) {
            if (!found.takeReader(new ReaderSocket(session))) {
                close(session, CloseCodes.VIOLATED_POLICY, "channel reader already connected");
                return;
            }
        } else {
            close(session, CloseCodes.VIOLATED_POLICY, "dir must be read or write");
            return;
        }
        channel = found;
    }

    @OnMessage
    public void text(Session session, String part, boolean last) {
        if (channel == null || !writing) {
            return;
        }
        var frame = frames.text(part, last);
        if (frame != null && !refused(session)) {
            channel.offer(ChannelItem.text(frame));
        }
    }

    @OnMessage
    public void binary(Session session, ByteBuffer part, boolean last) {
        if (channel == null || !writing) {
            return;
        }
        var frame = frames.binary(part, last);
        if (frame != null && !refused(session)) {
            // the container may reuse its buffer once this returns; the channel keeps the frame until it is sent
            var copy = ByteBuffer.allocate(frame.remaining());
            copy.put(frame).flip();
            channel.offer(ChannelItem.binary(copy));
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        if (channel == null) {
            return;
        }
        if (writing) {
            frames.clear();
            var code = reason.getCloseCode().getCode();
            var clean = code == CloseCodes.NORMAL_CLOSURE.getCode() || code == CloseCodes.NO_STATUS_CODE.getCode();
            channel.writerEnded(clean, clean ? null : "channel writer ended abnormally (" + code + ")");
        } else {
            channel.readerGone();
        }
    }

    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, "Socket error on " + channel, error);
    }

    /** A frame over the limit ends the stream as broken: nothing of it is forwarded. */
    private boolean refused(Session session) {
        var refusal = frames.refusal();
        if (refusal == null) {
            return false;
        }
        badInput.report(LOG, null, BadInput.PAYLOAD_TOO_LARGE,
                () -> "A channel writer sent a " + refusal + "; closing " + channel);
        channel.writerEnded(false, "frame too large");
        close(session, CloseCodes.TOO_BIG, "frame too large");
        return true;
    }

    private static void close(Session session, CloseCodes code, String reason) {
        try {
            session.close(new CloseReason(code, reason));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Closing a channel socket failed", e);
        }
    }

    /** The writer's socket: paused and resumed through the engine's hold on its input, where there is one. */
    private final class WriterSocket implements Channel.WriterEnd {

        private final Session session;
        private final GuardedInputStream input;

        WriterSocket(Session session, GuardedInputStream input) {
            this.session = session;
            this.input = input;
        }

        @Override
        public boolean pause() {
            return input != null && input.pause();
        }

        @Override
        public void resume() {
            input.resume(executors.executor());
        }

        @Override
        public void close(String reason) {
            // the close handshake needs the peer's answer read
            if (input != null) {
                input.resume(executors.executor());
            }
            ChannelEndpoint.close(session, CloseCodes.GOING_AWAY, reason);
        }
    }

    /** The reader's socket: one asynchronous send at a time, as the channel asks. */
    private static final class ReaderSocket implements Channel.ReaderEnd {

        private final Session session;

        ReaderSocket(Session session) {
            this.session = session;
        }

        @Override
        public void send(ChannelItem item, Runnable sent) {
            SendHandler done = result -> {
                if (!result.isOK()) {
                    LOG.log(Level.FINE, "Send to a channel reader failed", result.getException());
                    ChannelEndpoint.close(session, CloseCodes.UNEXPECTED_CONDITION, "send failed");
                }
                sent.run();
            };
            try {
                if (item.isText()) {
                    session.getAsyncRemote().sendText(item.text(), done);
                } else {
                    session.getAsyncRemote().sendBinary(item.binary(), done);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Send to a channel reader failed", e);
                ChannelEndpoint.close(session, CloseCodes.UNEXPECTED_CONDITION, "send failed");
                sent.run();
            }
        }

        @Override
        public void end(boolean clean, String reason) {
            ChannelEndpoint.close(session, clean ? CloseCodes.NORMAL_CLOSURE : CloseCodes.UNEXPECTED_CONDITION,
                    reason == null ? "stream complete" : reason);
        }
    }
}
