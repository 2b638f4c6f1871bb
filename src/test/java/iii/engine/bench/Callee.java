package iii.engine.bench;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The called worker of a routed call, on the raw protocol: answers every {@code invokefunction} with an
 * {@code invocationresult} whose {@code result} is the {@code data} it received (which includes the
 * {@code _caller_worker_id} the engine adds), on its reader thread.
 */
final class Callee implements Conn.Listener {

    final AtomicLong answered = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    volatile String lastError;

    @Override
    public void onText(Conn from, String text) {
        String type = MiniJson.string(text, 0, "type");
        if (!"invokefunction".equals(type)) {
            if ("error".equals(type)) {
                errors.incrementAndGet();
                lastError = text;
            }
            return;
        }
        long id = MiniJson.member(text, 0, "invocation_id");
        long function = MiniJson.member(text, 0, "function_id");
        long data = MiniJson.member(text, 0, "data");
        if (id < 0 || function < 0 || data < 0) {
            errors.incrementAndGet();
            lastError = "invokefunction without invocation_id, function_id or data: " + text;
            return;
        }
        var reply = new StringBuilder(text.length() + 64)
                .append("{\"type\":\"invocationresult\",\"invocation_id\":")
                .append(text, MiniJson.start(id), MiniJson.end(id))
                .append(",\"function_id\":")
                .append(text, MiniJson.start(function), MiniJson.end(function))
                .append(",\"result\":")
                .append(text, MiniJson.start(data), MiniJson.end(data))
                .append('}');
        try {
            from.send(reply.toString());
            answered.incrementAndGet();
        } catch (IOException e) {
            errors.incrementAndGet();
            lastError = "send failed: " + e;
        }
    }

    @Override
    public void onClosed(Conn client, Throwable error) {
        if (error != null) {
            errors.incrementAndGet();
            lastError = "callee connection closed: " + error;
        }
    }
}
