package iii.engine.dispatch;

import iii.engine.trigger.Triggers;
import iii.engine.protocol.Message.RegisterTriggerType;
import iii.engine.registry.Worker;
import iii.engine.telemetry.EngineSpan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A worker becomes the provider of a trigger type; the instances waiting for it are delivered. */
@ApplicationScoped
public class RegisterTriggerTypeHandler implements MessageHandler<RegisterTriggerType> {

    private Triggers triggers;

    protected RegisterTriggerTypeHandler() {
    }

    @Inject
    public RegisterTriggerTypeHandler(Triggers triggers) {
        this.triggers = triggers;
    }

    @Override
    public Class<RegisterTriggerType> type() {
        return RegisterTriggerType.class;
    }

    @Override
    @EngineSpan
    public void handle(Worker from, RegisterTriggerType message) {
        triggers.registerType(from, message);
        if (from.isRetired()) {
            triggers.workerLeft(from);
        }
    }
}
