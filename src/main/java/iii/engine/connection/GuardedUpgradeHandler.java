package iii.engine.connection;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;
import org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler;
import org.glassfish.tyrus.spi.Connection;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tyrus' upgrade handler, reading the connection through {@link GuardedInputStream}. Created by the container in
 * place of Tyrus' own when {@link UpgradeFilter} sees Tyrus upgrade a request; never loaded on other containers.
 *
 * <p>It also gives memory back that Tyrus would keep. Tyrus' read buffers keep the size of the largest frame the
 * connection ever received, and Payara's HTTP worker threads each keep the last request they served, and with it its
 * upgrade handler, long after the connection closed: a handful of closed connections that once sent 60 MiB frames
 * held gigabytes. Once a large frame has been read, and when the connection ends, the emptied buffers are dropped
 * (Tyrus allocates new ones as needed), and what {@link InboundFrames} holds is released.
 *
 * <p>And it closes the TCP connection before Payara recycles the request. When the engine closes a socket, Tyrus sends
 * the close frame and closes the servlet's {@code WebConnection} at once, which hands the upgraded request's objects
 * back to Payara for the next request; the peer's answer and its end of the connection, arriving meanwhile on another
 * thread, made Payara call back into those objects, now another request's, and that request failed with 500
 * (Payara issue 5432). Closed first (gracefully: the close frame is still written), the connection delivers nothing more.
 */
public class GuardedUpgradeHandler extends TyrusHttpUpgradeHandler {

    private static final Logger LOG = Logger.getLogger(GuardedUpgradeHandler.class.getName());
    private static final TyrusBuffers BUFFERS = TyrusBuffers.find();

    private InboundFrames frames;
    private Runnable terminate;
    private Runnable closeFirst;

    /** Called by the filter right after the container created this handler. */
    void guard(InboundFrames frames, Runnable terminate, Runnable closeFirst) {
        this.frames = frames;
        this.terminate = terminate;
        this.closeFirst = closeFirst;
    }

    @Override
    public void init(WebConnection connection) {
        GuardedInputStream input;
        try {
            input = new GuardedInputStream(connection.getInputStream(), frames);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        input.onResume(this::onDataAvailable);
        // the endpoint's @OnOpen runs inside Tyrus' init
        new ConnectionGuard(frames, input, connection, terminate).open(() -> super.init(new Guarded(connection, input, closeFirst)));
    }

    @Override
    public void onDataAvailable() {
        super.onDataAvailable();
        if (frames.tookLargeFrame()) {
            BUFFERS.dropEmpty(this);
        }
    }

    @Override
    public void onAllDataRead() {
        try {
            super.onAllDataRead();
        } finally {
            release();
        }
    }

    @Override
    public void onError(Throwable t) {
        try {
            super.onError(t);
        } finally {
            release();
        }
    }

    @Override
    public void destroy() {
        try {
            super.destroy();
        } finally {
            release();
        }
    }

    private void release() {
        frames.close();
        BUFFERS.dropEmpty(this);
    }

    /** The container's connection with the guarded input. */
    private record Guarded(WebConnection connection, ServletInputStream input, Runnable closeFirst)
            implements WebConnection {

        @Override
        public ServletInputStream getInputStream() {
            return input;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            return connection.getOutputStream();
        }

        @Override
        public void close() throws Exception {
            if (closeFirst != null) {
                closeFirst.run();
            }
            connection.close();
        }
    }

    /** Tyrus' private read buffers, reached by reflection; if Tyrus changed, nothing is dropped. */
    private record TyrusBuffers(Field upgradeBuffer, Field connection) {

        static TyrusBuffers find() {
            try {
                var upgradeBuffer = TyrusHttpUpgradeHandler.class.getDeclaredField("buf");
                var connection = TyrusHttpUpgradeHandler.class.getDeclaredField("connection");
                upgradeBuffer.setAccessible(true);
                connection.setAccessible(true);
                return new TyrusBuffers(upgradeBuffer, connection);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.INFO, "Tyrus' read buffers cannot be reached; they keep their largest frame", e);
                return new TyrusBuffers(null, null);
            }
        }

        /** Drops the handler's and the read handler's buffers if they are larger than a streamed frame and empty. */
        void dropEmpty(TyrusHttpUpgradeHandler handler) {
            if (upgradeBuffer == null) {
                return;
            }
            try {
                dropEmpty(upgradeBuffer, handler);
                var tyrusConnection = (Connection) connection.get(handler);
                var reader = tyrusConnection == null ? null : tyrusConnection.getReadHandler();
                if (reader != null) {
                    var field = reader.getClass().getDeclaredField("buffer");
                    field.setAccessible(true);
                    dropEmpty(field, reader);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.FINE, "Tyrus' read buffers could not be dropped", e);
            }
        }

        private static void dropEmpty(Field field, Object owner) throws IllegalAccessException {
            var buffer = (ByteBuffer) field.get(owner);
            if (buffer != null && !buffer.hasRemaining() && buffer.capacity() > InboundFrames.STREAMED) {
                field.set(owner, null);
            }
        }
    }
}
