package iii.engine.connection;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Joins the parts of one message (text or binary) and measures it in bytes. A message that arrives whole, the usual
 * case, is passed on without a copy. Past the limit nothing more is kept, so a message sent in many fragments cannot
 * grow without bound; what was kept is enough to tell a waiting caller why its message was dropped. A part that
 * {@link InboundFrames} cut counts with its real size.
 */
final class FrameAssembler {

    private final int limit;
    /** Where cut frames are told; null where the container upgraded the connection alone. */
    private final InboundFrames inbound;
    /** Data frames received, to match them with those {@link #inbound} cut. */
    private long received;
    private StringBuilder text;
    private ByteArrayOutputStream binary;
    private long size;
    private boolean busy;
    private long lastSize;
    private boolean lastBusy;

    FrameAssembler(int limit, InboundFrames inbound) {
        this.limit = limit;
        this.inbound = inbound;
        if (inbound != null) {
            inbound.claim();
        }
    }

    /** Adds a text part; returns the message (or its head, when refused) after the last part, else null. */
    String text(String part, boolean last) {
        size += utf8Length(part);
        countCut();
        if (text == null && last) {
            return finish(part);
        }
        if (text == null) {
            text = new StringBuilder(part.length() * 2);
        }
        if (text.length() <= limit) {
            text.append(part);
        }
        if (!last) {
            return null;
        }
        var message = text.toString();
        text = null;
        return finish(message);
    }

    /** Adds a binary part, as {@link #text}. */
    ByteBuffer binary(ByteBuffer part, boolean last) {
        size += part.remaining();
        countCut();
        if (binary == null && last) {
            return finish(part);
        }
        if (binary == null) {
            binary = new ByteArrayOutputStream(part.remaining() * 2);
        }
        if (binary.size() <= limit) {
            var bytes = new byte[part.remaining()];
            part.get(bytes);
            binary.writeBytes(bytes);
        }
        if (!last) {
            return null;
        }
        var message = ByteBuffer.wrap(binary.toByteArray());
        binary = null;
        return finish(message);
    }

    /**
     * Why the message just returned is refused: larger than the limit, or cut while the engine received as many large
     * frames as it takes at once. Null when it is not refused.
     */
    String refusal() {
        if (lastSize > limit) {
            return "frame of " + lastSize + " bytes exceeds the limit of " + limit + " bytes";
        }
        if (lastBusy) {
            return "frame of " + lastSize + " bytes refused: the engine is receiving as many large frames as it takes "
                    + "at once (iii.max-frames-in-flight-bytes); send it again later";
        }
        return null;
    }

    /** Forgets a message in progress (its connection closed). */
    void clear() {
        text = null;
        binary = null;
        size = 0;
        busy = false;
    }

    /** A part that was cut on its way in counts with its real size. */
    private void countCut() {
        received++;
        var cut = inbound == null ? null : inbound.cutAt(received);
        if (cut != null) {
            size += cut.size() - cut.delivered();
            busy |= cut.refusal() == InboundFrames.Refusal.BUSY;
        }
    }

    private <T> T finish(T message) {
        lastSize = size;
        lastBusy = busy;
        size = 0;
        busy = false;
        return message;
    }

    /** The UTF-8 size of a text; exact only where it matters, near the limit. */
    private long utf8Length(String part) {
        long chars = part.length();
        if (chars > limit || chars * 3 <= limit) {
            return chars;
        }
        long bytes = 0;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }
}
