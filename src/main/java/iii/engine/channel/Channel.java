package iii.engine.channel;

import iii.engine.registry.Worker;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One channel: a bounded queue of {@link ChannelItem}s between the socket that writes and the socket that reads, each
 * end taken once.
 *
 * <p>Backpressure: once {@link #capacity()} items wait, the writer's end is asked to {@link WriterEnd#pause()} reading
 * from its socket, and to {@link WriterEnd#resume()} once the reader has taken items. Frames the writer's socket had
 * already read when it was paused are still queued (nothing is dropped), so the queue may pass the capacity by what one
 * read of the socket brings. An end that cannot pause its socket is closed once twice the capacity waits, instead of
 * letting memory grow.
 *
 * <p>The reader's end gets one item at a time and says when it was sent; when the writer's socket closed and every
 * item it sent was forwarded, the reader's end is ended, cleanly if the writer closed cleanly. Then, or when the
 * reader's socket goes away, or when the channel is {@link #discard discarded}, the channel is finished and leaves
 * its registry.
 */
public final class Channel implements ChannelPort {

    /** The writer's socket, as the channel drives it. */
    public interface WriterEnd {
        /** Stops reading from the socket; returns false where the socket cannot be paused. */
        boolean pause();

        /** Reads from the socket again. */
        void resume();

        /** Closes the socket (the reader went away, or the channel was removed). */
        void close(String reason);
    }

    /** The reader's socket, as the channel drives it. */
    public interface ReaderEnd {
        /** Sends one item; {@code sent} runs once it was sent (on any thread, possibly before this returns). */
        void send(ChannelItem item, Runnable sent);

        /** Closes the socket: the stream is complete when {@code clean}, cut short otherwise. */
        void end(boolean clean, String reason);
    }

    private enum Ending {
        CLEAN, BROKEN
    }

    private final String id;
    private final String accessKey;
    private final Worker owner;
    private final int capacity;
    private final long createdAt;
    private Runnable finished = () -> { };

    private final ArrayDeque<ChannelItem> items = new ArrayDeque<>();
    private final AtomicInteger pumping = new AtomicInteger();
    private long bufferedBytes;
    private long peakBytes;
    private int peakItems;
    private WriterEnd writer;
    private ReaderEnd reader;
    private boolean writerTaken;
    private boolean readerTaken;
    private boolean paused;
    private boolean unpausable;
    private boolean sending;
    private Ending ending;
    private String endReason;
    private boolean done;

    Channel(String id, String accessKey, Worker owner, int capacity, long createdAt) {
        this.id = id;
        this.accessKey = accessKey;
        this.owner = owner;
        this.capacity = capacity;
        this.createdAt = createdAt;
    }

    /** What runs once when the channel is finished (its registry forgets it). */
    void onFinished(Runnable finished) {
        this.finished = finished;
    }

    public String id() {
        return id;
    }

    public String accessKey() {
        return accessKey;
    }

    /** The worker that created it, or null for the engine's own channels. */
    public Worker owner() {
        return owner;
    }

    /** Items that may wait before the writer's socket is paused. */
    public int capacity() {
        return capacity;
    }

    long createdAt() {
        return createdAt;
    }

    /** Takes the writer's end; false if it was taken before or the channel is finished. */
    @Override
    public synchronized boolean takeWriter(WriterEnd end) {
        if (writerTaken || done) {
            return false;
        }
        writerTaken = true;
        writer = end;
        return true;
    }

    /** Takes the reader's end; false if it was taken before or the channel is finished. Waiting items flow at once. */
    @Override
    public boolean takeReader(ReaderEnd end) {
        synchronized (this) {
            if (readerTaken || done) {
                return false;
            }
            readerTaken = true;
            reader = end;
        }
        pump();
        return true;
    }

    /** A frame from the writer's socket. */
    @Override
    public void offer(ChannelItem item) {
        boolean pause = false;
        boolean overflow = false;
        WriterEnd end;
        synchronized (this) {
            if (done || ending != null) {
                return;
            }
            items.add(item);
            bufferedBytes += item.size();
            peakBytes = Math.max(peakBytes, bufferedBytes);
            peakItems = Math.max(peakItems, items.size());
            if (items.size() >= capacity && !paused && !unpausable) {
                paused = true;
                pause = true;
            }
            if (unpausable && items.size() > 2 * capacity) {
                overflow = true;
            }
            end = writer;
        }
        if (pause && end != null && !end.pause()) {
            synchronized (this) {
                unpausable = true;
                paused = false;
            }
        }
        if (overflow) {
            writerEnded(false, "reader too slow");
            if (end != null) {
                end.close("reader too slow");
            }
            return;
        }
        pump();
    }

    /** The writer's socket closed: cleanly (a close frame with a normal code) or not (dropped, refused, errored). */
    @Override
    public void writerEnded(boolean clean, String reason) {
        synchronized (this) {
            if (ending != null || done) {
                return;
            }
            ending = clean ? Ending.CLEAN : Ending.BROKEN;
            endReason = reason;
        }
        pump();
    }

    /** The reader's socket closed before the stream ended: the writer has nobody to write to. */
    @Override
    public void readerGone() {
        WriterEnd end;
        boolean close;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            close = ending == null;
            end = writer;
            items.clear();
            bufferedBytes = 0;
        }
        if (close && end != null) {
            end.close("reader gone");
        }
        finished.run();
    }

    /** Ends the channel from outside (its owner left, or it was never connected): both sockets are closed. */
    public void discard(String reason) {
        WriterEnd w;
        ReaderEnd r;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            w = ending == null ? writer : null;
            r = reader;
            items.clear();
            bufferedBytes = 0;
        }
        if (w != null) {
            w.close(reason);
        }
        if (r != null) {
            r.end(false, reason);
        }
        finished.run();
    }

    /** Whether one end was never connected and the channel is older than {@code ttl} at {@code now}. */
    synchronized boolean stale(long now, long ttl) {
        return !done && (!writerTaken || !readerTaken) && now - createdAt > ttl;
    }

    public synchronized boolean isFinished() {
        return done;
    }

    /** Items waiting for the reader. */
    public synchronized int bufferedItems() {
        return items.size();
    }

    /** Bytes waiting for the reader (text counted two bytes a character). */
    public synchronized long bufferedBytes() {
        return bufferedBytes;
    }

    /** The most bytes that ever waited at once. */
    public synchronized long peakBytes() {
        return peakBytes;
    }

    /** The most items that ever waited at once. */
    public synchronized int peakItems() {
        return peakItems;
    }

    /** Whether the writer's socket is paused now. */
    public synchronized boolean isPaused() {
        return paused;
    }

    /** Sends what waits, one item at a time; a send that completes inline continues this loop instead of recursing. */
    private void pump() {
        if (pumping.getAndIncrement() != 0) {
            return;
        }
        do {
            while (step()) {
                // sent inline, or nothing to wait for: go on
            }
        } while (pumping.decrementAndGet() != 0);
    }

    /** Sends the next item or ends the reader; false when there is nothing to do until a send completes. */
    private boolean step() {
        ChannelItem item;
        ReaderEnd r;
        WriterEnd resume = null;
        boolean end = false;
        boolean clean = false;
        String reason = null;
        synchronized (this) {
            if (sending || reader == null || done) {
                return false;
            }
            r = reader;
            item = items.poll();
            if (item == null) {
                if (ending == null) {
                    return false;
                }
                done = true;
                end = true;
                clean = ending == Ending.CLEAN;
                reason = endReason;
            } else {
                sending = true;
                bufferedBytes -= item.size();
                if (paused && items.size() < capacity) {
                    paused = false;
                    resume = writer;
                }
            }
        }
        if (end) {
            r.end(clean, reason);
            finished.run();
            return false;
        }
        if (resume != null) {
            resume.resume();
        }
        r.send(item, this::sent);
        return true;
    }

    private void sent() {
        synchronized (this) {
            sending = false;
        }
        pump();
    }

    @Override
    public String toString() {
        return "channel " + id;
    }
}
