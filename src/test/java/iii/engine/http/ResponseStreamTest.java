package iii.engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.channel.ChannelItem;
import iii.engine.channel.Channels;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The response channel read into an HTTP response: control frames before the body, the first binary frame committing
 * the response, each frame's completion only once the connection took it, and the end of the channel ending the
 * response.
 */
class ResponseStreamTest {

    /** An output stream that takes writes only while {@link #ready}, and calls its listener as a container would. */
    static final class Output extends ServletOutputStream {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        boolean ready = true;
        WriteListener listener;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            listener = writeListener;
            possible();
        }

        @Override
        public void write(int b) {
            written.write(b);
        }

        void drained() {
            ready = true;
            possible();
        }

        private void possible() {
            try {
                listener.onWritePossible();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    static final class Exchange implements ResponseStream.Exchange {
        final Output out = new Output();
        int status;
        List<Map.Entry<String, String>> headers;
        HttpMapping.Response finished;
        Boolean closed;
        boolean answered;

        @Override
        public boolean claim() {
            return !answered;
        }

        @Override
        public void finish(HttpMapping.Response response) {
            finished = response;
        }

        @Override
        public ServletOutputStream commit(int status, List<Map.Entry<String, String>> headers) {
            this.status = status;
            this.headers = headers;
            return out;
        }

        @Override
        public void close(boolean clean) {
            closed = clean;
        }
    }

    private final Exchange exchange = new Exchange();
    private final List<String> bad = new ArrayList<>();
    private final ResponseStream stream = new ResponseStream(new Channels(() -> 0L).create(4, null), exchange,
            bad::add);
    private final AtomicInteger sent = new AtomicInteger();

    private void send(ChannelItem item) {
        stream.send(item, sent::incrementAndGet);
    }

    private static ChannelItem bytes(String text) {
        return ChannelItem.binary(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void control_frames_set_the_status_and_headers_that_the_first_binary_frame_commits() {
        send(ChannelItem.text("{\"type\":\"set_status\",\"status_code\":206}"));
        send(ChannelItem.text("{\"type\":\"set_headers\",\"headers\":{\"content-type\":\"text/plain\","
                + "\"bad\\nname\":\"x\",\"x-n\":1}}"));
        send(ChannelItem.text("{\"type\":\"set_status\",\"status_code\":700}"));
        send(ChannelItem.text("not json"));
        send(bytes("hello"));
        send(ChannelItem.text("{\"type\":\"set_status\",\"status_code\":500}"));
        stream.end(true, null);

        assertEquals(206, exchange.status);
        assertEquals(List.of(Map.entry("content-type", "text/plain")), exchange.headers);
        assertEquals("hello", exchange.out.written.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("{\"type\":\"set_status\",\"status_code\":700}", "not json"), bad);
        assertEquals(6, sent.get(), "every frame completes");
        assertEquals(Boolean.TRUE, exchange.closed);
    }

    @Test
    void a_frame_completes_only_once_a_slow_connection_took_it_and_the_end_waits_for_it() {
        send(bytes("one"));
        assertEquals(1, sent.get());
        exchange.out.ready = false;
        send(bytes("two"));
        stream.end(true, null);

        assertEquals(1, sent.get(), "not taken yet: the channel sends nothing more");
        assertEquals(null, exchange.closed, "the end waits for what is still being written");
        exchange.out.drained();
        assertEquals("onetwo", exchange.out.written.toString(StandardCharsets.UTF_8));
        assertEquals(2, sent.get());
        assertEquals(Boolean.TRUE, exchange.closed);
    }

    @Test
    void a_channel_closed_before_any_body_answers_with_its_status_and_an_empty_body() {
        send(ChannelItem.text("{\"type\":\"set_status\",\"status_code\":202}"));
        stream.end(true, null);

        assertEquals(202, exchange.finished.status());
        assertEquals(0, exchange.finished.body().length);
        assertEquals(null, exchange.closed);
    }

    @Test
    void a_response_answered_already_takes_no_frame_and_a_broken_end_before_the_body_answers_nothing() {
        exchange.answered = true;
        send(bytes("late"));
        stream.end(false, "writer gone");

        assertEquals(0, exchange.out.written.size());
        assertEquals(1, sent.get());
        assertEquals(null, exchange.finished);
        assertFalse(exchange.closed != null);
        assertTrue(bad.isEmpty());
    }
}
