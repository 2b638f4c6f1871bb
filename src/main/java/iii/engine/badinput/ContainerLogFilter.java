package iii.engine.badinput;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Bad input that the container logs before the engine sees it. A request whose URI has a broken %-escape
 * ({@code /a/%ZZ}) makes Payara's request processing throw, and Payara logs a SEVERE stack trace of some 3 KB for each
 * such request, on both listeners: a client could fill the disk with them. While the engine runs, those records of
 * the container's web logger go through {@link BadInputLog} instead (the first logged, the rest counted); every other
 * record passes as before. The logger's own filter is restored when the engine stops.
 */
@ApplicationScoped
public class ContainerLogFilter {

    /** The logger Payara's web container reports request processing failures to. */
    static final String CONTAINER_LOGGER = "jakarta.enterprise.web.core";

    private BadInputLog badInput;
    private Logger container;
    private Filter previous;

    protected ContainerLogFilter() {
    }

    @Inject
    public ContainerLogFilter(BadInputLog badInput) {
        this.badInput = badInput;
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        install(Logger.getLogger(CONTAINER_LOGGER));
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event) {
        uninstall();
    }

    /** Puts the filter on {@code logger}, in front of the filter it had. */
    void install(Logger logger) {
        container = logger;
        var before = logger.getFilter();
        previous = before;
        logger.setFilter(record -> isLoggable(logger, before, record));
    }

    /** Gives the logger its own filter back. */
    void uninstall() {
        if (container != null) {
            container.setFilter(previous);
            container = null;
        }
    }

    private boolean isLoggable(Logger logger, Filter before, LogRecord record) {
        if (record.getThrown() instanceof IllegalArgumentException e && e.getMessage() != null
                && e.getMessage().startsWith("URLDecoder:")) {
            badInput.report(logger, null, BadInput.MALFORMED_URI,
                    () -> "A request's URI could not be decoded: " + e.getMessage());
            return false;
        }
        return before == null || before.isLoggable(record);
    }
}
