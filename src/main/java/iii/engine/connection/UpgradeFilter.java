package iii.engine.connection;

import iii.engine.access.Authenticator;
import iii.engine.channel.Channels;
import iii.engine.config.EngineConfig;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.websocket.Session;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the engine adds to a WebSocket upgrade, before the container's WebSocket layer takes it. Both Tyrus and
 * Undertow run the application's filters first, and take the request that comes down the chain; this filter passes
 * on one that carries two things.
 *
 * <p>The peer's IP address, on every container. Jakarta WebSocket has no accessor for it, and a configurator's
 * {@code modifyHandshake} sees the endpoint's one shared {@code ServerEndpointConfig}, so what it put there for one
 * handshake can reach another connection's session. What does reach a session per connection is the upgrade
 * request's parameter map ({@link Session#getRequestParameterMap()}), so it holds {@value #PEER_ADDRESS} =
 * {@link HttpServletRequest#getRemoteAddr()}, replacing whatever value the client sent under that name.
 *
 * <p>The engine's frame reading, on Tyrus: Tyrus upgrades by asking the container for its upgrade handler class, and
 * this request answers with {@link GuardedUpgradeHandler}, Tyrus' class with {@link InboundFrames} in front. Undertow
 * upgrades without asking, and never loads that class.
 *
 * <p>Channel sockets ({@code /ws/channels/{id}}, on both listeners) are authenticated by their access key alone: an
 * upgrade for an unknown channel or with a wrong key is refused here with 404 "Channel not found", before any socket
 * exists, and the RBAC authenticator is not asked. In a cluster, a socket for another engine's channel is let through
 * and relayed there, and that engine checks the key (a wrong one closes the socket, "Channel not found").
 *
 * <p>The gated listener answers 404 to every other request, except reads of the console's files ({@code /console/…})
 * when it serves the console ({@link Authenticator#servesConsole()}).
 *
 * <p>Other requests pass untouched (their parameters, possibly a body, are not read).
 */
@WebFilter(filterName = "iii-upgrade", urlPatterns = "/*", asyncSupported = true)
public class UpgradeFilter extends HttpFilter {

    /** Where channel sockets live, on both listeners. */
    static final String CHANNELS_PATH = "/ws/channels/";

    /** Where the console's page lives, on the trusted listener and (with {@code iii.console.group}) the gated one. */
    static final String CONSOLE_PATH = "/console";

    /** The request parameter that carries the peer's address into the WebSocket session. */
    static final String PEER_ADDRESS = "iii.peer-address";

    private static final Logger LOG = Logger.getLogger(UpgradeFilter.class.getName());
    private static final String TYRUS_HANDLER = "org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler";

    @Inject
    EngineConfig config;
    @Inject
    Authenticator authenticator;
    @Inject
    Channels channels;

    private FrameBudget budget;
    /** Null until the first upgrade tells whether the engine's handler can stand in for Tyrus'. */
    private volatile Boolean guardable;

    /** The peer's IP address as recorded at the upgrade, or null. */
    static String peerAddress(Session session) {
        return parameter(session, PEER_ADDRESS);
    }

    /** The first value of the upgrade's parameter {@code name}, or null. */
    static String parameter(Session session, String name) {
        List<String> values = session.getRequestParameterMap().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public void init() {
        budget = new FrameBudget(config.framesInFlightBytes());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        var gated = authenticator.isGated(request);
        var upgrade = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
        var path = request.getRequestURI().substring(request.getContextPath().length());
        if (upgrade && path.startsWith(CHANNELS_PATH)) {
            var dir = request.getParameter("dir");
            if (!"read".equals(dir) && !"write".equals(dir)) {
                refuse(response, HttpServletResponse.SC_BAD_REQUEST, "dir must be read or write");
            } else if (channels.open(path.substring(CHANNELS_PATH.length()), request.getParameter("key")) == null) {
                refuse(response, HttpServletResponse.SC_NOT_FOUND, "Channel not found");
            } else {
                chain.doFilter(new Upgrading(request, null), response);
            }
        } else if (upgrade) {
            String ticket = null;
            if (gated) {
                try {
                    ticket = authenticator.admit(request);
                } catch (Authenticator.Refused refused) {
                    refuse(response, refused);
                    return;
                }
            }
            chain.doFilter(new Upgrading(request, ticket), response);
        } else if (gated && !(isConsolePage(request) && authenticator.servesConsole())) {
            // the gated listener serves the worker socket (and, with iii.console.group, the console's files) only
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        } else {
            chain.doFilter(request, response);
        }
    }

    /**
     * A read of the console's static files or settings (they hold no data; the page's socket is gated), by the path
     * the container resolved ({@code /console/../x} is {@code /x}).
     */
    private static boolean isConsolePage(HttpServletRequest request) {
        var path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))
                && (path.equals(CONSOLE_PATH) || path.startsWith(CONSOLE_PATH + "/"));
    }

    /** iii's AUTH_ERROR body, as JSON, with the refusal's status; the reason stays out of the status line. */
    private static void refuse(HttpServletResponse response, Authenticator.Refused refused) throws IOException {
        response.setStatus(refused.status());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Connection", "close");
        response.getWriter().write(jakarta.json.Json.createObjectBuilder()
                .add("error", jakarta.json.Json.createObjectBuilder()
                        .add("code", "AUTH_ERROR").add("message", refused.getMessage()))
                .build().toString());
    }

    /** A plain-text refusal, as iii answers it. */
    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(message);
    }

    private boolean guardable(Class<?> tyrusHandler) {
        var known = guardable;
        if (known == null) {
            try {
                known = tyrusHandler.isAssignableFrom(GuardedUpgradeHandler.class);
            } catch (LinkageError e) {
                LOG.log(Level.FINE, "Tyrus' upgrade handler is not visible to the engine", e);
                known = false;
            }
            if (!known) {
                LOG.warning("The engine cannot read WebSocket frames before Tyrus does: frames up to "
                        + "the container's buffer size are held whole in memory");
            }
            guardable = known;
        }
        return known;
    }

    /**
     * The upgrade request: its parameters extended by {@value #PEER_ADDRESS} and, on the gated listener, the ticket of
     * the session's grant ({@link Authenticator#TICKET}, never the client's own value); its upgrade to Tyrus guarded.
     */
    private final class Upgrading extends HttpServletRequestWrapper {

        private final Map<String, String[]> parameters;

        Upgrading(HttpServletRequest request, String ticket) {
            super(request);
            var map = new LinkedHashMap<>(request.getParameterMap());
            map.put(PEER_ADDRESS, new String[] {request.getRemoteAddr()});
            if (ticket == null) {
                map.remove(Authenticator.TICKET);
            } else {
                map.put(Authenticator.TICKET, new String[] {ticket});
            }
            parameters = Collections.unmodifiableMap(map);
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return parameters;
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null ? null : values[0];
        }

        @Override
        public String[] getParameterValues(String name) {
            String[] values = parameters.get(name);
            return values == null ? null : values.clone();
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(parameters.keySet());
        }

        @Override
        public <T extends HttpUpgradeHandler> T upgrade(Class<T> type) throws IOException, ServletException {
            if (!TYRUS_HANDLER.equals(type.getName()) || !guardable(type)) {
                return super.upgrade(type);
            }
            var handler = super.upgrade(GuardedUpgradeHandler.class);
            handler.guard(new InboundFrames(config.maxFrameBytes(), budget), ContainerConnection.terminator(this),
                    ContainerConnection.closer(this));
            return type.cast(handler);
        }
    }
}
