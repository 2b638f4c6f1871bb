package iii.engine.core;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelCreationTest {

    private final TestEngine engine = new TestEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void createAnswersAWriterAndAReaderSharingIdAndKey() {
        var result = engine.connect().call("engine::channels::create", "{}").getJsonObject("result");
        var writer = result.getJsonObject("writer");
        var reader = result.getJsonObject("reader");
        assertEquals("write", writer.getString("direction"));
        assertEquals("read", reader.getString("direction"));
        assertEquals(writer.getString("channel_id"), reader.getString("channel_id"));
        assertEquals(writer.getString("access_key"), reader.getString("access_key"));
        var channel = engine.channels.find(writer.getString("channel_id"), writer.getString("access_key"));
        assertNotNull(channel);
        assertEquals(64, channel.capacity());
    }

    @Test
    void bufferSizeIsUsedUpTo1024() {
        var worker = engine.connect();
        var small = worker.call("engine::channels::create", "{\"buffer_size\":3}").getJsonObject("result");
        var large = worker.call("engine::channels::create", "{\"buffer_size\":100000}").getJsonObject("result");
        assertEquals(3, capacity(small));
        assertEquals(1024, capacity(large));
    }

    @Test
    void aBufferSizeThatIsNotANonNegativeIntegerIsAClearError() {
        var worker = engine.connect();
        for (var bad : new String[] {"{\"buffer_size\":-1}", "{\"buffer_size\":\"64\"}", "{\"buffer_size\":1.5}",
                "[1]"}) {
            var frame = worker.call("engine::channels::create", bad);
            assertTrue(frame.containsKey("error"), bad);
            assertEquals("deserialization_error", frame.getJsonObject("error").getString("code"), bad);
        }
        assertTrue(engine.channels.all().isEmpty());
    }

    @Test
    void aWorkersChannelsAreRemovedWhenItDisconnects() {
        var owner = engine.connect();
        var other = engine.connect();
        owner.call("engine::channels::create", "{}");
        var kept = other.call("engine::channels::create", "{}").getJsonObject("result").getJsonObject("reader");
        assertEquals(2, engine.channels.all().size());
        owner.disconnect();
        assertEquals(1, engine.channels.all().size());
        assertNotNull(engine.channels.find(kept.getString("channel_id"), kept.getString("access_key")));
        other.disconnect();
        assertTrue(engine.channels.all().isEmpty());
    }

    @Test
    void createIsHiddenFromListingsLikeTheOtherBuiltIns() {
        var listed = engine.connect().call("engine::functions::list", "{}").toString();
        assertFalse(listed.contains("engine::channels::create"));
        var all = engine.connect().call("engine::functions::list", "{\"include_internal\":true}").toString();
        assertTrue(all.contains("engine::channels::create"));
    }

    private int capacity(JsonObject result) {
        var writer = result.getJsonObject("writer");
        var channel = engine.channels.find(writer.getString("channel_id"), writer.getString("access_key"));
        assertNotNull(channel);
        return channel.capacity();
    }
}
