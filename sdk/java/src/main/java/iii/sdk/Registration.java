package iii.sdk;

/** Something registered with the engine (a function, trigger, trigger type or service); closing it unregisters it. */
@FunctionalInterface
public interface Registration extends AutoCloseable {

    /** Unregisters; a second call does nothing. */
    void unregister();

    @Override
    default void close() {
        unregister();
    }
}
