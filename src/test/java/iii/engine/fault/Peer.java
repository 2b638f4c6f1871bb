package iii.engine.fault;

import iii.engine.bench.Conn;
import iii.engine.bench.MiniJson;
import iii.engine.bench.WsClient;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A well-behaved worker on the raw protocol: waits for {@code workerregistered}, registers functions, answers every
 * {@code invokefunction} on its reader thread (an echo of the call's data, or an HTTP response for functions behind
 * routes), makes calls and waits for their results, and counts the {@code error} frames it gets. {@code answers}
 * decides which calls it answers at all (a worker about to die may leave some pending).
 */
final class Peer implements Conn.Listener, AutoCloseable {

    /** The result a function behind an HTTP route returns. */
    static final String ROUTE_RESULT = "{\"status_code\":200,\"headers\":{\"content-type\":\"text/plain\"},"
            + "\"body\":\"ok\"}";

    private final Map<String, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();
    private final CountDownLatch registered = new CountDownLatch(1);
    private final Predicate<String> answers;
    final AtomicLong errorFrames = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    volatile String lastError;
    volatile String workerId;
    volatile boolean closed;
    private WsClient client;

    private Peer(Predicate<String> answers) {
        this.answers = answers;
    }

    /** Connects and waits for {@code workerregistered}. */
    static Peer connect(int port, String name) throws IOException, InterruptedException, TimeoutException {
        return connect(port, name, invocationId -> true);
    }

    static Peer connect(int port, String name, Predicate<String> answers)
            throws IOException, InterruptedException, TimeoutException {
        var peer = new Peer(answers);
        peer.client = WsClient.connect("127.0.0.1", port, "/", peer, name);
        if (!peer.registered.await(15, TimeUnit.SECONDS)) {
            peer.client.abort();
            throw new TimeoutException(name + ": no workerregistered within 15 s");
        }
        return peer;
    }

    void send(String frame) throws IOException {
        client.send(frame);
    }

    void register(String functionId) throws IOException {
        send("{\"type\":\"registerfunction\",\"id\":\"" + functionId + "\"}");
    }

    /** Registers {@code functionId} behind an HTTP route {@code method path}. */
    void route(String functionId, String method, String path) throws IOException {
        register(functionId);
        send("{\"type\":\"registertrigger\",\"id\":\"" + functionId + "-route\",\"trigger_type\":\"http\","
                + "\"function_id\":\"" + functionId + "\",\"config\":{\"api_path\":\"" + path
                + "\",\"http_method\":\"" + method + "\"}}");
    }

    /** Calls a function; completes with the whole {@code invocationresult} frame, or exceptionally on timeout. */
    CompletableFuture<String> call(String functionId, String dataJson, long timeoutMillis) {
        var id = UUID.randomUUID().toString();
        var future = new CompletableFuture<String>();
        waiting.put(id, future);
        future.whenComplete((result, error) -> waiting.remove(id));
        try {
            send("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":\"" + functionId
                    + "\",\"data\":" + dataJson + "}");
        } catch (IOException e) {
            future.completeExceptionally(e);
        }
        return future.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** {@code call} and wait; the frame, or an exception on timeout or a closed connection. */
    String callAndWait(String functionId, String dataJson, long timeoutMillis) throws Exception {
        try {
            return call(functionId, dataJson, timeoutMillis).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Ids of the functions the engine lists (all of them, not the engine's own). */
    String listFunctions() throws Exception {
        var reply = callAndWait("engine::functions::list", "{}", 30_000);
        if (MiniJson.member(reply, 0, "result") < 0) {
            throw new IOException("engine::functions::list failed: " + Fault.head(reply));
        }
        return reply;
    }

    /** Rows of {@code engine::workers::list}. */
    int workerCount() throws Exception {
        var reply = callAndWait("engine::workers::list", "{}", 30_000);
        if (MiniJson.member(reply, 0, "result") < 0) {
            throw new IOException("engine::workers::list failed: " + Fault.head(reply));
        }
        return MiniJson.count(reply, "\"connected_at_ms\":");
    }

    /** Closes with a close frame. */
    @Override
    public void close() {
        closed = true;
        client.close();
    }

    /** Closes the socket at once, without a close frame. */
    void kill() {
        closed = true;
        client.abort();
    }

    @Override
    public void onText(Conn from, String text) {
        String type = MiniJson.string(text, 0, "type");
        if ("workerregistered".equals(type)) {
            workerId = MiniJson.string(text, 0, "worker_id");
            registered.countDown();
        } else if ("invocationresult".equals(type)) {
            var future = waiting.get(MiniJson.string(text, 0, "invocation_id"));
            if (future != null) {
                future.complete(text);
            }
        } else if ("invokefunction".equals(type)) {
            answer(from, text);
        } else if ("error".equals(type)) {
            errorFrames.incrementAndGet();
            lastError = text;
        }
    }

    private void answer(Conn from, String text) {
        long id = MiniJson.member(text, 0, "invocation_id");
        var functionId = MiniJson.string(text, 0, "function_id");
        long data = MiniJson.member(text, 0, "data");
        if (id < 0 || functionId == null) {
            return; // fire-and-forget
        }
        if (!answers.test(text.substring(MiniJson.start(id), MiniJson.end(id)))) {
            return;
        }
        var result = functionId.startsWith("fault::route")
                ? ROUTE_RESULT
                : data < 0 ? "null" : text.substring(MiniJson.start(data), MiniJson.end(data));
        try {
            from.send("{\"type\":\"invocationresult\",\"invocation_id\":"
                    + text.substring(MiniJson.start(id), MiniJson.end(id)) + ",\"function_id\":\"" + functionId
                    + "\",\"result\":" + result + "}");
            answered.incrementAndGet();
        } catch (IOException e) {
            lastError = "answer failed: " + e;
        }
    }

    @Override
    public void onClosed(Conn connection, Throwable error) {
        if (!closed) {
            lastError = "connection closed by the engine" + (error == null ? "" : ": " + error);
        }
        closed = true;
        waiting.values().forEach(f -> f.completeExceptionally(new IOException("connection closed")));
    }
}
