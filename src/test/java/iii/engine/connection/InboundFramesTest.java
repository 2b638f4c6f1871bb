package iii.engine.connection;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link InboundFrames} behind {@link GuardedInputStream}, fed the bytes of masked client frames in chunks of every
 * size, read the way Tyrus reads them; the output is parsed back into frames as Tyrus would.
 */
class InboundFramesTest {

    private static final int LIMIT = 1 << 20;
    private final Random random = new Random(42);

    @Test
    void smallFramesPassUnchangedWhateverTheChunks() throws IOException {
        var input = concat(frame(1, true, "{\"type\":\"ping\"}"), frame(2, true, bytes(300)),
                frame(9, true, new byte[0]), frame(1, false, "{\"type\""), frame(0, true, ":\"pong\"}"),
                frame(1, true, bytes(70_000 - 3_000)));
        for (int chunk : new int[]{1, 2, 3, 7, 13, 100, 4096, 1 << 20}) {
            var frames = new InboundFrames(LIMIT, new FrameBudget(1 << 30));
            assertArrayEquals(input, readAll(frames, input, chunk), "chunks of " + chunk);
        }
    }

    @Test
    void aLargeFrameWithinTheLimitPassesWholeOnceItsLastByteIsIn() throws IOException {
        var payload = bytes(500_000);
        var input = concat(frame(1, true, "a"), frame(2, true, payload), frame(1, true, "b"));
        var budget = new FrameBudget(1 << 30);
        var frames = new InboundFrames(LIMIT, budget);
        var reads = new ArrayList<Integer>();
        var output = readAll(frames, input, 8192, reads);
        assertArrayEquals(input, output);
        assertTrue(reads.stream().anyMatch(n -> n >= 500_000), "the large frame came in one read: " + reads);
        assertEquals(0, budget.used(), "the budget is given back once the frame has passed on");
        assertNull(frames.cutAt(2));
    }

