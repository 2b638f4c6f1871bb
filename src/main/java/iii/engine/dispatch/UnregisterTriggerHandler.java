package iii.engine.dispatch;

import iii.engine.trigger.Triggers;
import iii.engine.protocol.Message.UnregisterTrigger;
import iii.engine.registry.Worker;
import iii.engine.telemetry.EngineSpan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A worker removes a trigger instance it registered; its provider is told. */
@ApplicationScoped
public class UnregisterTriggerHandler implements MessageHandler<UnregisterTrigger> {

    private Triggers triggers;

    protected UnregisterTriggerHandler() {
    }

    @Inject
    public UnregisterTriggerHandler(Triggers triggers) {
        this.triggers = triggers;
    }

    @Override
    public Class<UnregisterTrigger> type() {
        return UnregisterTrigger.class;
    }

    @Override
    @EngineSpan
    public void handle(Worker from, UnregisterTrigger message) {
        triggers.unregister(from, message);
    }
}
