package iii.engine.invocation;

/**
 * Watches the calls the {@link Invoker} routes: telemetry's span and metrics of each hop. The invoker asks once per
 * call whether anything is watched, so that an unwatched call costs one test.
 */
public interface InvocationObserver {

    /** Watches nothing. */
    InvocationObserver NONE = new InvocationObserver() {
        @Override
        public boolean watching() {
            return false;
        }

        @Override
        public Hop start(Call call) {
            throw new IllegalStateException("nothing is watched");
        }
    };

    boolean watching();

    /** Starts watching one call. */
    Hop start(Call call);

    /** One watched call. */
    interface Hop {

        /** The call to route: the same, or with the observer's own trace context. */
        Call call();

        /** Ends watching; returns the outcome to give the caller. Never throws. */
        Outcome end(Outcome outcome);
    }
}
