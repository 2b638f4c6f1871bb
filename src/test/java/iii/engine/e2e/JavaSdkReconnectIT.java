package iii.engine.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import iii.engine.bench.Server;
import iii.sdk.Iii;
import iii.sdk.IiiOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine restarted under a connected Java SDK worker: the worker reconnects by itself (backoff), its functions
 * come back without user code, and a call made while the engine was down is sent once it is up again.
 */
class JavaSdkReconnectIT {

    public record In(int n) {
    }

    public record Out(int doubled) {
    }

    private static Server engine(int port, int httpPort) throws Exception {
        Path root = NodeWorker.projectDir();
        Server s = Server.start("java-sdk-reconnect", root, EngineProcess.war(), port, httpPort, true,
                List.of("-Xmx1g"), EngineProcess.scratchDirectory("java-sdk-reconnect"));
        try {
            s.awaitReady(200);
            return s;
        } catch (Exception | AssertionError e) {
            s.close();
            throw e;
        }
    }

    /** Calls {@code fn} until it answers (its worker may not be connected, or registered, yet). */
    private static Out awaitAnswer(Iii caller, String fn, In in, String where) {
        return Await.until(fn + " callable on " + where, Duration.ofSeconds(60), () -> {
            try {
                return Optional.of(caller.call(fn, in, Out.class).toCompletableFuture().get(20, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                return Optional.empty();
            } catch (InterruptedException | TimeoutException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    @Timeout(value = 480, unit = TimeUnit.SECONDS)
    void restarted_engine_gets_the_workers_functions_back_and_the_call_made_meanwhile() throws Exception {
        int port = Server.freePort();
        int httpPort = Server.freePort();
        URI url = URI.create("ws://127.0.0.1:" + port + "/");
        IiiOptions quick = IiiOptions.builder().reconnect(Duration.ofMillis(200), Duration.ofSeconds(2), 2, 0.3)
                .build();
        String fn = "java-reconnect::double";
        Server first = engine(port, httpPort);
        try (Iii worker = Iii.connect(url, quick)) {
            worker.registerFunction(fn, In.class, in -> new Out(in.n() * 2));
            String firstId;
            CompletionStage<Out> meanwhile;
            try (Iii caller = Iii.connect(url, quick)) {
                assertEquals(new Out(4), awaitAnswer(caller, fn, new In(2), "the first engine"));
                firstId = worker.workerId();
            } finally {
                first.close();
            }
            Await.untilTrue("the worker notices the engine is gone", Duration.ofSeconds(30),
                    () -> !worker.isConnected());
            meanwhile = worker.call(fn, new In(5), Out.class, Duration.ofSeconds(300));

            try (Server second = engine(port, httpPort); Iii caller = Iii.connect(url, quick)) {
                assertEquals(new Out(42), awaitAnswer(caller, fn, new In(21), "the new engine"));
                assertEquals(new Out(10), meanwhile.toCompletableFuture().get(60, TimeUnit.SECONDS));
                assertNotEquals(firstId, worker.workerId(), "a new connection, a new worker id");
            }
        }
    }
}
