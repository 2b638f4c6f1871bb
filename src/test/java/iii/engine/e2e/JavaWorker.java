package iii.engine.e2e;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A worker written in plain Java against the raw wire protocol (PROTOCOL.md §2), over the JDK WebSocket client.
 *
 * <p>Every text frame received is parsed and kept, in order; {@link #awaitFrame} searches them with a deadline.
 * Functions registered with a {@link Handler} are answered automatically (off the socket thread); every
 * {@code invokefunction} received is kept like any other frame, so a test can assert what the callee saw.
 */
final class JavaWorker implements AutoCloseable {

    /** Answers an {@code invokefunction} frame with the fields of the {@code invocationresult}. */
    interface Handler extends Function<JsonObject, JsonObject> {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String label;
    private final WebSocket socket;
    private final List<JsonObject> frames;
    private final Map<String, Handler> handlers;
    private final ExecutorService handlerPool;
    private final CompletableFuture<Integer> closed;
    private volatile boolean aborted;
    private final Object sendLock = new Object();

    private JavaWorker(String label, WebSocket socket, Listener listener) {
        this.label = label;
        this.socket = socket;
        this.frames = listener.frames;
        this.handlers = listener.handlers;
        this.handlerPool = listener.pool;
        this.closed = listener.closed;
        listener.owner = this;
    }

    /** Connects to {@code url} (the engine's worker socket, e.g. {@code ws://127.0.0.1:PORT/}). */
    static JavaWorker connect(URI url, String label) {
        Listener listener = new Listener();
        WebSocket ws = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(url, listener).orTimeout(15, TimeUnit.SECONDS).join();
        return new JavaWorker(label, ws, listener);
    }

    /** Connects, waits for {@code workerregistered} and reports metadata through {@code engine::workers::register}. */
    static JavaWorker connectRegistered(URI url, String name) {
        JavaWorker w = connect(url, name);
        try {
            w.workerId();
            w.registerMetadata(name);
            return w;
        } catch (RuntimeException | AssertionError e) {
            w.abort();
            throw e;
        }
    }

    String label() {
        return label;
    }

    /** The id from {@code workerregistered} (the first frame the engine sends). */
    String workerId() {
        return JsonKit.str(awaitFrame("workerregistered", f -> true, Duration.ofSeconds(10)), "worker_id");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sending

    void send(String text) {
        synchronized (sendLock) {
            socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    void send(JsonObject frame) {
        send(frame.toString());
    }

    void sendBinary(byte[] bytes) {
        synchronized (sendLock) {
            socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    /** Fire-and-forget {@code engine::workers::register}, as the SDKs do right after connecting. */
    void registerMetadata(String name) {
        send(JsonKit.obj("type", "invokefunction", "function_id", "engine::workers::register", "action",
                JsonKit.obj("type", "void"), "data", JsonKit.obj("runtime", "java", "version", "e2e", "name", name,
                        "os", System.getProperty("os.name"), "pid", ProcessHandle.current().pid())));
    }

    /** Registers {@code functionId}; invocations are answered by {@code handler}. */
    void registerFunction(String functionId, Handler handler) {
        handlers.put(functionId, handler);
        send(JsonKit.obj("type", "registerfunction", "id", functionId));
    }

    /** Registers {@code functionId} whose invocations are recorded but never answered. */
    void registerSilentFunction(String functionId) {
        send(JsonKit.obj("type", "registerfunction", "id", functionId));
    }

    void unregisterFunction(String functionId) {
        handlers.remove(functionId);
        send(JsonKit.obj("type", "unregisterfunction", "id", functionId));
    }

    /** An echo handler: returns the data it was given. */
    static Handler echo() {
        return f -> JsonKit.obj("result", f.getOrDefault("data", JsonValue.NULL));
    }

    static Handler fail(String code, String message) {
        return f -> JsonKit.obj("error", JsonKit.obj("code", code, "message", message));
    }

    /** Calls a function and waits for its {@code invocationresult} frame. */
    JsonObject call(String functionId, JsonValue data, Duration timeout) {
        String invocationId = UUID.randomUUID().toString();
        var b = JsonKit.builder().add("type", "invokefunction").add("invocation_id", invocationId)
                .add("function_id", functionId);
        if (data != null) {
            b.add("data", data);
        }
        send(b.build());
        return awaitResult(invocationId, timeout);
    }

    JsonObject call(String functionId, JsonValue data) {
        return call(functionId, data, Duration.ofSeconds(20));
    }

    /** Result object of a built-in call that must succeed. */
    JsonObject callOk(String functionId, JsonValue data) {
        JsonObject r = call(functionId, data);
        if (r.containsKey("error")) {
            throw new AssertionError(label + ": " + functionId + " failed: " + r);
        }
        JsonValue v = r.get("result");
        if (v == null || v.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new AssertionError(label + ": " + functionId + " returned no object: " + r);
        }
        return v.asJsonObject();
    }

    JsonObject awaitResult(String invocationId, Duration timeout) {
        return awaitFrame("invocationresult", f -> invocationId.equals(JsonKit.str(f, "invocation_id")), timeout);
    }

    /** Fire-and-forget call, the 0.2.1 way: no {@code invocation_id}. */
    void callVoid(String functionId, JsonValue data) {
        send(JsonKit.obj("type", "invokefunction", "function_id", functionId, "data", data));
    }

    String registerTrigger(String type, String functionId, JsonValue config) {
        String id = UUID.randomUUID().toString();
        send(JsonKit.obj("type", "registertrigger", "id", id, "trigger_type", type, "function_id", functionId,
                "config", config));
        return id;
    }

    void unregisterTrigger(String id, String type) {
        send(JsonKit.obj("type", "unregistertrigger", "id", id, "trigger_type", type));
    }

    void registerTriggerType(String typeId, String description) {
        send(JsonKit.obj("type", "registertriggertype", "id", typeId, "description", description));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Listings (built-ins), used by tests to observe engine state

    List<JsonObject> listFunctions() {
        return JsonKit.objects(callOk("engine::functions::list", JsonKit.obj("include_internal", true)), "functions");
    }

    boolean functionListed(String functionId) {
        return listFunctions().stream().anyMatch(f -> functionId.equals(JsonKit.str(f, "function_id")));
    }

    List<JsonObject> listWorkers() {
        return JsonKit.objects(callOk("engine::workers::list", JsonKit.empty()), "workers");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Frames

    JsonObject awaitFrame(String type, Predicate<JsonObject> p, Duration timeout) {
        return awaitFrameFrom(0, type, p, timeout);
    }

    JsonObject awaitFrameFrom(int from, String type, Predicate<JsonObject> p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (frames) {
            int i = from;
            while (true) {
                for (; i < frames.size(); i++) {
                    JsonObject f = frames.get(i);
                    if (type.equals(JsonKit.str(f, "type")) && p.test(f)) {
                        return f;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(label + ": no '" + type + "' frame as expected within "
                            + timeout.toMillis() + " ms" + diagnostics());
                }
                try {
                    frames.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** The {@code invokefunction} frames received for {@code functionId}, waiting until there are {@code n}. */
    List<JsonObject> awaitInvocations(String functionId, int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (frames) {
            while (true) {
                List<JsonObject> found = frames(f -> "invokefunction".equals(JsonKit.str(f, "type"))
                        && functionId.equals(JsonKit.str(f, "function_id")));
                if (found.size() >= n) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(label + ": " + found.size() + " of " + n + " invocations of "
                            + functionId + " within " + timeout.toMillis() + " ms" + diagnostics());
                }
                try {
                    frames.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    List<JsonObject> frames(Predicate<JsonObject> p) {
        synchronized (frames) {
            return frames.stream().filter(p).toList();
        }
    }

    int mark() {
        synchronized (frames) {
            return frames.size();
        }
    }

    boolean isClosed() {
        return closed.isDone();
    }

    CompletableFuture<Integer> closedFuture() {
        return closed;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Closing

    /** Abrupt end: the TCP connection is dropped without a close handshake. */
    void abort() {
        aborted = true;
        socket.abort();
        handlerPool.shutdownNow();
    }

    @Override
    public void close() {
        if (aborted) {
            return;
        }
        try {
            if (!socket.isOutputClosed()) {
                synchronized (sendLock) {
                    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                            .exceptionally(e -> null).join();
                }
            }
            closed.orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        } catch (RuntimeException ignored) {
            // best effort
        } finally {
            socket.abort();
            handlerPool.shutdownNow();
        }
    }

    String diagnostics() {
        StringBuilder sb = new StringBuilder("\n--- ").append(label).append(" last frames:\n");
        synchronized (frames) {
            frames.stream().skip(Math.max(0, frames.size() - 25)).forEach(f -> sb.append("  ").append(f).append('\n'));
        }
        sb.append("  closed: ").append(closed.isDone() ? closed.getNow(-1) : "no").append('\n');
        return sb.toString();
    }

    @Override
    public String toString() {
        return label + "(java)";
    }

    private void answer(JsonObject invocation, Handler h) {
        JsonObject fields;
        try {
            fields = h.apply(invocation);
        } catch (RuntimeException e) {
            fields = JsonKit.obj("error", JsonKit.obj("code", "invocation_failed", "message", String.valueOf(e)));
        }
        String invocationId = JsonKit.str(invocation, "invocation_id");
        if (invocationId == null) {
            return;
        }
        var b = JsonKit.builder(fields).add("type", "invocationresult").add("invocation_id", invocationId)
                .add("function_id", JsonKit.str(invocation, "function_id"));
        try {
            send(b.build());
        } catch (RuntimeException ignored) {
            // socket gone
        }
    }

    /**
     * WebSocket listener: assembles fragmented text messages and keeps the frames. It owns the received state
     * because frames may arrive before {@link JavaWorker}'s constructor has run.
     */
    private static final class Listener implements WebSocket.Listener {
        final ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "java-worker-handler");
            t.setDaemon(true);
            return t;
        });
        final List<JsonObject> frames = new ArrayList<>();
        final Map<String, Handler> handlers = new ConcurrentHashMap<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        volatile JavaWorker owner;
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                JsonObject frame;
                try {
                    frame = JsonKit.parseObject(message);
                } catch (RuntimeException e) {
                    frame = JsonKit.obj("type", "<unparseable>", "text", message);
                }
                onFrame(frame);
            }
            webSocket.request(1);
            return null;
        }

        private void onFrame(JsonObject frame) {
            synchronized (frames) {
                frames.add(frame);
                frames.notifyAll();
            }
            if ("invokefunction".equals(JsonKit.str(frame, "type"))) {
                Handler h = handlers.get(JsonKit.str(frame, "function_id"));
                JavaWorker w = owner;
                if (h != null && w != null) {
                    pool.execute(() -> w.answer(frame, h));
                }
            }
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            synchronized (frames) {
                frames.add(JsonKit.obj("type", "<binary>", "bytes", data.remaining()));
                frames.notifyAll();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            synchronized (frames) {
                frames.notifyAll();
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
            synchronized (frames) {
                frames.notifyAll();
            }
        }
    }
}
