package iii.engine.dispatch;

import iii.engine.trigger.Triggers;
import iii.engine.protocol.Message.RegisterTrigger;
import iii.engine.registry.Worker;
import iii.engine.telemetry.EngineSpan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A worker binds a function to a trigger type: delivered to the provider, or parked until there is one. */
@ApplicationScoped
public class RegisterTriggerHandler implements MessageHandler<RegisterTrigger> {

    private Triggers triggers;

    protected RegisterTriggerHandler() {
    }

    @Inject
    public RegisterTriggerHandler(Triggers triggers) {
        this.triggers = triggers;
    }

    @Override
    public Class<RegisterTrigger> type() {
        return RegisterTrigger.class;
    }

    @Override
    @EngineSpan
    public void handle(Worker from, RegisterTrigger message) {
        triggers.register(from, message);
        if (from.isRetired()) {
            triggers.workerLeft(from);
        }
    }
}
