package iii.engine.health;

import iii.engine.config.EngineConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Optional;

/** The health checks' settings (MicroProfile Config, so also environment variables). */
@ApplicationScoped
public class HealthConfig {

    private List<String> requiredFunctions;

    protected HealthConfig() {
    }

    @Inject
    public HealthConfig(@ConfigProperty(name = "iii.health.required-functions") Optional<String> requiredFunctions) {
        this.requiredFunctions = requiredFunctions.map(EngineConfig::commaSeparated).orElse(List.of());
    }

    /** For tests outside a container. */
    public HealthConfig(List<String> requiredFunctions) {
        this.requiredFunctions = List.copyOf(requiredFunctions);
    }

    /** Function ids that must be registered for the engine to be ready (comma-separated in the property). */
    public List<String> requiredFunctions() {
        return requiredFunctions;
    }
}
