package iii.engine.dispatch;

import iii.engine.trigger.Triggers;
import iii.engine.protocol.Message.TriggerRegistrationResult;
import iii.engine.registry.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A provider accepted or refused a trigger instance the engine delivered to it. */
@ApplicationScoped
public class TriggerRegistrationResultHandler implements MessageHandler<TriggerRegistrationResult> {

    private Triggers triggers;

    protected TriggerRegistrationResultHandler() {
    }

    @Inject
    public TriggerRegistrationResultHandler(Triggers triggers) {
        this.triggers = triggers;
    }

    @Override
    public Class<TriggerRegistrationResult> type() {
        return TriggerRegistrationResult.class;
    }

    @Override
    public void handle(Worker from, TriggerRegistrationResult message) {
        triggers.providerResult(from, message);
    }
}
