package iii.engine.e2e;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One worker in a cross-version scenario, whichever runtime it is: a real SDK version through {@link NodeWorker}
 * or the raw-protocol {@link JavaWorker}. Calls report an {@link Outcome} in one shape for both.
 */
abstract class Peer implements AutoCloseable {

    /** Who a peer is. */
    enum Kind {
        SDK_0_2_1(Sdk.V0_2_1),
        SDK_0_3_0(Sdk.V0_3_0),
        SDK_0_11_6(Sdk.V0_11_6),
        SDK_0_22_1(Sdk.V0_22_1),
        JAVA(null);

        final Sdk sdk;

        Kind(Sdk sdk) {
            this.sdk = sdk;
        }

        static List<Kind> all() {
            return Arrays.asList(values());
        }

        /** 0.2.1, 0.11.6, 0.22.1 and Java: one of each generation. */
        static List<Kind> main() {
            return List.of(SDK_0_2_1, SDK_0_11_6, SDK_0_22_1, JAVA);
        }

        @Override
        public String toString() {
            return sdk == null ? "java" : sdk.version();
        }
    }

    /** The result of a call as the caller saw it. {@code result} is null when the caller got no value. */
    record Outcome(boolean ok, JsonValue result, String errorCode, String errorMessage, JsonObject raw, long elapsedMs) {

        boolean resultAbsent() {
            return result == null;
        }
    }

    final Kind kind;

    Peer(Kind kind) {
        this.kind = kind;
    }

    static Peer start(Kind kind, URI url, String name) {
        if (kind == Kind.JAVA) {
            return new JavaPeer(JavaWorker.connectRegistered(url, name));
        }
        return new NodePeer(kind, NodeWorker.startReady(kind.sdk, url, name));
    }

    abstract String workerId();

    abstract String label();

    /** Behaviours: echo, fail (message), never-answer, return-null, sleep (ms). */
    abstract void register(String functionId, String behaviour, String message, Integer ms);

    void register(String functionId, String behaviour) {
        register(functionId, behaviour, null, null);
    }

    abstract Outcome call(String functionId, JsonValue data, Duration timeout);

    abstract CompletableFuture<Outcome> callAsync(String functionId, JsonValue data);

    abstract void callVoid(String functionId, JsonValue data);

    /** The data the handler of {@code functionId} received on its first invocation. */
    abstract JsonValue awaitInvokedData(String functionId, Duration timeout);

    abstract int invocationCount(String functionId);

    /** SIGKILL for SDK workers; an abrupt TCP drop for the Java worker. */
    abstract void kill();

    @Override
    public String toString() {
        return label();
    }

    // ---------------------------------------------------------------------------------------------------------

    static final class NodePeer extends Peer {
        final NodeWorker w;

        NodePeer(Kind kind, NodeWorker w) {
            super(kind);
            this.w = w;
        }

        @Override
        String workerId() {
            return w.workerId();
        }

        @Override
        String label() {
            return w.toString();
        }

        @Override
        void register(String functionId, String behaviour, String message, Integer ms) {
            var b = JsonKit.builder().add("cmd", "registerFunction").add("function_id", functionId)
                    .add("behaviour", behaviour);
            if (message != null) {
                b.add("message", message);
            }
            if (ms != null) {
                b.add("ms", ms);
            }
            w.requestOk(b.build());
        }

        @Override
        Outcome call(String functionId, JsonValue data, Duration timeout) {
            return outcome(w.request(NodeWorker.callCommand(functionId, data, null), timeout));
        }

        @Override
        CompletableFuture<Outcome> callAsync(String functionId, JsonValue data) {
            return w.callAsync(functionId, data).thenApply(NodePeer::outcome);
        }

        static Outcome outcome(JsonObject reply) {
            long elapsed = JsonKit.num(reply, "elapsed_ms") == null ? -1 : JsonKit.num(reply, "elapsed_ms");
            if (reply.getBoolean("ok", false)) {
                JsonValue result = "undefined".equals(JsonKit.str(reply, "result_type")) ? null
                        : reply.getOrDefault("result", JsonValue.NULL);
                return new Outcome(true, result, null, null, reply, elapsed);
            }
            return new Outcome(false, null, JsonKit.str(reply, "error.code"), JsonKit.str(reply, "error.message"),
                    reply, elapsed);
        }

        @Override
        void callVoid(String functionId, JsonValue data) {
            w.callVoid(functionId, data);
        }

        @Override
        JsonValue awaitInvokedData(String functionId, Duration timeout) {
            return w.awaitInvoked(functionId, timeout).get("data");
        }

        @Override
        int invocationCount(String functionId) {
            return w.events(NodeWorker.invoked(functionId)).size();
        }

        @Override
        void kill() {
            w.kill();
        }

        @Override
        public void close() {
            w.close();
        }
    }

    static final class JavaPeer extends Peer {
        final JavaWorker w;

        JavaPeer(JavaWorker w) {
            super(Kind.JAVA);
            this.w = w;
        }

        @Override
        String workerId() {
            return w.workerId();
        }

        @Override
        String label() {
            return w.toString();
        }

        @Override
        void register(String functionId, String behaviour, String message, Integer ms) {
            switch (behaviour) {
                case "echo" -> w.registerFunction(functionId, JavaWorker.echo());
                case "fail" -> w.registerFunction(functionId, JavaWorker.fail("invocation_failed",
                        message == null ? "failure in " + functionId : message));
                case "never-answer" -> w.registerSilentFunction(functionId);
                case "return-null" -> w.registerFunction(functionId, f -> JsonKit.obj("result", null));
                case "sleep" -> w.registerFunction(functionId, f -> {
                    try {
                        Thread.sleep(ms == null ? 1000 : ms);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return JsonKit.obj("result", f.getOrDefault("data", JsonValue.NULL));
                });
                default -> throw new IllegalArgumentException("java peer has no behaviour " + behaviour);
            }
        }

        @Override
        Outcome call(String functionId, JsonValue data, Duration timeout) {
            long t0 = System.nanoTime();
            return outcome(w.call(functionId, data, timeout), t0);
        }

        @Override
        CompletableFuture<Outcome> callAsync(String functionId, JsonValue data) {
            long t0 = System.nanoTime();
            return CompletableFuture.supplyAsync(() -> outcome(w.call(functionId, data, Duration.ofSeconds(60)), t0));
        }

        static Outcome outcome(JsonObject frame, long t0) {
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            if (frame.containsKey("error") && frame.get("error") != JsonValue.NULL) {
                return new Outcome(false, null, JsonKit.str(frame, "error.code"), JsonKit.str(frame, "error.message"),
                        frame, elapsed);
            }
            return new Outcome(true, frame.get("result"), null, null, frame, elapsed);
        }

        @Override
        void callVoid(String functionId, JsonValue data) {
            w.callVoid(functionId, data);
        }

        @Override
        JsonValue awaitInvokedData(String functionId, Duration timeout) {
            return w.awaitInvocations(functionId, 1, timeout).get(0).getOrDefault("data", JsonValue.NULL);
        }

        @Override
        int invocationCount(String functionId) {
            return w.frames(f -> "invokefunction".equals(JsonKit.str(f, "type"))
                    && functionId.equals(JsonKit.str(f, "function_id"))).size();
        }

        @Override
        void kill() {
            w.abort();
        }

        @Override
        public void close() {
            w.close();
        }
    }
}
