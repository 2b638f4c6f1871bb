package iii.engine.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.testing.LogCapture;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request body read as the container delivers it, a piece at a time through {@link ReadListener} callbacks: whole
 * bodies, bodies over the limit, bodies not whole by the deadline and bodies cut off by the client.
 */
class BodyReaderTest {

    private static final long NO_DEADLINE = TimeUnit.MINUTES.toMillis(5);

    /** An input stream the test feeds: what has "arrived" is readable, then it is not ready until more arrives. */
    static class Arriving extends ServletInputStream {
        private final ArrayDeque<byte[]> pieces = new ArrayDeque<>();
        private byte[] current = new byte[0];
        private int position;
        private boolean finished;
        private ReadListener listener;
        int reads;

        @Override
        public void setReadListener(ReadListener readListener) {
            listener = readListener;
        }

        int readyCallsOnceFinished;

        void arrive(String piece) throws IOException {
            buffer(piece);
            listener.onDataAvailable();
        }

        /** Bytes that arrive without a callback (yet). */
        void buffer(String piece) {
            pieces.add(piece.getBytes(StandardCharsets.UTF_8));
        }

        void end() throws IOException {
            finished = true;
            listener.onAllDataRead();
        }

        @Override
        public int available() {
            return current.length - position + pieces.stream().mapToInt(p -> p.length).sum();
        }

        @Override
        public boolean isReady() {
            if (finished) {
                readyCallsOnceFinished++;
            }
            if (position == current.length && !pieces.isEmpty()) {
                current = pieces.poll();
                position = 0;
            }
            return position < current.length;
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("read in chunks");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            reads++;
            if (position == current.length && !pieces.isEmpty()) {
                current = pieces.poll();
                position = 0;
            }
            if (position == current.length) {
                throw new IllegalStateException("read while not ready: it would block");
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }
    }

    /** Records the one outcome; a second one fails the test. */
    static final class Outcome implements BodyReader.Sink {
        final CompletableFuture<Object> first = new CompletableFuture<>();
        final List<Object> all = new CopyOnWriteArrayList<>();

        @Override
        public void body(byte[] bytes) {
            all.add(bytes);
            first.complete(bytes);
        }

        @Override
        public void failed(BodyReader.Failure failure) {
            all.add(failure);
            first.complete(failure);
        }

        Object await() throws Exception {
            return first.get(5, TimeUnit.SECONDS);
        }
    }

    private ScheduledThreadPoolExecutor scheduler;
    private final Arriving in = new Arriving();
    private final Outcome outcome = new Outcome();