    @Test
    void aFrameOverTheLimitIsCutToItsHeadAndTheRestIsDroppedInOrder() throws IOException {
        var head = "{\"type\":\"invokefunction\",\"invocation_id\":\"x\",\"data\":\"";
        var text = head + "é".repeat(3 * LIMIT) + "\"}";
        var input = concat(frame(1, true, "first"), frame(1, true, text), frame(1, true, "after"));
        var frames = new InboundFrames(LIMIT, new FrameBudget(1 << 30));
        frames.claim();
        var out = parse(readAll(frames, input, 65_536));
        assertEquals(3, out.size());
        assertEquals("first", out.get(0).text());
        var cutText = out.get(1).text();
        assertTrue(cutText.startsWith(head) && cutText.endsWith("é"), "cut at a UTF-8 boundary");
        assertTrue(out.get(1).payload().length <= InboundFrames.HEAD);
        assertEquals("after", out.get(2).text());
        assertNull(frames.cutAt(1));
        var cut = frames.cutAt(2);
        assertNotNull(cut);
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, cut.size());
        assertEquals(out.get(1).payload().length, cut.delivered());
        assertEquals(InboundFrames.Refusal.TOO_LARGE, cut.refusal());
    }

    @Test
    void aCutFrameReachesTheAssemblerWithItsRealSize() throws IOException {
        var text = "{\"type\":\"invokefunction\",\"data\":\"" + "x".repeat(2 * LIMIT) + "\"}";
        var frames = new InboundFrames(LIMIT, new FrameBudget(1 << 30));
        var assembler = new FrameAssembler(LIMIT, frames);
        var out = parse(readAll(frames, concat(frame(1, true, text), frame(1, true, "{}")), 100_000));
        assertNotNull(assembler.text(out.get(0).text(), true));
        assertEquals("frame of " + text.length() + " bytes exceeds the limit of " + LIMIT + " bytes",
                assembler.refusal());
        assembler.text(out.get(1).text(), true);
        assertNull(assembler.refusal());
    }

    @Test
    void aLargeFrameTheBudgetHasNoRoomForIsCutAndRefusedThoughWithinTheLimit() throws IOException {
        var budget = new FrameBudget(300_000);
        assertTrue(budget.reserve(200_000), "another connection gathers a large frame");
        var frames = new InboundFrames(LIMIT, budget);
        var assembler = new FrameAssembler(LIMIT, frames);
        var out = parse(readAll(frames, frame(2, true, bytes(200_000)), 4096));
        assertEquals(InboundFrames.HEAD, out.get(0).payload().length);
        assertNotNull(assembler.binary(ByteBuffer.wrap(out.get(0).payload()), true));
        assertTrue(assembler.refusal().contains("iii.max-frames-in-flight-bytes"), assembler.refusal());
        assertEquals(200_000, budget.used(), "the refused frame took nothing");
    }

    @Test
    void closingGivesBackWhatAFrameInProgressHolds() throws IOException {
        var budget = new FrameBudget(1 << 30);
        var frames = new InboundFrames(LIMIT, budget);
        var input = frame(2, true, bytes(400_000));
        var stream = new GuardedInputStream(new Chunked(Arrays.copyOf(input, 100_000), 10_000), frames);
        drain(stream, 16_384, new ArrayList<>());
        assertEquals(400_000, budget.used());
        stream.close();
        assertEquals(0, budget.used());
    }

    @Test
    void everyReadThatBringsBytesCountsAsLifeEvenMidFrame() throws IOException {
        var frames = new InboundFrames(LIMIT, new FrameBudget(1 << 30));
        var input = frame(2, true, bytes(300_000));
        var stream = new GuardedInputStream(new Chunked(Arrays.copyOf(input, 200_000), 1000), frames);
        var heard = new AtomicInteger();
        stream.onBytes(heard::incrementAndGet);
        assertEquals(0, drain(stream, 16_384, new ArrayList<>()).length, "nothing passes before the frame is in");
        assertEquals(200, heard.get());
    }

    @Test
    void randomFrameStreamsSurviveRandomChunks() throws IOException {
        for (int round = 0; round < 200; round++) {
            var parts = new ArrayList<byte[]>();
            var expected = new ArrayList<byte[]>();
            int count = 1 + random.nextInt(8);
            for (int i = 0; i < count; i++) {
                int size = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(126);
                    case 1 -> random.nextInt(70_000);
                    case 2 -> 65_000 + random.nextInt(200_000);
                    default -> 1 + random.nextInt(2 * 300_000);
                };
                var payload = bytes(size);
                parts.add(frame(2, true, payload));
                expected.add(size > 300_000 ? Arrays.copyOf(payload, InboundFrames.HEAD) : payload);
            }
            var frames = new InboundFrames(300_000, new FrameBudget(1 << 30));
            var out = parse(readAll(frames, concat(parts.toArray(byte[][]::new)), 1 + random.nextInt(100_000)));
            assertEquals(expected.size(), out.size());
            for (int i = 0; i < out.size(); i++) {
                assertArrayEquals(expected.get(i), out.get(i).payload(), "round " + round + " frame " + i);
            }
        }
    }

    // --- a client's frames, and Tyrus' way of reading them

    record Parsed(int opcode, boolean fin, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private byte[] frame(int opcode, boolean fin, String text) {
        return frame(opcode, fin, text.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] frame(int opcode, boolean fin, byte[] payload) {
        var out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        if (n < 126) {
            out.write(0x80 | n);
        } else if (n < 65_536) {
            out.write(0x80 | 126);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) n >>> (8 * i)));
            }
        }
        var mask = new byte[4];
        random.nextBytes(mask);
        out.writeBytes(mask);
        for (int i = 0; i < n; i++) {
            out.write(payload[i] ^ mask[i & 3]);
        }
        return out.toByteArray();
    }

    private static List<Parsed> parse(byte[] b) {
        var frames = new ArrayList<Parsed>();
        int pos = 0;
        while (pos < b.length) {
            int first = b[pos] & 0xff;
            int second = b[pos + 1] & 0xff;
            long n = second & 0x7f;
            pos += 2;
            if (n == 126) {
                n = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
                pos += 2;
            } else if (n == 127) {
                n = 0;
                for (int i = 0; i < 8; i++) {
                    n = (n << 8) | (b[pos + i] & 0xff);
                }
                pos += 8;
            }
            var mask = Arrays.copyOfRange(b, pos, pos + 4);
            pos += 4;
            var payload = new byte[(int) n];
            for (int i = 0; i < n; i++) {
                payload[i] = (byte) (b[pos + i] ^ mask[i & 3]);
            }
            pos += (int) n;
            frames.add(new Parsed(first & 0x0f, (first & 0x80) != 0, payload));
        }
        return frames;
    }

    private static byte[] readAll(InboundFrames frames, byte[] input, int chunk) throws IOException {
        return readAll(frames, input, chunk, new ArrayList<>());
    }

    private static byte[] readAll(InboundFrames frames, byte[] input, int chunk, List<Integer> reads)
            throws IOException {
        return drain(new GuardedInputStream(new Chunked(input, chunk), frames), 16_384, reads);
    }

    /** Reads as Tyrus does: asks for what is available (16 KiB when nothing is said), while the stream is ready. */
    private static byte[] drain(GuardedInputStream stream, int fallback, List<Integer> reads) throws IOException {
        var out = new ByteArrayOutputStream();
        while (stream.isReady()) {
            int available = stream.available();
            var buffer = new byte[available == 0 ? fallback : available];
            int n = stream.read(buffer);
            if (n < 0) {
                break;
            }
            reads.add(n);
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private byte[] bytes(int n) {
        var b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (var part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A container's input that hands out at most {@code chunk} bytes a read, and is ready while it has any. */
    private static final class Chunked extends ServletInputStream {
        private final byte[] bytes;
        private final int chunk;
        private int pos;

        Chunked(byte[] bytes, int chunk) {
            this.bytes = bytes;
            this.chunk = chunk;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int read() {
            return pos == bytes.length ? -1 : bytes[pos++] & 0xff;
        }

        @Override
        public int available() {
            return Math.min(chunk, bytes.length - pos);
        }

        @Override
        public boolean isFinished() {
            return pos == bytes.length;
        }

        @Override
        public boolean isReady() {
            return pos < bytes.length;
        }

        @Override
        public void setReadListener(ReadListener listener) {
        }
    }
}
