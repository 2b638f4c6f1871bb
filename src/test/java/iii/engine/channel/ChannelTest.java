package iii.engine.channel;

import iii.engine.registry.Worker;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Channels channels = new Channels(now::get);

    /** A writer's socket that records pauses and resumes. */
    static final class Writer implements Channel.WriterEnd {
        final boolean pausable;
        int pauses;
        int resumes;
        String closed;

        Writer(boolean pausable) {
            this.pausable = pausable;
        }

        @Override
        public boolean pause() {
            pauses++;
            return pausable;
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

    /** A reader's socket whose sends complete inline, or wait until {@link #complete()} when it is slow. */
    static final class Reader implements Channel.ReaderEnd {
        final boolean slow;
        final List<String> received = new ArrayList<>();
        final List<Runnable> waiting = new ArrayList<>();
        Boolean endedCleanly;
        String endReason;

        Reader(boolean slow) {
            this.slow = slow;
        }

        @Override
        public void send(ChannelItem item, Runnable sent) {
            received.add(item.isText() ? item.text() : "bytes:" + item.binary().remaining());
            if (slow) {
                waiting.add(sent);
            } else {
                sent.run();
            }
        }

        void complete() {
            var next = waiting.remove(0);
            next.run();
        }

        @Override
        public void end(boolean clean, String reason) {
            endedCleanly = clean;
            endReason = reason;
        }
    }

    @Test
    void writerAndReaderReferencesShareTheChannelsIdAndKeyAndFindNeedsBoth() {
        var channel = channels.create(Channels.DEFAULT_BUFFER, null);
        assertEquals(channel, channels.find(channel.id(), channel.accessKey()));
        assertNull(channels.find(channel.id(), "wrong-key"));
        assertNull(channels.find("no-such-channel", channel.accessKey()));
        assertNull(channels.find(channel.id(), null));
    }

    @Test
    void bufferSizeIsClampedAsIiiDoesAndANegativeOneIsRefused() {
        assertEquals(1, channels.create(0, null).capacity());
        assertEquals(Channels.MAX_BUFFER, channels.create(5000, null).capacity());
        assertEquals(7, channels.create(7, null).capacity());
        assertThrows(IllegalArgumentException.class, () -> channels.create(-1, null));
    }

    @Test
    void eachEndIsTakenOnce() {
        var channel = channels.create(4, null);
        assertTrue(channel.takeWriter(new Writer(true)));
        assertFalse(channel.takeWriter(new Writer(true)));
        assertTrue(channel.takeReader(new Reader(false)));
        assertFalse(channel.takeReader(new Reader(false)));
    }

    @Test
    void framesReachTheReaderInOrderAndTheWritersCloseEndsItCleanly() {
        var channel = channels.create(4, null);
        var reader = new Reader(false);
        channel.takeWriter(new Writer(true));
        channel.takeReader(reader);
        channel.offer(ChannelItem.text("one"));
        channel.offer(ChannelItem.binary(ByteBuffer.allocate(10)));
        channel.offer(ChannelItem.text("three"));
        channel.writerEnded(true, null);
        assertEquals(List.of("one", "bytes:10", "three"), reader.received);
        assertEquals(Boolean.TRUE, reader.endedCleanly);
        assertTrue(channel.isFinished());
        assertTrue(channels.all().isEmpty());
    }

    @Test
    void framesSentBeforeTheReaderConnectsWaitAndAreDrainedBeforeTheEnd() {
        var channel = channels.create(8, null);
        channel.takeWriter(new Writer(true));
        channel.offer(ChannelItem.text("early"));
        channel.offer(ChannelItem.text("late"));
        channel.writerEnded(true, null);
        assertFalse(channel.isFinished());
        var reader = new Reader(false);
        channel.takeReader(reader);
        assertEquals(List.of("early", "late"), reader.received);
        assertEquals(Boolean.TRUE, reader.endedCleanly);
    }

    @Test
    void aFullBufferPausesTheWriterAndTakingItemsResumesIt() {
        var channel = channels.create(3, null);
        var writer = new Writer(true);
        var reader = new Reader(true);
        channel.takeWriter(writer);
        channel.takeReader(reader);
        // one item is in flight to the reader, three wait: the buffer is full
        for (int i = 0; i < 4; i++) {
            channel.offer(ChannelItem.binary(ByteBuffer.allocate(100)));
        }
        assertEquals(1, writer.pauses);
        assertTrue(channel.isPaused());
        assertEquals(3, channel.bufferedItems());
        assertEquals(300, channel.bufferedBytes());
        // what the socket had already read when it was paused is kept, not dropped
        channel.offer(ChannelItem.binary(ByteBuffer.allocate(100)));
        assertEquals(4, channel.bufferedItems());
        assertEquals(1, writer.pauses);
        reader.complete();
        assertEquals(0, writer.resumes, "still full after one item was taken");
        reader.complete();
        assertEquals(1, writer.resumes);
        assertFalse(channel.isPaused());
        assertEquals(2, channel.bufferedItems());
        assertEquals(400, channel.peakBytes());
    }

    @Test
    void aWriterThatCannotPauseIsClosedOnceTwiceTheBufferWaits() {
        var channel = channels.create(2, null);
        var writer = new Writer(false);
        var reader = new Reader(true);
        channel.takeWriter(writer);
        channel.takeReader(reader);
        for (int i = 0; i < 6; i++) {
            channel.offer(ChannelItem.text("x" + i));
        }
        assertEquals("reader too slow", writer.closed);
        assertTrue(channel.bufferedItems() <= 5);
        // what was accepted still reaches the reader, then the stream ends as broken
        while (!reader.waiting.isEmpty()) {
            reader.complete();
        }
        assertEquals(Boolean.FALSE, reader.endedCleanly);
    }

    @Test
    void aWriterThatDropsEndsTheReaderAsBrokenAfterWhatItSent() {
        var channel = channels.create(4, null);
        var reader = new Reader(false);
        channel.takeWriter(new Writer(true));
        channel.takeReader(reader);
        channel.offer(ChannelItem.text("partial"));
        channel.writerEnded(false, "channel writer ended abnormally (1006)");
        assertEquals(List.of("partial"), reader.received);
        assertEquals(Boolean.FALSE, reader.endedCleanly);
        assertEquals("channel writer ended abnormally (1006)", reader.endReason);
        channel.offer(ChannelItem.text("after the end"));
        assertEquals(List.of("partial"), reader.received);
    }

    @Test
    void theReaderGoingAwayClosesTheWriterAndFreesTheBuffer() {
        var channel = channels.create(4, null);
        var writer = new Writer(true);
        channel.takeWriter(writer);
        channel.takeReader(new Reader(true));
        channel.offer(ChannelItem.text("a"));
        channel.offer(ChannelItem.text("b"));
        channel.readerGone();
        assertEquals("reader gone", writer.closed);
        assertEquals(0, channel.bufferedItems());
        assertTrue(channels.all().isEmpty());
    }

    @Test
    void channelsWithAnEndNeverConnectedAreSweptAfterFiveMinutes() {
        var unused = channels.create(4, null);
        var halfUsed = channels.create(4, null);
        var halfWriter = new Writer(true);
        halfUsed.takeWriter(halfWriter);
        var inUse = channels.create(4, null);
        inUse.takeWriter(new Writer(true));
        inUse.takeReader(new Reader(false));
        now.addAndGet(Channels.TTL_MS);
        assertEquals(0, channels.sweep(), "not older than the TTL yet");
        now.addAndGet(1);
        assertEquals(2, channels.sweep());
        assertNull(channels.find(unused.id(), unused.accessKey()));
        assertNull(channels.find(halfUsed.id(), halfUsed.accessKey()));
        assertEquals("channel never connected", halfWriter.closed);
        assertNotNull(channels.find(inUse.id(), inUse.accessKey()));
    }

    @Test
    void removingAnOwnersChannelsEndsBothSocketsAndKeepsOthers() {
        var owner = new Worker(null, null);
        var owned = channels.create(4, owner);
        var other = channels.create(4, null);
        var writer = new Writer(true);
        var reader = new Reader(false);
        owned.takeWriter(writer);
        owned.takeReader(reader);
        channels.removeOwnedBy(owner);
        assertEquals("channel owner disconnected", writer.closed);
        assertEquals(Boolean.FALSE, reader.endedCleanly);
        assertNull(channels.find(owned.id(), owned.accessKey()));
        assertNotNull(channels.find(other.id(), other.accessKey()));
    }

    @Test
    void aSlowReaderSeesEveryItemOnceAndTheBufferNeverHoldsMoreThanItsCapacityPlusWhatWasInFlight() {
        var channel = channels.create(8, null);
        var writer = new Writer(true);
        var reader = new Reader(true);
        channel.takeWriter(writer);
        channel.takeReader(reader);
        int sent = 0;
        for (int round = 0; round < 200; round++) {
            // the writer's socket delivers only while not paused, two frames per read
            while (!channel.isPaused() && sent < 1000) {
                channel.offer(ChannelItem.text("m" + sent++));
                channel.offer(ChannelItem.text("m" + sent++));
            }
            assertTrue(channel.bufferedItems() <= 9, "held " + channel.bufferedItems());
            for (int i = 0; i < 5 && !reader.waiting.isEmpty(); i++) {
                reader.complete();
            }
        }
        channel.writerEnded(true, null);
        while (!reader.waiting.isEmpty()) {
            reader.complete();
        }
        assertEquals(1000, reader.received.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals("m" + i, reader.received.get(i));
        }
        assertEquals(Boolean.TRUE, reader.endedCleanly);
        assertTrue(channel.peakItems() <= 9);
    }
}
