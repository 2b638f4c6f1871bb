package iii.engine.dispatch;

import iii.engine.registry.ServiceEntry;
import iii.engine.registry.ServiceRegistry;
import iii.engine.protocol.Message.RegisterService;
import iii.engine.registry.Worker;
import iii.engine.telemetry.EngineSpan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/** A worker names a group of functions. */
@ApplicationScoped
public class RegisterServiceHandler implements MessageHandler<RegisterService> {

    private static final Logger LOG = Logger.getLogger(RegisterServiceHandler.class.getName());

    private ServiceRegistry services;

    protected RegisterServiceHandler() {
    }

    @Inject
    public RegisterServiceHandler(ServiceRegistry services) {
        this.services = services;
    }

    @Override
    public Class<RegisterService> type() {
        return RegisterService.class;
    }

    @Override
    @EngineSpan
    public void handle(Worker from, RegisterService message) {
        services.register(new ServiceEntry(message.id(), message.name(), message.description(),
                message.parentServiceId(), from));
        LOG.log(from.registrationLogLevel(), () -> "Service " + message.id() + " registered by worker " + from);
        if (from.isRetired()) {
            services.removeWorker(from);
        }
    }
}
