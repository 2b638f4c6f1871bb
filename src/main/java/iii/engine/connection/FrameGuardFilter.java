package iii.engine.connection;

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

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts {@link InboundFrames} between a WebSocket connection and Tyrus. Tyrus' own filter, which the container runs
 * after the application's filters, upgrades a request by asking the container for its upgrade handler class; the
 * request this filter passes on answers with {@link GuardedUpgradeHandler}, Tyrus' class with the engine's input in
 * front. Any other container (WildFly's Undertow upgrades without asking) sees nothing of this.
 */
@WebFilter(filterName = "iii-frame-guard", urlPatterns = "/*", asyncSupported = true)
public class FrameGuardFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(FrameGuardFilter.class.getName());
    private static final String TYRUS_HANDLER = "org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler";

    @Inject
    EngineConfig config;

    private FrameBudget budget;
    /** Null until the first upgrade tells whether the engine's handler can stand in for Tyrus'. */
    private volatile Boolean usable;

    @Override
    public void init() {
        budget = new FrameBudget(config.framesInFlightBytes());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (Boolean.FALSE.equals(usable) || !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            chain.doFilter(request, response);
        } else {
            chain.doFilter(new Upgrading(request), response);
        }
    }

    private boolean usable(Class<?> tyrusHandler) {
        var known = usable;
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
            usable = known;
        }
        return known;
    }

    /** A request whose upgrade to Tyrus gets the engine's handler. */
    private final class Upgrading extends HttpServletRequestWrapper {

        Upgrading(HttpServletRequest request) {
            super(request);
        }

        @Override
        public <T extends HttpUpgradeHandler> T upgrade(Class<T> type) throws IOException, ServletException {
            if (!TYRUS_HANDLER.equals(type.getName()) || !usable(type)) {
                return super.upgrade(type);
            }
            var handler = super.upgrade(GuardedUpgradeHandler.class);
            handler.guard(new InboundFrames(config.maxFrameBytes(), budget), ContainerConnection.terminator(this));
            return type.cast(handler);
        }
    }
}
