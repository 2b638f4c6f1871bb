package iii.engine.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.channel.Channel;
import iii.engine.channel.ChannelItem;
import iii.engine.channel.ChannelPort;
import iii.engine.channel.Channels;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two engines' relays joined by an in-order message queue, as Hazelcast's topics deliver them. */
class ChannelRelayTest {

    private static final String A = "engine-a";
    private static final String B = "engine-b";

    private final ArrayDeque<Runnable> inFlight = new ArrayDeque<>();
    private final Channels channelsA = new Channels(System::currentTimeMillis);
    private final Channels channelsB = new Channels(System::currentTimeMillis);
    private final QueueGrid gridA = new QueueGrid(A);
    private final QueueGrid gridB = new QueueGrid(B);
    private ChannelRelay relayA;
    private ChannelRelay relayB;

    @BeforeEach
    void join() {
        relayA = new ChannelRelay(gridA, channelsA);
        relayB = new ChannelRelay(gridB, channelsB);
        relayA.start(A);
        relayB.start(B);
    }

    /** Delivers the messages between the engines, in the order they were sent, until none is left. */
    private void deliver() {
        for (Runnable next; (next = inFlight.poll()) != null;) {
            next.run();
        }
    }

    /** A reader's socket: what it was sent, and how it ended; sends complete at once unless held. */
    private static final class Reader implements Channel.ReaderEnd {
        final List<String> got = new ArrayList<>();
        final List<Runnable> held = new ArrayList<>();
        boolean hold;
        String ended;

        @Override
        public void send(ChannelItem item, Runnable sent) {
            got.add(item.isText() ? item.text() : "bytes " + item.binary().remaining());
            if (hold) {
                held.add(sent);
            } else {
                sent.run();
            }
        }

        @Override
        public void end(boolean clean, String reason) {
            ended = clean ? "clean" : "broken: " + reason;
        }

        void release() {
            hold = false;
            var sends = List.copyOf(held);
            held.clear();
            sends.forEach(Runnable::run);
        }
    }

    /** A writer's socket: how often it was paused and resumed, and why it was closed. */
    private static final class Writer implements Channel.WriterEnd {
        int pauses;
        int resumes;
        String closed;

        @Override
        public boolean pause() {
            pauses++;
            return true;
        }

        @Override
        public void resume() {
            resumes++;
        }

        @Override
        public void close(String reason) {
            closed = reason;
        }
    }

