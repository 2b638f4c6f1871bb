package iii.engine.registry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A worker's socket that keeps what the engine sent it. */
public class RecordingChannel implements WorkerChannel {

    public final List<String> frames = new CopyOnWriteArrayList<>();

    @Override
    public void send(String frame) {
        frames.add(frame);
    }

    @Override
    public void ping() {
    }

    @Override
    public void close(String reason) {
    }

    /** The frames of one {@code type}. */
    public List<String> frames(String type) {
        return frames.stream().filter(frame -> frame.contains("\"type\":\"" + type + "\"")).toList();
    }
}
