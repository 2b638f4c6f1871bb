package iii.engine.bench;

import java.util.List;

/** One cell's closed loop of calls: what {@code Bench} reads of it, whichever client makes the calls. */
interface Driver {

    /** Starts (true) or stops (false) counting completed calls and recording latencies. */
    void record(boolean on);

    /** Sends no further calls; waits up to {@code millis} for the outstanding ones; returns how many never came. */
    int stop(long millis) throws InterruptedException;

    long completed();

    long errors();

    List<String> errorSamples();

    /** Latencies in nanoseconds, sorted. Read after {@link #stop}. */
    long[] sortedSamples();
}
