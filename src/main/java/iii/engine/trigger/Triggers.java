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
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Trigger types and their instances across workers: tells providers which instances exist, parks instances whose
 * type is missing and activates them when a provider registers it, and re-parks other workers' instances when a
 * provider leaves. State lives in {@link TriggerRegistry}; this class does the talking, outside its lock. A provider
 * or an owner that is a {@link Worker#isMirror mirror} is told nothing here: its own engine tells it.
 */
@ApplicationScoped
public class Triggers {

    private static final Logger LOG = Logger.getLogger(Triggers.class.getName());

    private TriggerRegistry registry;
    private BadInputLog badInput;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Held while a worker's type is put in the registry and the listeners hear of it. */
    private final Object typeLock = new Object();

    /**
     * Told of each instance placed (with its type, null when parked), of each instance removed (with the type it was
     * live under, null when it was parked), of each instance a provider refused, and of each type a worker registers
     * or unregisters.
     */
    public interface Listener {

        void registered(Trigger trigger, TriggerType type);

        void removed(Trigger trigger, TriggerType type);

        /** {@code provider} refused {@code trigger}, which is parked now. */
        void refused(Trigger trigger, Worker provider, TriggerRegistrationResult result);

        /** Called while no other worker's type is being registered. */
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

    /**
     * Registers a type the engine provides itself; workers cannot replace it. Instances of it that came before it (in a
     * cluster, from the other engines as this one joins) go to its provider now; one it refuses stays parked.
     */
    public void addBuiltinType(String id, String description, BuiltinTriggerType provider) {
        for (var trigger : registry.addType(new TriggerType(id, description, null, null, null, provider)).deliver()) {
            try {
                provider.register(trigger);
            } catch (TriggerRejectedException e) {
                registry.parkRefused(trigger.id(), null);
                LOG.warning(() -> "Trigger " + trigger.id() + " of type " + id + " of worker " + trigger.owner()
                        + " refused: " + e.getMessage());
            }
        }
    }

    public void registerType(Worker provider, RegisterTriggerType message) {
        registerType(provider, message, () -> true);
    }

    /**
     * Registers the type only if {@code still} holds when it is about to go in, checked while no other worker's type
     * is being registered (the registration of the newest of two races is never undone by the older one's).
     */
    public void registerType(Worker provider, RegisterTriggerType message, BooleanSupplier still) {
        var existing = registry.type(message.id());
        if (existing != null && existing.builtin() != null) {
            badInput.report(LOG, provider.badInput(), BadInput.TRIGGER_TYPE_RESERVED,
                    () -> "Worker " + provider + " tried to replace built-in trigger type " + message.id());
            tell(provider, new Message.Error(ErrorCode.INVALID_MESSAGE.body(
                    "trigger type " + message.id() + " is provided by the engine and cannot be replaced")));
            return;
        }
        var type = new TriggerType(message.id(), message.description(), message.triggerRequestFormat(),
                message.callRequestFormat(), provider, null);
        TriggerRegistry.Activation activation;
        synchronized (typeLock) {
            if (!still.getAsBoolean()) {
                return;
            }
            activation = registry.addType(type);
            listeners.forEach(listener -> listener.typeRegistered(type));
        }
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
        register(new Trigger(message.id(), message.triggerType(), message.functionId(), message.config(),
                message.metadata(), from));
    }

    /**
     * Places an instance, replacing the one of the same id. In a cluster, an engine also puts back this way one of
     * its own that another engine's replaced, when that one turns out to be the older of the two.
     */
    public void register(Trigger trigger) {
        var from = trigger.owner();
        var type = registry.type(trigger.type());
        if (type != null && type.builtin() != null) {
            try {
                type.builtin().register(trigger);
            } catch (TriggerRejectedException e) {
                badInput.report(LOG, from.badInput(), BadInput.TRIGGER_REFUSED, () -> "Trigger " + trigger.id()
                        + " of type " + trigger.type() + " of worker " + from + " refused: " + e.getMessage());
                refuse(from, trigger, e.getMessage());
                return;
            }
        }
        var placement = registry.place(trigger);
        var replaced = placement.replaced();
        if (replaced != null && replaced.type() != null && replaced.type() != placement.type()) {
            forget(replaced);
        }
        listeners.forEach(listener -> listener.registered(trigger, placement.type()));
        if (placement.type() == null) {
            LOG.log(from.registrationLogLevel(), () -> "Trigger " + trigger.id() + " of worker " + from
                    + " parked until a worker provides type " + trigger.type());
            return;
        }
        LOG.log(from.registrationLogLevel(), () -> "Trigger " + trigger.id() + " (" + trigger.type() + " -> "
                + trigger.functionId() + ") registered by worker " + from);
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

    /**
     * Takes back an instance of a built-in type it accepted, which it now refuses for {@code why}: in a cluster, a
     * route of this engine's worker that an earlier route of its shape, registered on another engine, displaced; one
     * engine would have refused it. The instance leaves (every engine) and its worker hears
     * {@code trigger_registration_failed}, as at a refusal.
     */
    public void withdraw(String id, Worker owner, String why) {
        var removal = registry.remove(id, owner);
        if (removal == null) {
            return;
        }
        var trigger = removal.trigger();
        LOG.info(() -> "Trigger " + id + " of type " + trigger.type() + " of worker " + owner + " withdrawn: " + why);
        forget(removal);
        refuse(owner, trigger, why);
    }

    /** Tells {@code worker} its instance is refused, with {@code trigger_registration_failed}. */
    private static void refuse(Worker worker, Trigger trigger, String why) {
        tell(worker, new TriggerRegistrationResult(trigger.id(), trigger.type(), trigger.functionId(),
                ErrorCode.TRIGGER_REGISTRATION_FAILED.body(why)));
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
        if (!provider.isMirror()) {
            badInput.report(LOG, provider.badInput(), BadInput.TRIGGER_REFUSED,
                    () -> "Worker " + provider + " refused trigger " + trigger.id() + ": " + result.error());
        }
        listeners.forEach(listener -> listener.refused(trigger, provider, result));
        if (trigger.owner() != provider) {
            tell(trigger.owner(), result);
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
        listeners.forEach(listener -> listener.removed(trigger, type));
        if (type == null) {
            return;
        }
        if (type.builtin() != null) {
            type.builtin().unregister(trigger);
        } else if (type.provider() != trigger.owner() || !trigger.owner().isRetired()) {
            tell(type.provider(), new UnregisterTrigger(trigger.id(), trigger.type()));
        }
    }

    private static void deliver(Worker provider, Trigger trigger) {
        tell(provider, new RegisterTrigger(trigger.id(), trigger.type(), trigger.functionId(), trigger.config(),
                trigger.metadata()));
    }

    /** Sends {@code message} to a worker of this engine (a mirror's own engine tells it); none to the engine. */
    private static void tell(Worker worker, Message message) {
        if (worker != null && !worker.isMirror()) {
            worker.send(Codec.encode(message));
        }
    }
}
