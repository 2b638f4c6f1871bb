package iii.engine.trigger;

import iii.engine.badinput.BadInput;
import iii.engine.badinput.BadInputLog;
import iii.engine.protocol.Codec;
import iii.engine.protocol.ErrorCode;
import iii.engine.protocol.Message;
import iii.engine.protocol.Message.RegisterTrigger;
import iii.engine.protocol.Message.RegisterTriggerType;
import iii.engine.protocol.Message.TriggerRegistrationResult;
import iii.engine.protocol.Message.UnregisterTrigger;
import iii.engine.registry.BuiltinTriggerType;
import iii.engine.registry.Trigger;
import iii.engine.registry.TriggerRegistry;
import iii.engine.registry.TriggerRejectedException;
import iii.engine.registry.TriggerType;
import iii.engine.registry.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * Trigger types and their instances across workers: tells providers which instances exist, parks instances whose
 * type is missing and activates them when a provider registers it, and re-parks other workers' instances when a
 * provider leaves. State lives in {@link TriggerRegistry}; this class does the talking, outside its lock.
 */
@ApplicationScoped
public class Triggers {

    private static final Logger LOG = Logger.getLogger(Triggers.class.getName());

    private TriggerRegistry registry;
    private BadInputLog badInput;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /**
     * Told of each instance placed with its type, of each such instance removed, and of each type a worker registers
     * or unregisters.
     */
    public interface Listener {

        void registered(Trigger trigger, TriggerType type);

        void removed(Trigger trigger, TriggerType type);

        void typeRegistered(TriggerType type);

        void typeUnregistered(TriggerType type);
    }

    protected Triggers() {
    }

    @Inject
    public Triggers(TriggerRegistry registry, BadInputLog badInput) {
        this.registry = registry;
        this.badInput = badInput;
    }

    public void onTrigger(Listener listener) {
        listeners.add(listener);
    }

    /** Registers a type the engine provides itself; workers cannot replace it. */
    public void addBuiltinType(String id, String description, BuiltinTriggerType provider) {
        registry.addType(new TriggerType(id, description, null, null, null, provider));
    }

    public void registerType(Worker provider, RegisterTriggerType message) {
        var existing = registry.type(message.id());
        if (existing != null && existing.builtin() != null) {
            badInput.report(LOG, provider.badInput(), BadInput.TRIGGER_TYPE_RESERVED,
                    () -> "Worker " + provider + " tried to replace built-in trigger type " + message.id());
            provider.send(Codec.encode(new Message.Error(ErrorCode.INVALID_MESSAGE.body(
                    "trigger type " + message.id() + " is provided by the engine and cannot be replaced"))));
            return;
        }
        var type = new TriggerType(message.id(), message.description(), message.triggerRequestFormat(),
                message.callRequestFormat(), provider, null);
        var activation = registry.addType(type);
        listeners.forEach(listener -> listener.typeRegistered(type));
        LOG.log(provider.registrationLogLevel(), () -> "Trigger type " + message.id() + " registered by worker " + provider);
        activation.deliver().forEach(trigger -> deliver(provider, trigger));
    }

    public void unregisterType(Worker provider, String id) {
        var type = registry.type(id);
        var parked = registry.removeType(id, provider);
        if (type != null && type.provider() == provider) {
            listeners.forEach(listener -> listener.typeUnregistered(type));
        }
        LOG.info(() -> "Trigger type " + id + " unregistered by worker " + provider + "; " + parked.size()
                + " trigger(s) parked until it returns");
    }

    public void register(Worker from, RegisterTrigger message) {
        var trigger = new Trigger(message.id(), message.triggerType(), message.functionId(), message.config(),
                message.metadata(), from);
        var type = registry.type(trigger.type());
        if (type != null && type.builtin() != null) {
            try {
                type.builtin().register(trigger);
            } catch (TriggerRejectedException e) {
                badInput.report(LOG, from.badInput(), BadInput.TRIGGER_REFUSED, () -> "Trigger " + trigger.id()
                        + " of type " + trigger.type() + " of worker " + from + " refused: " + e.getMessage());
                from.send(Codec.encode(new TriggerRegistrationResult(trigger.id(), trigger.type(),
                        trigger.functionId(), ErrorCode.TRIGGER_REGISTRATION_FAILED.body(e.getMessage()))));
                return;
            }
        }
        var placement = registry.place(trigger);
        var replaced = placement.replaced();
        if (replaced != null && replaced.type() != null && replaced.type() != placement.type()) {
            forget(replaced);
        }
        if (placement.type() == null) {
            LOG.log(from.registrationLogLevel(), () -> "Trigger " + trigger.id() + " of worker " + from
                    + " parked until a worker provides type " + trigger.type());
            return;
        }
        LOG.log(from.registrationLogLevel(), () -> "Trigger " + trigger.id() + " (" + trigger.type() + " -> "
                + trigger.functionId() + ") registered by worker " + from);
        listeners.forEach(listener -> listener.registered(trigger, placement.type()));
        if (placement.type().provider() != null) {
            deliver(placement.type().provider(), trigger);
        }
    }

    public void unregister(Worker from, UnregisterTrigger message) {
        var removal = registry.remove(message.id(), from);
        if (removal == null) {
            LOG.fine(() -> "Unregister of unknown or foreign trigger " + message.id() + " by worker " + from);
            return;
        }
        forget(removal);
    }

    /** A provider's answer to a delivered instance: a refusal parks it and is forwarded to its registering worker. */
    public void providerResult(Worker provider, TriggerRegistrationResult result) {
        if (result.error() == null) {
            return;
        }
        var trigger = registry.parkRefused(result.id(), provider);
        if (trigger == null) {
            return;
        }
        badInput.report(LOG, provider.badInput(), BadInput.TRIGGER_REFUSED,
                () -> "Worker " + provider + " refused trigger " + trigger.id() + ": " + result.error());
        if (trigger.owner() != null && trigger.owner() != provider) {
            trigger.owner().send(Codec.encode(result));
        }
    }

    /** Step 4 of a departing worker's cleanup. */
    public void workerLeft(Worker worker) {
        var departure = registry.removeWorker(worker);
        departure.removed().forEach(this::forget);
        if (!departure.parked().isEmpty()) {
            LOG.info(() -> departure.parked().size() + " trigger(s) parked until another worker provides the types"
                    + " of departed worker " + worker);
        }
    }

    private void forget(TriggerRegistry.Removal removal) {
        var type = removal.type();
        var trigger = removal.trigger();
        if (type == null) {
            return;
        }
        listeners.forEach(listener -> listener.removed(trigger, type));
        if (type.builtin() != null) {
            type.builtin().unregister(trigger);
        } else if (type.provider() != trigger.owner() || !trigger.owner().isRetired()) {
            type.provider().send(Codec.encode(new UnregisterTrigger(trigger.id(), trigger.type())));
        }
    }

    private static void deliver(Worker provider, Trigger trigger) {
        provider.send(Codec.encode(new RegisterTrigger(trigger.id(), trigger.type(), trigger.functionId(),
                trigger.config(), trigger.metadata())));
    }
}
