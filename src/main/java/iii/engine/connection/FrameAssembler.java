package iii.engine.connection;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Joins the parts of one message (text or binary) and measures it in bytes. A message that arrives whole, the usual
 * case, is passed on without a copy. Past the limit nothing more is kept, so a message sent in many fragments cannot
 * grow without bound; what was kept is enough to tell a waiting caller why its message was dropped.
 */
final class FrameAssembler {

    private final int limit;
    private StringBuilder text;
    private ByteArrayOutputStream binary;
    private long size;
    private long lastSize;

    FrameAssembler(int limit) {
        this.limit = limit;
    }

    /** Adds a text part; returns the message (or its head, when over the limit) after the last part, else null. */
    String text(String part, boolean last) {
        size += utf8Length(part);
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

    /** Adds a binary part; returns the message (or its head) after the last part, else null. */
    ByteBuffer binary(ByteBuffer part, boolean last) {
        size += part.remaining();
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

    /** Whether the message just returned was larger than the limit. */
    boolean oversize() {
        return lastSize > limit;
    }

    /** The size in bytes of the message just returned. */
    long size() {
        return lastSize;
    }

    private <T> T finish(T message) {
        lastSize = size;
        size = 0;
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
