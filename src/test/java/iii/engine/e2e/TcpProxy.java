package iii.engine.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of the engine, so a test can break a worker's connection the way a network does:
 * {@link #dropAll()} closes both sides (the engine sees the close at once); {@link #detachClients()} closes only
 * the worker side and keeps the engine side open and silent (a half-open connection the engine has not noticed),
 * until {@link #releaseDetached()} closes it late.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Pair> live = new CopyOnWriteArrayList<>();
    private final List<Socket> detached = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private static final class Pair {
        final Socket client;
        final Socket upstream;
        volatile boolean detached;

        Pair(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }
    }

    TcpProxy(URI engine) throws IOException {
        this.target = new InetSocketAddress(engine.getHost(), engine.getPort());
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tcp-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    /** The URL workers use instead of the engine's: same path, the proxy's port. */
    URI url(URI engineUrl) {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + engineUrl.getPath());
    }

    int connectionCount() {
        return live.size();
    }

    /** Closes every proxied connection on both sides. */
    void dropAll() {
        for (Pair p : live) {
            live.remove(p);
            closeQuietly(p.client);
            closeQuietly(p.upstream);
        }
    }

    /** Closes the worker side of every connection; the engine side stays open and receives nothing more. */
    void detachClients() {
        for (Pair p : live) {
            live.remove(p);
            p.detached = true;
            detached.add(p.upstream);
            closeQuietly(p.client);
        }
    }

    /** Closes the engine side of the connections left open by {@link #detachClients()}. */
    void releaseDetached() {
        for (Socket s : detached) {
            detached.remove(s);
            closeQuietly(s);
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        dropAll();
        releaseDetached();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 5000);
                } catch (IOException e) {
                    closeQuietly(client);
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                Pair p = new Pair(client, upstream);
                live.add(p);
                pump(p, client, upstream, true);
                pump(p, upstream, client, false);
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void pump(Pair p, Socket from, Socket to, boolean clientToUpstream) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (p.detached) {
                        continue; // engine side of a detached pair: swallow, keep the socket open
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // one side closed
            } finally {
                if (!p.detached) {
                    live.remove(p);
                    closeQuietly(p.client);
                    closeQuietly(p.upstream);
                } else if (clientToUpstream) {
                    // the worker side is gone; the engine side is held open by detachClients()
                    return;
                }
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort
        }
    }
}
