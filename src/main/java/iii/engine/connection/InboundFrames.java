package iii.engine.connection;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Follows the WebSocket frames (RFC 6455 §5.2) a client sends, byte by byte as they arrive and before the container's
 * WebSocket layer sees them, and changes how large frames reach that layer.
 *
 * <p>Tyrus buffers a frame whole before it parses it, growing its buffer by each read (the cost grows with the square
 * of the frame's size), and keeps that buffer for as long as the connection lives. So here:
 * <ul>
 * <li>a frame of up to {@link #STREAMED} bytes passes on as its bytes arrive, untouched and without a copy;</li>
 * <li>a larger frame within the engine's limit is gathered into one array of its exact size and passed on whole once
 * its last byte is in, provided the {@link FrameBudget} shared by all connections has room for it;</li>
 * <li>a frame over the limit, or one the budget has no room for, is cut: only its first {@link #HEAD} bytes (enough to
 * read its type and ids, at a UTF-8 boundary for text) pass on as a frame of that length, the rest is read and
 * dropped, and a {@link Cut} records its real size so that the endpoint can refuse it as it refuses any frame over the
 * limit, and its caller is answered.</li>
 * </ul>
 * Memory for a frame in flight is then bounded by the limit, and the sum of them by the budget; reading a frame the
 * engine refuses costs what reading it costs.
 *
 * <p>Calls come from the thread reading the connection, one at a time, except {@link #close()} and {@link #cutAt}; the
 * methods that touch what is gathered hold this object's lock, which is never contended but by a close.
 */
final class InboundFrames {

    /** Frames up to this many payload bytes pass on as they arrive. */
    static final int STREAMED = 64 * 1024;
    /** How many payload bytes of a cut frame pass on. */
    static final int HEAD = STREAMED;

    private static final int MAX_HEADER = 14;

    /** Why a frame was cut. */
    enum Refusal {
        TOO_LARGE, BUSY
    }

    /**
     * A frame that was cut.
     *
     * @param ordinal   which data frame of the connection it was (the first is 1)
     * @param size      its payload's real size in bytes
     * @param delivered how many of those bytes passed on
     */
    record Cut(long ordinal, long size, int delivered, Refusal refusal) {
    }

    private enum Mode {
        HEADER, STREAM, GATHER, HEAD, DISCARD, PASS
    }

    /** Gathered bytes waiting to pass on, with what they hold of the budget. */
    private record Chunk(ByteBuffer bytes, long reserved) {
    }

    private final int limit;
    private final FrameBudget budget;
    private final Queue<Cut> cuts = new ConcurrentLinkedQueue<>();
    private ArrayDeque<Chunk> pending;
    private volatile boolean claimed;
    private boolean closed;
    private boolean tookLarge;

    private Mode mode = Mode.HEADER;
    private final byte[] held = new byte[MAX_HEADER];
    private int heldLength;
    private long remaining;
    private boolean text;
    private long ordinal;

    private byte[] gathered;
    private int gatheredLength;
    private int headerLength;
    private long frameSize;
    private long reserved;
    private Refusal refusal;

    /** Bytes that pass on after a gathered or cut frame within one {@link #process} call. */
    private byte[] tail;
    private int tailLength;

    InboundFrames(int limit, FrameBudget budget) {
        this.limit = limit;
        this.budget = budget;
    }

    /**
     * The endpoint takes these frames as its own: from now on cut frames are recorded for it to {@link #cutAt}. Until
     * then nothing piles up.
     */
    void claim() {
        claimed = true;
    }

    /** The cut that happened to data frame {@code ordinal}, if any; earlier ones are forgotten. */
    Cut cutAt(long ordinal) {
        var cut = cuts.peek();
        while (cut != null && cut.ordinal() < ordinal) {
            cuts.poll();
            cut = cuts.peek();
        }
        if (cut == null || cut.ordinal() != ordinal) {
            return null;
        }
        return cuts.poll();
    }

    /**
     * Takes the bytes {@code b[from, to)} just read, in place: returns the end of what passes on now, which starts at
     * {@code from}. Gathered and cut frames, and what follows them, pass on later through {@link #drain}.
     */
    synchronized int process(byte[] b, int from, int to) {
        int pos = from;
        int out = from;
        boolean diverted = false;
        while (pos < to && !closed) {
            int n;
            switch (mode) {
                case HEADER -> {
                    int length = headerLength(b, pos, to);
                    if (length < 0 || to - pos < length) {
                        heldLength = to - pos;
                        System.arraycopy(b, pos, held, 0, heldLength);
                        pos = to;
                        continue;
                    }
                    begin(b, pos, length);
                    if (mode == Mode.STREAM || mode == Mode.PASS) {
                        out = emit(b, pos, length, out, diverted);
                    }
                    pos += length;
                    if (mode == Mode.STREAM && remaining == 0) {
                        mode = Mode.HEADER;
                    }
                }
                case STREAM, PASS -> {
                    n = mode == Mode.PASS ? to - pos : (int) Math.min(remaining, to - pos);
                    out = emit(b, pos, n, out, diverted);
                    pos += n;
                    remaining -= n;
                    if (mode == Mode.STREAM && remaining == 0) {
                        mode = Mode.HEADER;
                    }
                }
                case GATHER, HEAD -> {
                    int room = gathered.length - gatheredLength;
                    n = Math.min(room, to - pos);
                    System.arraycopy(b, pos, gathered, gatheredLength, n);
                    gatheredLength += n;
                    pos += n;
                    remaining -= n;
                    if (gatheredLength == gathered.length) {
                        flushTail();
                        enqueue(mode == Mode.GATHER ? whole() : cut());
                        diverted = true;
                        mode = remaining > 0 ? Mode.DISCARD : Mode.HEADER;
                    }
                }
                case DISCARD -> {
                    n = (int) Math.min(remaining, to - pos);
                    pos += n;
                    remaining -= n;
                    if (remaining == 0) {
                        mode = Mode.HEADER;
                    }
                }
                default -> throw new IllegalStateException(mode.name());
            }
        }
        flushTail();
        return out;
    }

    /** Bytes of an incomplete frame header held back from the last read; they go in front of the next one. */
    int held() {
        return heldLength;
    }

    /** Puts the held-back header bytes at {@code b[off]}; returns how many. */
    int takeHeld(byte[] b, int off) {
        int n = heldLength;
        System.arraycopy(held, 0, b, off, n);
        heldLength = 0;
        return n;
    }

    /** Bytes that {@link #process} passed on in place, to pass on before anything that waits. */
    synchronized void passFirst(byte[] b, int length) {
        if (pending == null) {
            pending = new ArrayDeque<>(4);
        }
        pending.addFirst(new Chunk(ByteBuffer.wrap(b, 0, length), 0));
    }

    /** Whether gathered or cut frames wait to pass on. */
    synchronized boolean hasPending() {
        return pending != null && !pending.isEmpty();
    }

    /** Bytes waiting to pass on. */
    synchronized int pendingBytes() {
        if (pending == null) {
            return 0;
        }
        long sum = 0;
        for (var chunk : pending) {
            sum += chunk.bytes().remaining();
        }
        return (int) Math.min(Integer.MAX_VALUE, sum);
    }

    /** Copies waiting bytes into {@code b}; returns how many. */
    synchronized int drain(byte[] b, int off, int len) {
        int copied = 0;
        while (copied < len && hasPending()) {
            var chunk = pending.peek();
            var bytes = chunk.bytes();
            int n = Math.min(len - copied, bytes.remaining());
            bytes.get(b, off + copied, n);
            copied += n;
            if (!bytes.hasRemaining()) {
                pending.poll();
                release(chunk.reserved());
            }
        }
        return copied;
    }

    /** Whether a frame larger than {@link #STREAMED} passed on since the last call. */
    boolean tookLargeFrame() {
        boolean took = tookLarge;
        tookLarge = false;
        return took;
    }

    /** The connection is gone: what it holds of the budget and of memory is given back. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long held = reserved;
        reserved = 0;
        if (pending != null) {
            for (var chunk : pending) {
                held += chunk.reserved();
            }
            pending = null;
        }
        budget.release(held);
        gathered = null;
        tail = null;
        cuts.clear();
    }

    /** The size of the frame header starting at {@code pos}, or -1 while its first two bytes are not in. */
    private static int headerLength(byte[] b, int pos, int to) {
        if (to - pos < 2) {
            return -1;
        }
        int second = b[pos + 1] & 0xff;
        int code = second & 0x7f;
        return 2 + (code == 126 ? 2 : code == 127 ? 8 : 0) + ((second & 0x80) != 0 ? 4 : 0);
    }

    private void begin(byte[] b, int pos, int length) {
        int opcode = b[pos] & 0x0f;
        int code = b[pos + 1] & 0x7f;
        long size = code < 126 ? code
                : code == 126 ? ((b[pos + 2] & 0xffL) << 8) | (b[pos + 3] & 0xffL)
                : readLong(b, pos + 2);
        boolean data = opcode <= 2;
        if (size < 0) {
            // not a WebSocket length (RFC 6455 wants the top bit clear); the container closes the connection
            mode = Mode.PASS;
            return;
        }
        if (data) {
            ordinal++;
            if (opcode != 0) {
                text = opcode == 1;
            }
        }
        remaining = size;
        if (!data || size <= STREAMED) {
            mode = Mode.STREAM;
            return;
        }
        frameSize = size;
        headerLength = length;
        if (size <= limit && reserve(size)) {
            mode = Mode.GATHER;
            gathered = new byte[length + (int) size];
        } else {
            mode = Mode.HEAD;
            refusal = size > limit ? Refusal.TOO_LARGE : Refusal.BUSY;
            gathered = new byte[length + HEAD];
        }
        System.arraycopy(b, pos, gathered, 0, length);
        gatheredLength = length;
    }

    private Chunk whole() {
        var chunk = new Chunk(ByteBuffer.wrap(gathered), reserved);
        reserved = 0;
        gathered = null;
        return chunk;
    }

    /** The head of the frame as a frame of its own, its length field rewritten, the rest dropped. */
    private Chunk cut() {
        int delivered = text ? utf8Boundary() : HEAD;
        // a payload over STREAMED bytes has a 64-bit length field
        for (int i = 0; i < 8; i++) {
            gathered[2 + i] = (byte) ((long) delivered >>> (8 * (7 - i)));
        }
        if (claimed) {
            cuts.add(new Cut(ordinal, frameSize, delivered, refusal));
        }
        var chunk = new Chunk(ByteBuffer.wrap(gathered, 0, headerLength + delivered), 0);
        gathered = null;
        return chunk;
    }

    /** Where the head of a text frame may end without splitting a UTF-8 sequence. */
    private int utf8Boundary() {
        int start = HEAD;
        while (start > HEAD - 4 && start > 0 && (payloadByte(start - 1) & 0xc0) == 0x80) {
            start--;
        }
        if (start == 0) {
            return HEAD;
        }
        int lead = payloadByte(start - 1);
        int width = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
        return start - 1 + width <= HEAD ? HEAD : start - 1;
    }

    /** Payload byte {@code i} of the gathered frame, unmasked. */
    private int payloadByte(int i) {
        int value = gathered[headerLength + i] & 0xff;
        if ((gathered[1] & 0x80) != 0) {
            value ^= gathered[headerLength - 4 + (i & 3)] & 0xff;
        }
        return value;
    }

    private int emit(byte[] b, int pos, int n, int out, boolean diverted) {
        if (!diverted) {
            if (out != pos) {
                System.arraycopy(b, pos, b, out, n);
            }
            return out + n;
        }
        if (tail == null || tail.length - tailLength < n) {
            var grown = new byte[Math.max(tailLength + n, 2 * tailLength)];
            if (tail != null) {
                System.arraycopy(tail, 0, grown, 0, tailLength);
            }
            tail = grown;
        }
        System.arraycopy(b, pos, tail, tailLength, n);
        tailLength += n;
        return out;
    }

    private void flushTail() {
        if (tailLength > 0) {
            enqueue(new Chunk(ByteBuffer.wrap(tail, 0, tailLength), 0));
            tail = null;
            tailLength = 0;
        }
    }

    private void enqueue(Chunk chunk) {
        if (pending == null) {
            pending = new ArrayDeque<>(4);
        }
        pending.add(chunk);
        tookLarge = true;
    }

    private boolean reserve(long size) {
        if (!budget.reserve(size)) {
            return false;
        }
        reserved = size;
        return true;
    }

    private void release(long size) {
        if (size > 0) {
            budget.release(size);
        }
    }

    private static long readLong(byte[] b, int at) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (b[at + i] & 0xffL);
        }
        return value;
    }
}
