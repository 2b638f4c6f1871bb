package iii.engine.registry;

/** A trigger type provider refused an instance (bad config, a conflicting route…). */
public class TriggerRejectedException extends Exception {

    public TriggerRejectedException(String message) {
        super(message, null, false, false);
    }
}
