package iii.engine.dispatch;

import iii.engine.registry.ServiceEntry;
import iii.engine.registry.ServiceRegistry;
import iii.engine.protocol.Message.RegisterService;
import iii.engine.registry.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A worker names a group of functions. */
@ApplicationScoped
public class RegisterServiceHandler implements MessageHandler<RegisterService> {

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
    public void handle(Worker from, RegisterService message) {
        services.register(new ServiceEntry(message.id(), message.name(), message.description(),
                message.parentServiceId(), from));
        if (from.isRetired()) {
            services.removeWorker(from);
        }
    }
}
