package iii.engine.dispatch;

import iii.engine.trigger.Triggers;
import iii.engine.protocol.Message.UnregisterTriggerType;
import iii.engine.registry.Worker;
import iii.engine.telemetry.EngineSpan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A provider withdraws a trigger type (iii itself ignores this message). Other workers' instances of it are parked
 * until a provider registers it again.
 */
@ApplicationScoped
public class UnregisterTriggerTypeHandler implements MessageHandler<UnregisterTriggerType> {

    private Triggers triggers;

    protected UnregisterTriggerTypeHandler() {
    }

    @Inject
    public UnregisterTriggerTypeHandler(Triggers triggers) {
        this.triggers = triggers;
    }

    @Override
    public Class<UnregisterTriggerType> type() {
        return UnregisterTriggerType.class;
    }

    @Override
    @EngineSpan
    public void handle(Worker from, UnregisterTriggerType message) {
        triggers.unregisterType(from, message.id());
    }
}
