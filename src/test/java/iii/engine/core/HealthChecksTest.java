package iii.engine.core;

import iii.engine.channel.Channel;
import iii.engine.channel.ChannelItem;
import iii.engine.health.ChannelsLiveness;
import iii.engine.health.DispatcherLiveness;
import iii.engine.health.EngineRunState;
import iii.engine.health.EngineStarted;
import iii.engine.health.HealthConfig;
import iii.engine.health.WorkersReadiness;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthChecksTest {

    private final TestEngine engine = new TestEngine();
    private final EngineRunState state = new EngineRunState();

    @BeforeAll
    static void responses() {
        TestHealthResponses.install();
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void liveWhileTheDispatcherAnswersAPing() {
        var response = new DispatcherLiveness(engine.dispatcher).call();

        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        assertTrue(engine.workers.all().isEmpty(), "the probe is not a worker");
    }

    @Test
    void channelsCheckIsUpAndCountsOpenChannelsAndTheBytesTheyHold() {
        var channel = engine.channels.create(4, null);
        channel.takeWriter(new Channel.WriterEnd() {
            @Override
            public boolean pause() {
                return true;
            }

            @Override
            public void resume() {
            }

            @Override
            public void close(String reason) {
            }
        });
        channel.offer(ChannelItem.binary(ByteBuffer.allocate(1000)));

        var response = new ChannelsLiveness(engine.channels).call();

        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        var data = response.getData().orElseThrow();
        assertEquals(1L, data.get("open"));
        assertEquals(1000L, data.get("buffered_bytes"));
        assertEquals(1000L, data.get("peak_buffered_bytes"));
    }

    @Test
    void startedOnceTheApplicationIsInitialized() {
        var check = new EngineStarted(state, engine.functions);
        assertEquals(HealthCheckResponse.Status.DOWN, check.call().getStatus());

        state.started(true, false);

        assertEquals(HealthCheckResponse.Status.UP, check.call().getStatus());
    }

    @Test
    void readinessFollowsTheRequiredFunctionsAsTheyLeaveAndReturn() {
        state.started(true, false);
        var check = new WorkersReadiness(state, engine.functions, new HealthConfig(List.of("orders::create",
                "engine::functions::list")));
        assertEquals(HealthCheckResponse.Status.DOWN, check.call().getStatus());
        assertEquals("orders::create", check.call().getData().orElseThrow().get("missing-functions"));

        var first = engine.connect().register("orders::create");
        assertEquals(HealthCheckResponse.Status.UP, check.call().getStatus());

        first.disconnect();
        assertEquals(HealthCheckResponse.Status.DOWN, check.call().getStatus());

        engine.connect().register("orders::create");
        assertEquals(HealthCheckResponse.Status.UP, check.call().getStatus());
    }

    @Test
    void notReadyWhileStoppingEvenWithEveryFunction() {
        var check = new WorkersReadiness(state, engine.functions, new HealthConfig(List.of()));
        state.started(true, false);
        assertEquals(HealthCheckResponse.Status.UP, check.call().getStatus());

        state.started(true, true);

        assertEquals(HealthCheckResponse.Status.DOWN, check.call().getStatus());
    }
}
