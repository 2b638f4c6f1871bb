package iii.engine.http;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Both Payara listeners serve the whole WAR; this filter gives the HTTP-trigger listener to the trigger routes. A
 * request that arrived on {@code iii.http.port} is served by {@link HttpTriggerServer} and goes no further, so only
 * routes are reachable there: neither the worker socket nor MicroProfile Health ({@code /health} is whatever route a
 * worker registers under that path, else 404, as in iii). A request on any other port (the worker socket at
 * {@code /}, {@code /otel}, {@code /health}) passes through untouched.
 */
@WebFilter(filterName = "iii-http-triggers", urlPatterns = "/*", asyncSupported = true)
public class HttpTriggerFilter extends HttpFilter {

    @Inject
    HttpTriggerServer server;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (server.isTriggerListener(request)) {
            server.serve(request, response);
        } else {
            chain.doFilter(request, response);
        }
    }
}
