package iii.engine.channel;

import java.nio.ByteBuffer;

/**
 * One frame passing through a channel, text or binary, forwarded as it came.
 *
 * @param text   the text frame, or null for a binary one
 * @param binary the binary frame, or null for a text one
 */
public record ChannelItem(String text, ByteBuffer binary) {

    public static ChannelItem text(String text) {
        return new ChannelItem(text, null);
    }

    public static ChannelItem binary(ByteBuffer binary) {
        return new ChannelItem(null, binary);
    }

    public boolean isText() {
        return text != null;
    }

    /** What the item holds in memory, roughly: the bytes of a binary frame, two per character of a text one. */
    public long size() {
        return text != null ? 2L * text.length() : binary.remaining();
    }
}