    @BeforeEach
    void start() {
        scheduler = new ScheduledThreadPoolExecutor(1);
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void a_body_arriving_in_pieces_is_delivered_whole_once_it_has_all_arrived() throws Exception {
        BodyReader.read(in, 100, 400, true, NO_DEADLINE, scheduler, outcome);
        in.arrive("{\"a\":");
        in.arrive("1");
        assertFalse(outcome.first.isDone(), "nothing before the end");
        in.arrive("}");
        in.end();

        assertArrayEquals("{\"a\":1}".getBytes(StandardCharsets.UTF_8), (byte[]) outcome.await());
        assertEquals(1, outcome.all.size());
        assertEquals(0, scheduler.getQueue().size(), "the deadline is cancelled");
    }

    @Test
    void once_the_input_is_finished_the_rest_is_read_without_asking_whether_the_stream_is_ready() throws Exception {
        BodyReader.read(in, 100, 400, true, NO_DEADLINE, scheduler, outcome);
        in.arrive("[1,");
        in.buffer("2,");
        in.buffer("3]");
        in.end();

        assertArrayEquals("[1,2,3]".getBytes(StandardCharsets.UTF_8), (byte[]) outcome.await());
        assertEquals(0, in.readyCallsOnceFinished, "on Payara that would schedule a stray onAllDataRead");
    }

    @Test
    void a_body_that_is_not_wanted_is_counted_and_dropped() throws Exception {
        BodyReader.read(in, 100, 400, false, NO_DEADLINE, scheduler, outcome);
        in.arrive("plain words");
        in.end();

        assertArrayEquals(new byte[0], (byte[]) outcome.await());
    }

    @Test
    void a_body_over_the_limit_is_read_to_its_end_within_the_drain_limit_and_refused() throws Exception {
        BodyReader.read(in, 10, 40, true, NO_DEADLINE, scheduler, outcome);
        in.arrive("0123456789");
        in.arrive("0123456789");
        assertFalse(outcome.first.isDone(), "a body over the limit is drained to its end");
        in.end();

        assertEquals(BodyReader.Failure.TOO_LARGE, outcome.await());
    }

    @Test
    void a_body_past_the_drain_limit_is_refused_at_once_and_not_read_further() throws Exception {
        BodyReader.read(in, 10, 25, true, NO_DEADLINE, scheduler, outcome);
        in.arrive("0123456789".repeat(3));

        assertEquals(BodyReader.Failure.TOO_LARGE, outcome.await());
        int reads = in.reads;
        in.arrive("more");
        in.end();
        assertEquals(reads, in.reads, "not read after the refusal");
        assertEquals(1, outcome.all.size());
    }

    @Test
    void a_body_not_whole_by_the_deadline_times_out_and_is_not_read_again() throws Exception {
        BodyReader.read(in, 100, 400, true, 50, scheduler, outcome);
        in.arrive("{");

        assertEquals(BodyReader.Failure.TIMED_OUT, outcome.await());
        int reads = in.reads;
        in.arrive("}");
        in.end();
        assertEquals(reads, in.reads, "the stream is left alone once the deadline has passed");
        assertEquals(List.of(BodyReader.Failure.TIMED_OUT), outcome.all);
    }

    @Test
    void a_body_cut_off_by_the_client_is_aborted_with_no_warning_and_no_stack_trace() throws Exception {
        var logger = Logger.getLogger(BodyReader.class.getName());
        var handler = new LogCapture();
        var records = handler.records();
        var level = logger.getLevel();
        logger.addHandler(handler);
        logger.setLevel(Level.ALL);
        try {
            BodyReader.read(in, 100, 400, true, NO_DEADLINE, scheduler, outcome);
            in.arrive("{\"a\":");
            for (int i = 0; i < 200; i++) {
                in.listener.onError(new EOFException("client went away"));
            }
        } finally {
            logger.removeHandler(handler);
            logger.setLevel(level);
        }

        assertEquals(BodyReader.Failure.ABORTED, outcome.await());
        assertEquals(1, outcome.all.size());
        assertEquals(1, records.size(), "one line");
        assertTrue(records.get(0).getLevel().intValue() <= Level.FINE.intValue(), "at FINE");
        assertEquals(null, records.get(0).getThrown(), "no stack trace");
    }

    @Test
    void a_body_already_whole_when_reading_starts_sets_no_deadline() throws Exception {
        var whole = new Arriving() {
            @Override
            public void setReadListener(ReadListener readListener) {
                super.setReadListener(readListener);
                try {
                    end(); // the container may call back before setReadListener returns
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        };
        BodyReader.read(whole, 100, 400, true, NO_DEADLINE, scheduler, outcome);

        assertArrayEquals(new byte[0], (byte[]) outcome.await());
        assertEquals(0, scheduler.getQueue().size());
    }

    /** Records a streamed body's pieces and its one outcome. */
    static final class Pieces implements BodyReader.Pieces {
        final StringBuilder text = new StringBuilder();
        final Outcome outcome = new Outcome();

        @Override
        public void piece(java.nio.ByteBuffer bytes) {
            text.append(StandardCharsets.UTF_8.decode(bytes));
        }

        @Override
        public void end() {
            outcome.body(text.toString().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void failed(BodyReader.Failure failure) {
            outcome.failed(failure);
        }
    }

    @Test
    void a_streamed_body_is_handed_over_piece_by_piece_and_a_paused_reader_reads_again_once_resumed()
            throws Exception {
        var pieces = new Pieces();
        var reader = BodyReader.pieces(in, 100, 400, pieces).start(NO_DEADLINE, scheduler, true);
        in.arrive("first ");
        assertEquals("first ", pieces.text.toString(), "handed over as it arrives");

        reader.pause();
        int reads = in.reads;
        in.arrive("second ");
        assertEquals(reads, in.reads, "a paused reader leaves the stream alone");
        assertEquals("first ", pieces.text.toString());

        reader.resume(Runnable::run);
        assertEquals("first second ", pieces.text.toString(), "what waited is read on resume");
        in.arrive("end");
        in.end();
        assertArrayEquals("first second end".getBytes(StandardCharsets.UTF_8), (byte[]) pieces.outcome.await());
    }

    @Test
    void a_streamed_body_hands_over_nothing_past_the_limit_and_fails_too_large() throws Exception {
        var pieces = new Pieces();
        BodyReader.pieces(in, 10, 40, pieces).start(NO_DEADLINE, scheduler, true);
        in.arrive("0123456789");
        in.arrive("overflow");
        in.end();

        assertEquals(BodyReader.Failure.TOO_LARGE, pieces.outcome.await());
        assertEquals("0123456789", pieces.text.toString());
    }

    @Test
    void a_streamed_body_outlives_its_deadline_while_bytes_keep_arriving_and_times_out_once_they_stop()
            throws Exception {
        var pieces = new Pieces();
        BodyReader.pieces(in, 1000, 4000, pieces).start(400, scheduler, true);
        for (int i = 0; i < 20; i++) { // a second in all, over twice the deadline
            Thread.sleep(50);
            in.arrive("x");
        }
        assertFalse(pieces.outcome.first.isDone(), "a body still arriving is not timed out");

        assertEquals(BodyReader.Failure.TIMED_OUT, pieces.outcome.await());
        assertEquals(20, pieces.text.length());
    }

    @Test
    void a_paused_streamed_body_does_not_time_out_until_its_consumer_wants_more() throws Exception {
        var pieces = new Pieces();
        var reader = BodyReader.pieces(in, 1000, 4000, pieces).start(200, scheduler, true);
        in.arrive("x");
        reader.pause();
        Thread.sleep(700);
        assertFalse(pieces.outcome.first.isDone(), "a consumer that holds the body back is not the client's delay");

        reader.resume(Runnable::run);
        assertEquals(BodyReader.Failure.TIMED_OUT, pieces.outcome.await());
    }

    @Test
    void a_cancelled_reader_is_not_touched_again_and_gives_no_outcome() throws Exception {
        var pieces = new Pieces();
        var reader = BodyReader.pieces(in, 100, 400, pieces).start(NO_DEADLINE, scheduler, true);
        reader.cancel();
        int reads = in.reads;
        in.arrive("late");
        in.end();

        assertEquals(reads, in.reads);
        assertFalse(pieces.outcome.first.isDone());
        assertEquals(0, scheduler.getQueue().size(), "the deadline is cancelled");
    }
}
