package iii.engine.bench;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker connection for everything that is not the hot loop: waits for {@code workerregistered}, makes calls and
 * waits for their {@code invocationresult} frames, counts {@code error} frames. Also serves as an idle worker.
 */
final class Rpc implements Conn.Listener {

    private final Map<String, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();
    private final CountDownLatch registered = new CountDownLatch(1);
    final AtomicLong errors;
    volatile String lastError;
    WsClient client;

    Rpc(AtomicLong errors) {
        this.errors = errors;
    }

    static Rpc connect(String host, int port, String path, AtomicLong errors, String name) throws IOException {
        var rpc = new Rpc(errors);
        rpc.client = WsClient.connect(host, port, path, rpc, name);
        return rpc;
    }

    /** Waits for the engine's {@code workerregistered}. */
    void awaitRegistered(long millis) throws InterruptedException, TimeoutException {
        if (!registered.await(millis, TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("no workerregistered within " + millis + " ms");
        }
    }

    /** Calls {@code functionId} with {@code dataJson}; returns the whole {@code invocationresult} frame. */
    String call(String functionId, String dataJson, long millis) throws Exception {
        var id = UUID.randomUUID().toString();
        var future = new CompletableFuture<String>();
        waiting.put(id, future);
        try {
            client.send("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":\"" + functionId
                    + "\",\"data\":" + dataJson + "}");
            return future.get(millis, TimeUnit.MILLISECONDS);
        } finally {
            waiting.remove(id);
        }
    }

    void send(String frame) throws IOException {
        client.send(frame);
    }

    @Override
    public void onText(Conn from, String text) {
        String type = MiniJson.string(text, 0, "type");
        if ("workerregistered".equals(type)) {
            registered.countDown();
        } else if ("invocationresult".equals(type)) {
            var future = waiting.get(MiniJson.string(text, 0, "invocation_id"));
            if (future != null) {
                future.complete(text);
            }
        } else if ("error".equals(type)) {
            errors.incrementAndGet();
            lastError = text;
        }
    }
}
