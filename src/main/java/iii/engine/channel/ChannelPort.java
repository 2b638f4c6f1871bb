package iii.engine.channel;

/**
 * What a channel socket drives: a {@link Channel} of this engine, or one of another engine of the cluster reached
 * through it (the sockets of a channel may connect to any engine).
 */
public interface ChannelPort {

    /** Takes the writer's end; false if it was taken before or the channel is finished. */
    boolean takeWriter(Channel.WriterEnd end);

    /** Takes the reader's end; false if it was taken before or the channel is finished. */
    boolean takeReader(Channel.ReaderEnd end);

    /** A frame from the writer's socket. */
    void offer(ChannelItem item);

    /** The writer's socket closed: cleanly (a close frame with a normal code) or not. */
    void writerEnded(boolean clean, String reason);

    /** The reader's socket closed before the stream ended. */
    void readerGone();
}
