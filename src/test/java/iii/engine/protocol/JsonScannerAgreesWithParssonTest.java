package iii.engine.protocol;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The scanner's verdict on randomly damaged frames matches Parsson's (the JSON-P implementation Payara ships), apart
 * from two documented differences that the reference verdict below accounts for explicitly:
 * <ul>
 *   <li>Parsson's {@code JsonReader.readValue()} ignores anything after the first value ({@code {} x} is accepted);
 *       the reference therefore uses its streaming parser, whose {@code hasNext()} requires the end of input.</li>
 *   <li>Parsson accepts unpaired surrogates ({@code "\ud800"}), which the scanner refuses on purpose; the reference
 *       refuses a value whose decoded strings hold one.</li>
 * </ul>
 */
class JsonScannerAgreesWithParssonTest {

    private static final JsonProvider JSON = JsonProvider.provider();

    private static final List<String> SEEDS = List.of(
            "{\"type\":\"invokefunction\",\"invocation_id\":\"9a0c7c1e-3f7b-4b1e-9a55-4d8e7b9c0f12\","
                    + "\"function_id\":\"orders::create\",\"data\":{\"sku\":\"A-1\",\"qty\":2,\"price\":-12.50e-1}}",
            "{ \"type\" : \"registertrigger\" ,\n\t\"id\":\"tr\",\"config\":{\"a\":[1, 2.5e3, \"x\\u00e9\", true,"
                    + " false, null, {}, []],\"b\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\ud83d\\ude00\"}}",
            "{\"type\":\"invocationresult\",\"result\":[0,-0,1E+2,3e-0,[[[]]],{\"\":{\"k\":\"é😀\"}}]}",
            "{\"a\":true,\"b\":false,\"c\":null,\"d\":123456789,\"e\":0.5,\"f\":\"\\u0041\\u00DF\"}");

    /** Characters that matter to JSON, plus a few that must not appear raw. */
    private static final String ALPHABET = "{}[]:,\"\\ -+.eE0129tfnulrx/ \t\n\r\u0001é\uD83D\uDE00\u00a0";

    @Test
    void parssonReadValueIgnoresTrailingDataWhichTheScannerRefuses() {
        try (var reader = JSON.createReader(new StringReader("{\"a\":1} x"))) {
            assertEquals(JsonValue.ValueType.OBJECT, reader.readValue().getValueType());
        }
        assertEquals(false, parssonAccepts("{\"a\":1} x"));
        assertEquals(false, scannerAccepts("{\"a\":1} x"));
    }

    @Test
    void parssonAcceptsAnUnpairedSurrogateWhichTheScannerRefuses() {
        try (var reader = JSON.createReader(new StringReader("{\"a\":\"\\ud800\"}"))) {
            assertEquals("\uD800", reader.readObject().getString("a"));
        }
        assertEquals(false, scannerAccepts("{\"a\":\"\\ud800\"}"));
    }

    @Test
    void theSeedsAreAcceptedByBoth() {
        for (var seed : SEEDS) {
            assertTrue(scannerAccepts(seed), seed);
            assertTrue(parssonAccepts(seed), seed);
        }
    }

    @Test
    void damagedFramesGetTheSameVerdictFromBoth() {
        var random = new Random(8259);
        int accepted = 0;
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            var frame = new StringBuilder(SEEDS.get(random.nextInt(SEEDS.size())));
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                mutate(frame, random);
            }
            var text = frame.toString();
            boolean ours = scannerAccepts(text);
            if (ours != parssonAccepts(text)) {
                disagreements.add((ours ? "scanner accepts: " : "scanner refuses: ") + text);
            }
            accepted += ours ? 1 : 0;
        }
        if (!disagreements.isEmpty()) {
            fail(disagreements.size() + " disagreements, e.g.\n" + String.join("\n", disagreements.subList(0,
                    Math.min(10, disagreements.size()))));
        }
        assertTrue(accepted > 100 && accepted < 1900, "mutations should give both verdicts, accepted " + accepted);
    }

    private static void mutate(StringBuilder frame, Random random) {
        char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        if (frame.length() == 0) {
            frame.append(c);
            return;
        }
        int at = random.nextInt(frame.length());
        switch (random.nextInt(5)) {
            case 0 -> frame.deleteCharAt(at);
            case 1 -> frame.insert(at, c);
            case 2 -> frame.setCharAt(at, c);
            case 3 -> {
                int end = Math.min(frame.length(), at + 1 + random.nextInt(8));
                frame.insert(at, frame.substring(at, end));
            }
            default -> frame.setLength(at);
        }
    }

    private static boolean scannerAccepts(String frame) {
        try {
            JsonScanner.members(frame);
            return true;
        } catch (FrameException e) {
            return false;
        }
    }

    /** Parsson's verdict on "one JSON object and nothing else", with the scanner's stance on surrogates. */
    private static boolean parssonAccepts(String frame) {
        try (JsonParser parser = JSON.createParser(new StringReader(frame))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return false;
            }
            JsonObject object = parser.getObject();
            return !parser.hasNext() && !hasUnpairedSurrogate(object);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean hasUnpairedSurrogate(JsonValue value) {
        if (value instanceof JsonString string) {
            return unpaired(string.getString());
        }
        if (value instanceof JsonObject object) {
            return object.entrySet().stream().anyMatch(e -> unpaired(e.getKey()) || hasUnpairedSurrogate(e.getValue()));
        }
        if (value instanceof JsonArray array) {
            return array.stream().anyMatch(JsonScannerAgreesWithParssonTest::hasUnpairedSurrogate);
        }
        return false;
    }

    private static boolean unpaired(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
