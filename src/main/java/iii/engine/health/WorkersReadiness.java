package iii.engine.health;

import iii.engine.registry.FunctionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the worker endpoint takes connections and every function named in {@code iii.health.required-functions}
 * is registered; the functions still missing are in the response's data. Each call reads the live registry, so
 * readiness follows the required functions as their workers leave and return.
 */
@Readiness
@ApplicationScoped
public class WorkersReadiness implements HealthCheck {

    static final String NAME = "iii-workers";

    private EngineRunState state;
    private FunctionRegistry functions;
    private HealthConfig config;

    protected WorkersReadiness() {
    }

    @Inject
    public WorkersReadiness(EngineRunState state, FunctionRegistry functions, HealthConfig config) {
        this.state = state;
        this.functions = functions;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        var missing = config.requiredFunctions().stream().filter(id -> functions.get(id) == null).toList();
        var accepting = state.acceptsWorkers();
        var response = HealthCheckResponse.named(NAME)
                .status(accepting && missing.isEmpty())
                .withData("accepting-workers", accepting)
                .withData("required-functions", config.requiredFunctions().size());
        if (!missing.isEmpty()) {
            response.withData("missing-functions", String.join(",", missing));
        }
        return response.build();
    }
}
