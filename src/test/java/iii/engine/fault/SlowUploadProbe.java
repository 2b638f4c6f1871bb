package iii.engine.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * One worker sends one big frame slowly (8 MiB at 128 KiB/s by default) while the engine's heartbeat runs with a
 * short interval: a worker busy sending is not silent, and the frame must be received and answered, not cut off as
 * a connection that answers no pings. The frame calls {@code engine::functions::list} (whose answer is small) with
 * the bulk in a member it ignores.
 */
final class SlowUploadProbe implements Fault.Probe {

    @Override
    public boolean shortHeartbeat() {
        return true;
    }

    @Override
    public long deadlineSeconds(Fault.Options options) {
        return 60 + uploadSeconds(options) * 3 / 2;
    }

    private static long uploadSeconds(Fault.Options options) {
        return (long) options.uploadMib * 1024 / options.uploadKibps;
    }

    @Override
    public void run(Fault suite, Fault.Closer closer) throws Exception {
        var options = suite.options;
        var ws = closer.add(RawWs.connect(suite.engine.port, 0));
        ws.awaitText(text -> text.contains("workerregistered"), 10_000);
        var id = UUID.randomUUID();
        var head = ("{\"type\":\"invokefunction\",\"invocation_id\":\"" + id + "\",\"function_id\":"
                + "\"engine::functions::list\",\"data\":{\"prefix\":\"fault::none\",\"blob\":\"")
                .getBytes(StandardCharsets.US_ASCII);
        var payload = BigFramesProbe.filler(head, "\"}}".getBytes(StandardCharsets.US_ASCII),
                (long) options.uploadMib << 20);
        long t0 = System.nanoTime();
        String outcome;
        boolean ok = false;
        try {
            ws.send(RawWs.TEXT, payload, options.uploadKibps * 1024L);
            double sent = (System.nanoTime() - t0) / 1e9;
            var reply = ws.awaitText(text -> text.contains(id.toString()), 30_000);
            double answered = (System.nanoTime() - t0) / 1e9;
            ok = reply != null && reply.contains("\"result\"");
            outcome = reply == null
                    ? String.format(Locale.ROOT, "sent in %.1f s, no answer within 30 s", sent)
                    : String.format(Locale.ROOT, "sent in %.1f s, answered after %.1f s%s", sent, answered,
                    ok ? "" : ": " + Fault.head(reply));
        } catch (IOException e) {
            outcome = String.format(Locale.ROOT, "cut off after %.1f s (%s), %s", (System.nanoTime() - t0) / 1e9,
                    e.getMessage(), ws.closeReason(2_000));
        }
        suite.row(options.uploadMib + " MiB frame at " + options.uploadKibps + " KiB/s, heartbeat "
                + options.heartbeatMs + " ms", outcome, "received and answered", ok);
        ws.close();
    }
}
