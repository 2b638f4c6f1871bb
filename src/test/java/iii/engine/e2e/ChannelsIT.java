package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iii.engine.it.ArquillianEngine;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Channels between real workers (PROTOCOL.md §7): one worker creates a channel with its SDK's public
 * {@code createChannel}, passes a reference in a call's payload, and the other worker's SDK turns it into a
 * {@code ChannelReader} or {@code ChannelWriter}; text and several MiB of binary data arrive whole and in order, in
 * both directions and across SDK versions 0.11.6 and 0.22.1. A wrong key is refused at the upgrade; a writer that
 * dies ends its reader's stream and leaves no channel behind; a reader slower than its writer holds the writer back
 * instead of the engine buffering what it cannot deliver.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ChannelsIT extends E2eSupport {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int MIB = 1024 * 1024;
    private static final List<Sdk> CHANNEL_SDKS = List.of(Sdk.V0_11_6, Sdk.V0_22_1);
    /** MiB sent worker to worker ({@code -Diii.it.channel-mib=N} for a throughput figure). */
    private static final long STREAMED = Long.getLong("iii.it.channel-mib", 6) * MIB;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ArquillianEngine.deployment();
    }

    static Stream<Arguments> creatorAndPeer() {
        return pairs(CHANNEL_SDKS);
    }

    @ParameterizedTest(name = "{0} creates and writes, {1} reads")
    @MethodSource("creatorAndPeer")
    void a_reader_reference_in_a_payload_streams_text_and_binary_to_another_worker(Sdk creator, Sdk peer) {
        NodeWorker writer = node(creator);
        NodeWorker reader = node(peer);
        String fn = fid("channel-read");
        reader.registerFunction(fn, "channel-read");
        awaitFunctionListed(fn);
        JsonObject channel = writer.requestOk(NodeWorker.command("channelCreate", "handle", "c"));

        CompletableFuture<JsonObject> read = writer.callAsync(fn, JsonKit.obj("reader", channel.get("reader_ref")));
        JsonObject written = writer.request(NodeWorker.command("channelWrite", "handle", "c", "bytes", STREAMED,
                "seed", 7, "texts", JsonKit.arr("first", "second"), "end_texts", JsonKit.arr("last")),
                Duration.ofSeconds(60));
        JsonObject answer = writer.join(read, Duration.ofSeconds(60), "the reader's answer");

        assertTrue(written.getBoolean("ok"), written::toString);
        assertTrue(answer.getBoolean("ok"), answer::toString);
        JsonObject result = answer.getJsonObject("result");
        assertEquals(STREAMED, result.getJsonNumber("bytes").longValue(), result::toString);
        assertEquals(written.getString("sha256"), result.getString("sha256"));
        assertEquals(List.of("first", "second", "last"), result.getJsonArray("texts").getValuesAs(JsonString::getString));
        report("worker→worker " + creator + "→" + peer, STREAMED, written.getJsonNumber("elapsed_ms").longValue());
        awaitNoChannels();
    }

    @ParameterizedTest(name = "{0} creates and reads, {1} writes")
    @MethodSource("creatorAndPeer")
    void a_writer_reference_in_a_payload_streams_back_to_the_creator(Sdk creator, Sdk peer) {
        NodeWorker reader = node(creator);
        NodeWorker writer = node(peer);
        String fn = fid("channel-write");
        writer.registerFunction(fn, "channel-write");
        awaitFunctionListed(fn);
        JsonObject channel = reader.requestOk(NodeWorker.command("channelCreate", "handle", "c"));

        CompletableFuture<JsonObject> write = reader.callAsync(fn, JsonKit.obj("writer", channel.get("writer_ref"),
                "bytes", 5 * MIB + 123, "texts", JsonKit.arr("hello")));
        JsonObject read = reader.request(NodeWorker.command("channelRead", "handle", "c"), Duration.ofSeconds(60));
        JsonObject answer = reader.join(write, Duration.ofSeconds(60), "the writer's answer");

        assertTrue(answer.getBoolean("ok"), answer::toString);
        assertTrue(read.getBoolean("ok"), read::toString);
        JsonObject result = answer.getJsonObject("result");
        assertEquals(5L * MIB + 123, read.getJsonNumber("bytes").longValue(), read::toString);
        assertEquals(result.getString("sha256"), read.getString("sha256"));
        assertEquals("hello", read.getJsonArray("texts").getString(0), read::toString);
        awaitNoChannels();
    }

    @Test
    void a_wrong_key_or_an_unknown_channel_is_refused_with_404_at_the_upgrade() throws IOException {
        NodeWorker owner = node(Sdk.V0_22_1);
        JsonObject ref = owner.requestOk(NodeWorker.command("channelCreate", "handle", "c"))
                .getJsonObject("reader_ref");
        String id = ref.getString("channel_id");

        String wrongKey = upgrade("/ws/channels/" + id + "?key=wrong&dir=read");
        assertTrue(wrongKey.startsWith("HTTP/1.1 404"), wrongKey);
        assertTrue(wrongKey.endsWith("Channel not found"), wrongKey);
        String unknown = upgrade("/ws/channels/no-such-channel?key=" + ref.getString("access_key") + "&dir=read");
        assertTrue(unknown.startsWith("HTTP/1.1 404"), unknown);
        String rightKey = upgrade("/ws/channels/" + id + "?key=" + ref.getString("access_key") + "&dir=write");
        assertTrue(rightKey.startsWith("HTTP/1.1 101"), rightKey);
    }

    @Test
    void each_end_is_taken_once() throws Exception {
        NodeWorker owner = node(Sdk.V0_11_6);
        JsonObject ref = owner.requestOk(NodeWorker.command("channelCreate", "handle", "c"))
                .getJsonObject("reader_ref");
        URI uri = ws().resolve("/ws/channels/" + ref.getString("channel_id") + "?key=" + ref.getString("access_key")
                + "&dir=read");
        Closes first = new Closes();
        WebSocket taken = HTTP.newWebSocketBuilder().buildAsync(uri, first).get(10, TimeUnit.SECONDS);
        Closes second = new Closes();
        HTTP.newWebSocketBuilder().buildAsync(uri, second).get(10, TimeUnit.SECONDS);

        int code = second.closed.get(10, TimeUnit.SECONDS);
        assertEquals(1008, code);
        assertTrue(!first.closed.isDone(), "the end's first socket stays open");
        taken.abort();
    }

    @Test
    void frames_pass_in_order_and_a_frame_over_the_limit_ends_the_stream_as_broken() throws Exception {
        NodeWorker owner = node(Sdk.V0_22_1);
        JsonObject ref = owner.requestOk(NodeWorker.command("channelCreate", "handle", "c"))
                .getJsonObject("reader_ref");
        String end = "/ws/channels/" + ref.getString("channel_id") + "?key=" + ref.getString("access_key") + "&dir=";
        Frames received = new Frames();
        WebSocket reader = HTTP.newWebSocketBuilder().buildAsync(ws().resolve(end + "read"), received)
                .get(10, TimeUnit.SECONDS);
        Closes writerCloses = new Closes();
        WebSocket writer = HTTP.newWebSocketBuilder().buildAsync(ws().resolve(end + "write"), writerCloses)
                .get(10, TimeUnit.SECONDS);

        writer.sendText("a", true).get(10, TimeUnit.SECONDS);
        writer.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
        writer.sendText("b", true).get(10, TimeUnit.SECONDS);
        boolean sentWhole;
        try {
            writer.sendBinary(ByteBuffer.allocate(17 * MIB), true).get(30, TimeUnit.SECONDS);
            sentWhole = true;
        } catch (ExecutionException e) {
            sentWhole = false; // the engine closed the connection before the client finished sending the refused frame
        }

        if (sentWhole) {
            assertEquals(1009, writerCloses.closed.get(30, TimeUnit.SECONDS));
        } else {
            // the 1009 was sent, but a client cut off mid-send may hear of its connection's end first
            var writerEnd = writerCloses.closed.handle((code, error) -> error != null ? "cut" : "code " + code)
                    .get(30, TimeUnit.SECONDS);
            assertTrue(writerEnd.equals("code 1009") || writerEnd.equals("cut"), writerEnd);
        }
        assertEquals(1011, received.closed.get(30, TimeUnit.SECONDS));
        assertEquals(List.of("text:a", "binary:3", "text:b"), received.frames);
        reader.abort();
        writer.abort();
        awaitNoChannels();
    }

    @ParameterizedTest
    @EnumSource(value = Sdk.class, names = {"V0_11_6", "V0_22_1"})
    void a_writer_killed_mid_stream_ends_the_readers_stream_and_leaves_no_channel(Sdk sdk) {
        NodeWorker writer = node(sdk);
        NodeWorker reader = node(sdk);
        String fn = fid("channel-read");
        reader.registerFunction(fn, "channel-read", "report_first", true);
        awaitFunctionListed(fn);
        JsonObject channel = writer.requestOk(NodeWorker.command("channelCreate", "handle", "c"));
        writer.callAsync(fn, JsonKit.obj("reader", channel.get("reader_ref")));
        writer.requestAsync(NodeWorker.command("channelWrite", "handle", "c", "bytes", 256 * MIB,
                "report_progress", true));
        // the engine holds 64 frames for a reader not yet connected: the writer dies once the reader is reading
        reader.await(NodeWorker.event("channelReadStarted"), Duration.ofSeconds(60), "the reader's first bytes");
        writer.await(e -> "channelWriteProgress".equals(NodeWorker.type(e))
                && e.getJsonNumber("written").longValue() >= 4L * MIB, Duration.ofSeconds(60), "4 MiB written");

        writer.kill();

        JsonObject ended = reader.await(NodeWorker.event("channelRead"), Duration.ofSeconds(30), "the read's end");
        long got = ended.getJsonNumber("bytes").longValue();
        assertTrue(got > 0 && got < 256L * MIB, ended::toString);
        awaitNoChannels();
    }

    @Test
    void a_reader_slower_than_its_writer_holds_the_writer_back_and_the_engine_holds_a_bounded_buffer() {
        NodeWorker writer = node(Sdk.V0_22_1);
        NodeWorker reader = node(Sdk.V0_11_6);
        String fn = fid("channel-read");
        reader.registerFunction(fn, "channel-read");
        awaitFunctionListed(fn);
        JsonObject channel = writer.requestOk(NodeWorker.command("channelCreate", "handle", "c", "buffer_size", 16));
        long total = 96L * MIB;
        JsonObject before = channelsHealth();

        CompletableFuture<JsonObject> read = writer.callAsync(fn, JsonKit.obj("reader", channel.get("reader_ref"),
                "delay_ms", 3));
        CompletableFuture<JsonObject> written = writer.requestAsync(NodeWorker.command("channelWrite", "handle", "c",
                "bytes", total));
        long peakBuffered = 0;
        long peakInChannel = 0;
        long peakHeapAfterGc = 0;
        long peakHeap = 0;
        int samples = 0;
        while (!read.isDone()) {
            JsonObject health = channelsHealth();
            peakBuffered = Math.max(peakBuffered, number(health, "buffered_bytes"));
            peakInChannel = Math.max(peakInChannel, number(health, "peak_buffered_bytes"));
            peakHeapAfterGc = Math.max(peakHeapAfterGc, number(health, "heap_after_gc_bytes"));
            peakHeap = Math.max(peakHeap, number(health, "heap_used_bytes"));
            samples++;
            try {
                read.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // sample again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        JsonObject answer = writer.join(read, Duration.ofSeconds(5), "the reader's answer");
        JsonObject wrote = writer.join(written, Duration.ofSeconds(30), "the writer's answer");
        JsonObject result = answer.getJsonObject("result");
        assertEquals(wrote.getString("sha256"), result.getString("sha256"), result::toString);

        long bound = (16 + 8) * 64L * 1024;
        System.out.printf("slow reader: %d MiB in %d ms (writer done after %d ms); %d samples: peak buffered %d KiB"
                        + " (channel's own peak %d KiB), heap after GC %d -> peak %d MiB, heap used peak %d MiB%n",
                total / MIB, result.getJsonNumber("elapsed_ms").longValue(), wrote.getJsonNumber("elapsed_ms")
                        .longValue(), samples, peakBuffered / 1024, peakInChannel / 1024,
                number(before, "heap_after_gc_bytes") / MIB, peakHeapAfterGc / MIB, peakHeap / MIB);
        assertTrue(peakBuffered <= bound, "the channel held " + peakBuffered + " bytes, more than " + bound);
        assertTrue(peakInChannel <= bound, "the channel held at most " + peakInChannel + " bytes, more than " + bound);
        awaitNoChannels();
    }

    // -----------------------------------------------------------------------------------------------------------

    private static void report(String what, long bytes, long millis) {
        System.out.printf("%s: %d MiB in %d ms = %.1f MB/s%n", what, bytes / MIB, millis,
                bytes / 1e6 / Math.max(1, millis) * 1000);
    }

    /** A raw upgrade request for {@code pathAndQuery}; the status line, and the body when it is refused. */
    private String upgrade(String pathAndQuery) throws IOException {
        int port = base.getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            String status = head.substring(0, head.indexOf("\r\n"));
            if (status.contains(" 101 ")) {
                return status;
            }
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return status + "\n" + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        return head.toString();
    }

    /** Records the close code a WebSocket gets. */
    private static class Closes implements WebSocket.Listener {
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    /** Records the frames a reader's WebSocket gets (text, and the size of binary ones), then its close code. */
    private static final class Frames extends Closes {
        final List<String> frames = new CopyOnWriteArrayList<>();
        private final StringBuilder text = new StringBuilder();
        private long binary;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                frames.add("text:" + text);
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            binary += data.remaining();
            if (last) {
                frames.add("binary:" + binary);
                binary = 0;
            }
            webSocket.request(1);
            return null;
        }
    }
}
