package iii.engine.console;

import iii.engine.access.Authenticator;
import iii.engine.cluster.Cluster;
import iii.engine.http.HttpTriggerConfig;
import iii.engine.registry.Node;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * What the console's page needs to know beyond the listings: the port of the HTTP-trigger listener (for a route's
 * "try it") and the engine's node ({@code null}: one engine, no cluster). Served on the worker listener only, as the
 * page is.
 */
@WebServlet("/console/settings.json")
public class ConsoleSettings extends HttpServlet {

    @Inject
    HttpTriggerConfig http;
    @Inject
    Authenticator authenticator;
    @Inject
    Cluster cluster;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(Json.createObjectBuilder()
                .add("http_port", http.port())
                .add("node", cluster.clustered() ? Json.createValue(Node.local()) : JsonValue.NULL)
                .add("gated", authenticator.isGated(request))
                .build().toString());
    }
}
