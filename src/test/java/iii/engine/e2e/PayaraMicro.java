package iii.engine.e2e;

import iii.engine.bench.Server;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The engine on a Payara Micro jar other than the default one (Payara Micro 7), on a JDK of the test's choosing,
 * started as {@code bin/run} starts it ({@link Server}: the same boot command files, logging, context root {@code /},
 * loopback), on free ports.
 */
final class PayaraMicro implements EngineProcess {

    private final Server server;
    private final int triggerPort;

    private PayaraMicro(Server server, int triggerPort) {
        this.server = server;
        this.triggerPort = triggerPort;
    }

    /** Starts {@code microJar} with {@code war} on the JDK at {@code javaHome}; returns once Payara is ready. */
    static PayaraMicro start(String name, Path javaHome, Path microJar, Path war, long timeoutSeconds)
            throws IOException, InterruptedException {
        int triggerPort = Server.freePort();
        var server = Server.start(name, NodeWorker.projectDir(), javaHome, microJar, war, Server.freePort(),
                triggerPort, true, List.of(), EngineProcess.scratchDirectory(name));
        try {
            server.awaitReady(timeoutSeconds);
            return new PayaraMicro(server, triggerPort);
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    @Override
    public URI workers() {
        return URI.create("ws://127.0.0.1:" + server.port + "/");
    }

    @Override
    public URI httpTriggers() {
        return URI.create("http://127.0.0.1:" + triggerPort + "/");
    }

    /** On Payara Micro, MicroProfile Health is served by the worker listener. */
    @Override
    public URI health() {
        return URI.create("http://127.0.0.1:" + server.port + "/health");
    }

    @Override
    public Path logFile() {
        return server.log;
    }

    @Override
    public void close() {
        server.close();
    }
}
