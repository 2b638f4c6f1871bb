package iii.engine.cluster;

import iii.engine.channel.Channel;
import iii.engine.channel.ChannelItem;
import iii.engine.channel.ChannelPort;
import iii.engine.channel.Channels;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Channel sockets that connect to another engine than their channel's: the channel stays where it was made (its id
 * names that engine, {@link Channels#tag}), and the engine the socket reached relays it there, as messages between
 * the two engines, one relay per socket.
 *
 * <p>The socket's engine ("near") opens the relay; the channel's engine ("far") takes the channel's end for it, checks
 * the key, and answers with the channel's items, one at a time as the channel sends them, each acknowledged once the
 * socket sent it (for a reader), or takes its frames and asks it to pause and resume its socket (for a writer).
 * Either end closing, the channel being discarded, or either engine leaving ends the relay on both.
 *
 * <p>Messages: {@code chan\n<op>\n<relay id>\n<rest>}, where op is one of {@code open} (rest: the opener's node,
 * {@code read|write}, the channel's id, its key), {@code refused} (the reason), {@code item} ({@code t} and a text
 * frame, or {@code b} and a binary one in base64), {@code sent}, {@code end} ({@code 1|0} for clean or not, and the
 * reason), {@code gone}, {@code pause}, {@code resume}, {@code close} (the reason).
 */
final class ChannelRelay {

    static final String PREFIX = "chan\n";
    private static final Logger LOG = Logger.getLogger(ChannelRelay.class.getName());

    /** What both sides of a relay hold, by relay id. */
    private interface Relay {
        /** The other engine. */
        String peer();

        void received(String op, String rest);

        /** The other engine left the cluster. */
        void peerLeft();
    }

    private final Grid grid;
    private final Channels channels;
    private final ConcurrentHashMap<String, Relay> relays = new ConcurrentHashMap<>();
    /** This engine's node id. */
    private volatile String local;

    ChannelRelay(Grid grid, Channels channels) {
        this.grid = grid;
        this.channels = channels;
    }

    /**
     * This engine is {@code node} (again, after a merge): sockets for the other engines' channels are relayed there.
     * Its channel ids name its member address, which a merge keeps, so that the channels made before one are still
     * found through the other engines.
     */
    void start(String node) {
        local = node;
        channels.inCluster(grid.address(node).hashCode(), this::elsewhere, relays::size);
    }

    /** The channel of another engine that {@code id} names, or null. */
    private ChannelPort elsewhere(String id, String key) {
        var tag = Channels.tag(id);
        if (tag == null) {
            return null;
        }
        for (var node : grid.nodes()) {
            if (!node.equals(local) && grid.address(node).hashCode() == tag) {
                return new Near(node, id, key);
            }
        }
        return null;
    }

    void message(String message) {
        var opEnd = message.indexOf('\n', PREFIX.length());
        var idEnd = message.indexOf('\n', opEnd + 1);
        var op = message.substring(PREFIX.length(), opEnd);
        var relayId = message.substring(opEnd + 1, idEnd < 0 ? message.length() : idEnd);
        var rest = idEnd < 0 ? "" : message.substring(idEnd + 1);
        if (op.equals("open")) {
            opened(relayId, rest);
            return;
        }
        var relay = relays.get(relayId);
        if (relay != null) {
            relay.received(op, rest);
        }
    }

    /** The engine {@code node} left: the relays with it end, their sockets here and channels here too. */
    void nodeLeft(String node) {
        relays.forEach((id, relay) -> {
            if (relay.peer().equals(node) && relays.remove(id, relay)) {
                relay.peerLeft();
            }
        });
    }

    private void send(String node, String op, String relayId, String rest) {
        grid.send(node, PREFIX + op + "\n" + relayId + "\n" + rest);
    }

    private static String item(ChannelItem item) {
        if (item.isText()) {
            return "t" + item.text();
        }
        var bytes = item.binary().duplicate();
        var copy = new byte[bytes.remaining()];
        bytes.get(copy);
        return "b" + Base64.getEncoder().encodeToString(copy);
    }

    private static ChannelItem item(String rest) {
        return rest.startsWith("t") ? ChannelItem.text(rest.substring(1))
                : ChannelItem.binary(ByteBuffer.wrap(Base64.getDecoder().decode(rest.substring(1))));
    }

    private static String ending(boolean clean, String reason) {
        return (clean ? "1" : "0") + (reason == null ? "" : reason);
    }

    private static String reason(String ending) {
        return ending.length() > 1 ? ending.substring(1) : null;
    }

    // ---- the socket's engine

    /** A socket here for the channel of engine {@code node}. */
    private final class Near implements ChannelPort, Relay {

        private final String node;
        private final String channelId;
        private final String key;
        private final String relayId = UUID.randomUUID().toString();
        private volatile Channel.WriterEnd writer;
        private volatile Channel.ReaderEnd reader;

        Near(String node, String channelId, String key) {
            this.node = node;
            this.channelId = channelId;
            this.key = key;
        }

        @Override
        public String peer() {
            return node;
        }

        @Override
        public boolean takeWriter(Channel.WriterEnd end) {
            writer = end;
            return opening("write");
        }

        @Override
        public boolean takeReader(Channel.ReaderEnd end) {
            reader = end;
            return opening("read");
        }

        private boolean opening(String direction) {
            relays.put(relayId, this);
            send(node, "open", relayId, local + "\n" + direction + "\n" + channelId + "\n" + key);
            return true;
        }

        @Override
        public void offer(ChannelItem item) {
            if (relays.get(relayId) == this) {
                send(node, "item", relayId, item(item));
            }
        }

        @Override
        public void writerEnded(boolean clean, String reason) {
            if (relays.remove(relayId, this)) {
                send(node, "end", relayId, ending(clean, reason));
            }
        }

        @Override
        public void readerGone() {
            if (relays.remove(relayId, this)) {
                send(node, "gone", relayId, "");
            }
        }

        @Override
        public void received(String op, String rest) {
            switch (op) {
                case "item" -> reader.send(item(rest), () -> send(node, "sent", relayId, ""));
                case "pause" -> writer.pause();
                case "resume" -> writer.resume();
                case "end" -> {
                    if (relays.remove(relayId, this)) {
                        reader.end(rest.startsWith("1"), reason(rest));
                    }
                }
                case "refused", "close" -> {
                    if (relays.remove(relayId, this)) {
                        closeSocket(rest);
                    }
                }
                default -> LOG.fine(() -> "Unknown channel relay message " + op);
            }
        }

        @Override
        public void peerLeft() {
            closeSocket("the channel's engine left the cluster");
        }

        private void closeSocket(String reason) {
            if (writer != null) {
                writer.close(reason);
            } else {
                reader.end(false, reason);
            }
        }

        @Override
        public String toString() {
            return "channel " + channelId + " of engine " + node;
        }
    }

    // ---- the channel's engine

    /** Another engine's socket for {@code relayId} opened one end of a channel here. */
    private void opened(String relayId, String rest) {
        var parts = rest.split("\n", 4);
        if (parts.length < 4) {
            LOG.fine(() -> "A channel relay opened without its fields");
            return;
        }
        var origin = parts[0];
        var channel = channels.find(parts[2], parts[3]);
        if (channel == null) {
            send(origin, "refused", relayId, "Channel not found");
            return;
        }
        var writing = parts[1].equals("write");
        Far far = writing ? new FarWriter(origin, relayId, channel) : new FarReader(origin, relayId, channel);
        relays.put(relayId, far);
        if (!(far instanceof FarWriter writer ? channel.takeWriter(writer) : channel.takeReader((FarReader) far))) {
            relays.remove(relayId, far);
            send(origin, "refused", relayId, "channel " + (writing ? "writer" : "reader") + " already connected");
        }
    }

    /** One end of a channel here, whose socket is on engine {@code origin}. */
    private abstract static class Far implements Relay {

        final String origin;
        final String relayId;
        final Channel channel;

        Far(String origin, String relayId, Channel channel) {
            this.origin = origin;
            this.relayId = relayId;
            this.channel = channel;
        }

        @Override
        public String peer() {
            return origin;
        }
    }

    /** The writer's end of a channel here, whose socket is on engine {@code origin}. */
    private final class FarWriter extends Far implements Channel.WriterEnd {

        FarWriter(String origin, String relayId, Channel channel) {
            super(origin, relayId, channel);
        }

        @Override
        public boolean pause() {
            send(origin, "pause", relayId, "");
            return true;
        }

        @Override
        public void resume() {
            send(origin, "resume", relayId, "");
        }

        @Override
        public void close(String reason) {
            if (relays.remove(relayId, this)) {
                send(origin, "close", relayId, reason == null ? "" : reason);
            }
        }

        @Override
        public void received(String op, String rest) {
            switch (op) {
                case "item" -> channel.offer(item(rest));
                case "end" -> {
                    if (relays.remove(relayId, this)) {
                        channel.writerEnded(rest.startsWith("1"), reason(rest));
                    }
                }
                default -> LOG.fine(() -> "Unknown channel relay message " + op);
            }
        }

        @Override
        public void peerLeft() {
            channel.writerEnded(false, "the writer's engine left the cluster");
        }
    }

    /** The reader's end of a channel here, whose socket is on engine {@code origin}. */
    private final class FarReader extends Far implements Channel.ReaderEnd {

        private volatile Runnable sent;

        FarReader(String origin, String relayId, Channel channel) {
            super(origin, relayId, channel);
        }

        @Override
        public void send(ChannelItem item, Runnable sent) {
            this.sent = sent;
            ChannelRelay.this.send(origin, "item", relayId, item(item));
        }

        @Override
        public void end(boolean clean, String reason) {
            if (relays.remove(relayId, this)) {
                ChannelRelay.this.send(origin, "end", relayId, ending(clean, reason));
            }
        }

        @Override
        public void received(String op, String rest) {
            switch (op) {
                case "sent" -> {
                    var done = sent;
                    sent = null;
                    if (done != null) {
                        done.run();
                    }
                }
                case "gone" -> {
                    if (relays.remove(relayId, this)) {
                        channel.readerGone();
                    }
                }
                default -> LOG.fine(() -> "Unknown channel relay message " + op);
            }
        }

        @Override
        public void peerLeft() {
            channel.readerGone();
        }
    }
}
