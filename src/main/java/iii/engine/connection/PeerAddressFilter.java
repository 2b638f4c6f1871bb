package iii.engine.connection;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.Session;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands a WebSocket connection the peer's IP address, on every container. Jakarta WebSocket has no accessor for it,
 * and what it offers per connection falls short: a configurator's {@code modifyHandshake} sees the endpoint's one
 * shared {@code ServerEndpointConfig} (on Tyrus and on Undertow), so user properties put there during one handshake
 * can reach another connection's session. What does reach a session per connection is the upgrade request's
 * parameter map ({@link Session#getRequestParameterMap()}): both Tyrus and Undertow copy it from the servlet request
 * that comes down the filter chain, and both run the application's filters before their own upgrade filter.
 *
 * <p>So on an upgrade request this filter passes on a request whose parameters also hold
 * {@value #PARAMETER} = {@link HttpServletRequest#getRemoteAddr()}, replacing whatever value the client sent under
 * that name. Other requests pass untouched (their parameters, possibly a body, are not read).
 */
@WebFilter(filterName = "iii-peer-address", urlPatterns = "/*", asyncSupported = true)
public class PeerAddressFilter extends HttpFilter {

    /** The request parameter that carries the peer's address into the WebSocket session. */
    static final String PARAMETER = "iii.peer-address";

    /** The peer's IP address as this filter recorded it at the upgrade, or null. */
    static String peerAddress(Session session) {
        List<String> values = session.getRequestParameterMap().get(PARAMETER);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            chain.doFilter(new WithPeerAddress(request), response);
        } else {
            chain.doFilter(request, response);
        }
    }

    /** The upgrade request, its parameters extended by {@value #PARAMETER}. */
    private static final class WithPeerAddress extends HttpServletRequestWrapper {

        private final Map<String, String[]> parameters;

        WithPeerAddress(HttpServletRequest request) {
            super(request);
            var map = new LinkedHashMap<>(request.getParameterMap());
            map.put(PARAMETER, new String[] {request.getRemoteAddr()});
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
    }
}