    @Test
    void a_reader_on_another_engine_gets_the_channels_text_and_binary_frames_and_its_clean_end() {
        Channel channel = channelsA.create(4, null);
        channel.takeWriter(new Writer());
        var reader = new Reader();

        ChannelPort there = channelsB.open(channel.id(), channel.accessKey());
        assertNotNull(there, "engine B finds engine A's channel by its id");
        assertTrue(there.takeReader(reader));
        deliver();
        channel.offer(ChannelItem.text("hello"));
        channel.offer(ChannelItem.binary(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        channel.writerEnded(true, null);
        deliver();

        assertEquals(List.of("hello", "bytes 3"), reader.got);
        assertEquals("clean", reader.ended);
        assertTrue(channel.isFinished());
        assertEquals(0, channelsA.relayed() + channelsB.relayed(), "nothing left of the relay on either engine");
    }

    @Test
    void a_writer_on_another_engine_is_paused_while_the_channel_is_full_and_its_end_reaches_the_reader() {
        Channel channel = channelsA.create(1, null);
        var reader = new Reader();
        reader.hold = true;
        channel.takeReader(reader);
        var writer = new Writer();
        ChannelPort there = channelsB.open(channel.id(), channel.accessKey());

        there.takeWriter(writer);
        there.offer(ChannelItem.text("one"));
        there.offer(ChannelItem.text("two"));
        deliver();
        assertEquals(1, writer.pauses - writer.resumes, "the full channel has the socket on the other engine paused");
        reader.release();
        reader.hold = false;
        deliver();
        reader.release();
        there.writerEnded(true, null);
        deliver();

        assertEquals(List.of("one", "two"), reader.got);
        assertEquals(writer.pauses, writer.resumes, "and reading again once the reader took the items");
        assertEquals("clean", reader.ended);
        assertEquals(0, channelsA.relayed() + channelsB.relayed());
    }

    @Test
    void a_wrong_key_or_a_second_reader_is_refused_by_the_channels_engine() {
        Channel channel = channelsA.create(4, null);
        channel.takeReader(new Reader());
        var wrongKey = new Reader();
        var second = new Reader();

        channelsB.open(channel.id(), "not-the-key").takeReader(wrongKey);
        channelsB.open(channel.id(), channel.accessKey()).takeReader(second);
        deliver();

        assertEquals("broken: Channel not found", wrongKey.ended);
        assertEquals("broken: channel reader already connected", second.ended);
        assertEquals(0, channelsA.relayed() + channelsB.relayed());
    }

    @Test
    void an_engine_that_leaves_ends_the_relays_with_it_on_the_other() {
        Channel channel = channelsA.create(4, null);
        var writer = new Writer();
        channel.takeWriter(writer);
        var reader = new Reader();
        channelsB.open(channel.id(), channel.accessKey()).takeReader(reader);
        deliver();

        relayA.nodeLeft(B);
        relayB.nodeLeft(A);

        assertTrue(reader.ended.startsWith("broken"), reader.ended);
        assertTrue(channel.isFinished(), "the reader's engine left: the channel has nobody to write to");
        assertEquals("reader gone", writer.closed);
        assertEquals(0, channelsA.relayed() + channelsB.relayed());
    }

    @Test
    void a_channel_made_before_its_engine_got_a_new_node_id_in_a_merge_is_found_through_the_other_engine() {
        for (var grid : List.of(gridA, gridB)) {
            grid.addresses.put(A, "127.0.0.1:5701");
            grid.addresses.put(B, "127.0.0.1:5702");
        }
        relayA.start(A);
        relayB.start(B);
        Channel before = channelsB.create(4, null);
        before.takeWriter(new Writer());

        // engine B merges back into the cluster under a new node id, at the same address
        var renewed = "engine-b-after-the-merge";
        for (var grid : List.of(gridA, gridB)) {
            grid.nodes = List.of(A, renewed);
            grid.addresses.put(renewed, "127.0.0.1:5702");
        }
        relayB.start(renewed);
        var reader = new Reader();
        ChannelPort there = channelsA.open(before.id(), before.accessKey());
        assertNotNull(there, "engine A finds engine B's channel by its id");
        assertTrue(there.takeReader(reader));
        deliver();
        before.offer(ChannelItem.text("made before the merge"));
        before.writerEnded(true, null);
        deliver();

        assertEquals(List.of("made before the merge"), reader.got);
        assertEquals("clean", reader.ended);
        assertEquals(Channels.tag(before.id()), Channels.tag(channelsB.create(4, null).id()),
                "the ids of engine B's channels name it as before");
    }

    @Test
    void ids_that_name_no_other_engine_find_no_channel() {
        assertNull(channelsB.open(UUID.randomUUID().toString(), "key"), "no engine has that id's tag");
        assertNull(channelsB.open("not-a-uuid", "key"));
        Channel own = channelsB.create(4, null);
        assertNull(channelsB.open(own.id(), "wrong"), "this engine's own channel, with a wrong key");
        assertEquals(B.hashCode(), Channels.tag(own.id()), "this engine's ids name it");
    }

    /** Sends go to the other engine's relay through the shared queue. */
    private final class QueueGrid extends MapGrid {

        QueueGrid(String self) {
            super(self, List.of(A, B));
        }

        @Override
        public void send(String node, String message) {
            var to = node.equals(A) ? relayA : relayB;
            inFlight.add(() -> to.message(message));
        }
    }
}
