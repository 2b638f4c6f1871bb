package iii.engine.connection;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The TCP connection under a request on Payara (Grizzly), to end it at once: an upgraded one's, or an HTTP response's
 * that must not look complete to its client. Closing the WebSocket
 * session, or even the servlet's {@code WebConnection}, is graceful: Grizzly waits until what is queued for the peer
 * has been written, which never happens when the peer stopped reading. Also where a request's unread body is given
 * up. Reached by reflection from the request (Payara's request facade, its Catalina request, Grizzly's request, its
 * filter chain context); on another container, or if Payara changed, there is none and the container's own handling
 * is all there is.
 */
public final class ContainerConnection {

    private static final Logger LOG = Logger.getLogger(ContainerConnection.class.getName());

    private ContainerConnection() {
    }

    /** What ends the connection of {@code request} at once, or null where it cannot be had. */
    public static Runnable terminator(ServletRequest request) {
        return action(request, "terminateSilently");
    }

    /** What closes the connection of {@code request} once what is queued for the peer is written, or null. */
    static Runnable closer(ServletRequest request) {
        return action(request, "closeSilently");
    }

    /**
     * Tells the container that the rest of an HTTP/1.1 request's body will not be read, before the request is
     * completed with its body still arriving: what comes after is dropped and the connection closed once the answer
     * is written. Without it Grizzly keeps reading to skip the rest, and a piece that arrives while the request is
     * being completed (on another thread) is dispatched as a request of its own over the recycled one.
     */
    public static void dropRestOfBody(ServletRequest request) {
        try {
            Object grizzly = grizzlyRequest(request);
            if (grizzly != null) {
                Object packet = call(grizzly, "getRequest");
                packet.getClass().getMethod("setContentBroken", boolean.class).invoke(packet, true);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "The container's request cannot be reached", e);
        }
    }

    /** Grizzly's request under Payara's request facade, or null elsewhere. */
    private static Object grizzlyRequest(ServletRequest request) throws ReflectiveOperationException {
        while (request instanceof ServletRequestWrapper wrapper) {
            request = wrapper.getRequest();
        }
        var facade = field(request.getClass(), "request");
        return facade == null ? null : call(facade.get(request), "getCoyoteRequest");
    }

    private static Runnable action(ServletRequest request, String name) {
        try {
            Object grizzly = grizzlyRequest(request);
            if (grizzly == null) {
                return null;
            }
            Object connection = call(call(grizzly, "getContext"), "getConnection");
            Method terminate = method(connection.getClass(), name);
            return () -> {
                try {
                    terminate.invoke(connection);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(Level.FINE, "Ending a connection failed", e);
                }
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "The container's connection cannot be reached", e);
            return null;
        }
    }

    private static Object call(Object target, String name) throws ReflectiveOperationException {
        return method(target.getClass(), name).invoke(target);
    }

    private static Method method(Class<?> type, String name) throws NoSuchMethodException {
        var method = type.getMethod(name);
        method.setAccessible(true);
        return method;
    }

    private static Field field(Class<?> type, String name) {
        for (var c = type; c != null; c = c.getSuperclass()) {
            try {
                var field = c.getDeclaredField(name);
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        return null;
    }
}
