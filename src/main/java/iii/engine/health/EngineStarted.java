package iii.engine.health;

import iii.engine.registry.FunctionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * Started once the application is initialized and the engine's own functions are installed. Its data tells which
 * scheduler the WebSocket container uses per frame ({@code websocket-scheduler}: {@code plain} when the engine's
 * {@code TyrusScheduler} is in place, {@code container} otherwise).
 */
@Startup
@ApplicationScoped
public class EngineStarted implements HealthCheck {

    static final String NAME = "iii-engine-started";
    /** Installed by the engine's start-up with the other built-ins. */
    static final String BUILTIN_PROBE = "engine::functions::list";

    private EngineRunState state;
    private FunctionRegistry functions;

    protected EngineStarted() {
    }

    @Inject
    public EngineStarted(EngineRunState state, FunctionRegistry functions) {
        this.state = state;
        this.functions = functions;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).status(state.isStarted() && functions.get(BUILTIN_PROBE) != null)
                .withData("websocket-scheduler", state.webSocketScheduler())
                .build();
    }
}
