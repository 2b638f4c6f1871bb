package iii.engine.health;

import iii.engine.channel.Channels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;

/**
 * Always up; its data tells what channels hold: how many are open, how many sockets are relayed between this engine
 * and the others of its cluster (a channel's socket on another engine than the channel's), the bytes waiting in them now, the most that ever
 * waited in one of them, and the engine's heap in use (all of it, and what the last collections left). What a full channel holds is bounded (it pauses its writer), so
 * these figures stay flat however slow a reader is.
 */
@Liveness
@ApplicationScoped
public class ChannelsLiveness implements HealthCheck {

    static final String NAME = "iii-channels";

    private Channels channels;

    protected ChannelsLiveness() {
    }

    @Inject
    public ChannelsLiveness(Channels channels) {
        this.channels = channels;
    }

    @Override
    public HealthCheckResponse call() {
        var open = channels.all();
        long buffered = 0;
        long peak = 0;
        for (var channel : open) {
            buffered += channel.bufferedBytes();
            peak = Math.max(peak, channel.peakBytes());
        }
        return HealthCheckResponse.named(NAME).up()
                .withData("open", open.size())
                .withData("relayed", channels.relayed())
                .withData("buffered_bytes", buffered)
                .withData("peak_buffered_bytes", peak)
                .withData("heap_used_bytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed())
                .withData("heap_after_gc_bytes", heapAfterGc())
                .build();
    }

    /** What the heap held after each pool's last collection: memory that is kept, not garbage yet uncollected. */
    private static long heapAfterGc() {
        long used = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            var after = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (after != null) {
                used += after.getUsed();
            }
        }
        return used;
    }
}
