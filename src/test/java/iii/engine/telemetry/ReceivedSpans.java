package iii.engine.telemetry;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The spans in the trace exports an {@link OtlpReceiver} got: protobuf ones (the engine's own exporter,
 * {@code http/protobuf}) read with a minimal protobuf wire reader, and JSON ones (workers' spans relayed as the SDKs
 * serialised them).
 */
public final class ReceivedSpans {

    /** One span; ids in lower-case hex, {@code parentSpanId} empty for a root. */
    public record Span(String traceId, String spanId, String parentSpanId, String name, boolean json) {
    }

    private ReceivedSpans() {
    }

    public static List<Span> of(List<OtlpReceiver.Export> exports) {
        var spans = new ArrayList<Span>();
        for (var export : exports) {
            if (!export.path().equals("/v1/traces")) {
                continue;
            }
            if (export.isJson()) {
                readJson(export.body(), spans);
            } else {
                readProtobuf(export.body(), spans);
            }
        }
        return spans;
    }

    private static void readJson(byte[] body, List<Span> spans) {
        JsonObject request;
        try (var reader = JsonProvider.provider().createReader(new ByteArrayInputStream(body))) {
            request = reader.readObject();
        }
        for (var resource : OtlpJson.objects(request, "resourceSpans")) {
            for (var scope : OtlpJson.objects(resource, "scopeSpans")) {
                for (var span : OtlpJson.objects(scope, "spans")) {
                    spans.add(new Span(lower(OtlpJson.string(span, "traceId")), lower(OtlpJson.string(span, "spanId")),
                            lower(OtlpJson.string(span, "parentSpanId")), OtlpJson.string(span, "name"), true));
                }
            }
        }
    }

    private static String lower(String id) {
        return id == null ? "" : id.toLowerCase();
    }

    // ExportTraceServiceRequest{1: ResourceSpans{2: ScopeSpans{2: Span{1 trace_id, 2 span_id, 4 parent, 5 name}}}}
    private static void readProtobuf(byte[] body, List<Span> spans) {
        for (var resourceSpans : fields(body, 1)) {
            for (var scopeSpans : fields(resourceSpans, 2)) {
                for (var span : fields(scopeSpans, 2)) {
                    spans.add(new Span(hex(first(span, 1)), hex(first(span, 2)), hex(first(span, 4)),
                            new String(first(span, 5), StandardCharsets.UTF_8), false));
                }
            }
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static byte[] first(byte[] message, int field) {
        var found = fields(message, field);
        return found.isEmpty() ? new byte[0] : found.get(0);
    }

    /** The length-delimited values of {@code field} in one protobuf message; other fields are skipped. */
    static List<byte[]> fields(byte[] message, int field) {
        var values = new ArrayList<byte[]>();
        var position = new int[] {0};
        while (position[0] < message.length) {
            var key = varint(message, position);
            var number = (int) (key >>> 3);
            var wireType = (int) (key & 7);
            switch (wireType) {
                case 0 -> varint(message, position);
                case 1 -> position[0] += 8;
                case 5 -> position[0] += 4;
                case 2 -> {
                    var length = (int) varint(message, position);
                    if (number == field) {
                        var value = new byte[length];
                        System.arraycopy(message, position[0], value, 0, length);
                        values.add(value);
                    }
                    position[0] += length;
                }
                default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
            }
        }
        return values;
    }

    private static long varint(byte[] bytes, int[] position) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            var b = bytes[position[0]++];
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }
}
