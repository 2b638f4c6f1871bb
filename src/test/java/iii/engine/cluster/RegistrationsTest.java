package iii.engine.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import iii.engine.protocol.RawJson;
import iii.engine.registry.FunctionEntry;
import iii.engine.registry.Worker;
import iii.engine.registry.WorkerMetadata;
import org.junit.jupiter.api.Test;

class RegistrationsTest {

    private static final String NODE = "0f6f8a3e-6c1b-4b7e-9d8e-1c2b3a4d5e6f";

    @Test
    void a_function_reads_back_as_it_was_written_and_names_its_node_and_worker() {
        var worker = new Worker(null, "10.0.0.9");
        var entry = FunctionEntry.ofWorker("math::add", "adds", RawJson.trusted("{\"type\":\"object\"}"), null,
                RawJson.trusted("{\"tier\":1}"), worker);

        var text = Registrations.function(NODE, entry);
        var row = Registrations.function(text);

        assertEquals(NODE, row.node());
        assertEquals(NODE, Registrations.node(text));
        assertEquals(worker.id(), row.worker());
        assertEquals("adds", row.description());
        assertEquals("{\"type\":\"object\"}", row.requestFormat().text());
        assertNull(row.responseFormat());
        assertEquals("{\"tier\":1}", row.metadata().text());
    }

    @Test
    void a_function_without_description_or_formats_and_one_with_escapes_read_back_as_written() {
        var worker = new Worker(null, null);
        var bare = Registrations.function(Registrations.function(NODE,
                FunctionEntry.ofWorker("f", null, null, null, RawJson.NULL, worker)));
        assertNull(bare.description());
        assertNull(bare.requestFormat());
        assertEquals("null", bare.metadata().text());

        var escaped = Registrations.function(Registrations.function(NODE,
                FunctionEntry.ofWorker("g", "say \"hi\"\\\n\u0001", null, null, null, worker)));
        assertEquals("say \"hi\"\\\n\u0001", escaped.description());
    }

    @Test
    void the_same_entry_gives_the_same_text_and_another_owner_another() {
        var first = new Worker(null, null);
        var second = new Worker(null, null);
        var entry = FunctionEntry.ofWorker("f", null, null, null, null, first);

        assertEquals(Registrations.function(NODE, entry), Registrations.function(NODE, entry));
        assertNotEquals(Registrations.function(NODE, entry),
                Registrations.function(NODE, FunctionEntry.ofWorker("f", null, null, null, null, second)));
    }

    @Test
    void a_worker_reads_back_with_its_metadata_address_and_connection_time() {
        var worker = new Worker(null, "192.0.2.7");
        worker.metadata(new WorkerMetadata("billing", "bills", "node", "22.1.0", "linux", 4242L, null, null));

        var row = Registrations.worker(worker.id().toString(), Registrations.worker(NODE, worker));

        assertEquals(NODE, row.node());
        assertEquals(worker.id(), row.id());
        assertEquals("billing", row.metadata().name());
        assertEquals(4242L, row.metadata().pid());
        assertNull(row.metadata().isolation());
        assertEquals("192.0.2.7", row.ipAddress());
        assertEquals(worker.connectedAt().toEpochMilli(), row.connectedAt().toEpochMilli());
    }

    @Test
    void a_text_of_something_else_has_no_node() {
        assertNull(Registrations.node("{\"worker\":\"x\"}"));
        assertNull(Registrations.node(null));
        assertNull(Registrations.node("{\"node\":\"unterminated"));
    }
}
