package iii.engine.channel;

import iii.engine.protocol.ErrorCode;
import iii.engine.protocol.RawJson;
import iii.engine.registry.FunctionEntry;
import iii.engine.registry.FunctionRegistry;
import iii.engine.registry.InvocationException;
import iii.engine.registry.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

/**
 * {@code engine::channels::create {buffer_size?}}: a new channel owned by the caller, answered as
 * {@code {writer, reader}} references that share its id and access key, as SDK 0.11.6+ {@code createChannel} expects.
 */
@ApplicationScoped
public class ChannelFunctions {

    public static final String CREATE = "engine::channels::create";
    private static final JsonProvider JSON = JsonProvider.provider();

    private FunctionRegistry functions;
    private Channels channels;

    protected ChannelFunctions() {
    }

    @Inject
    public ChannelFunctions(FunctionRegistry functions, Channels channels) {
        this.functions = functions;
        this.channels = channels;
    }

    public void install() {
        functions.register(FunctionEntry.builtin(CREATE, "Create a streaming channel pair", this::create));
    }

    RawJson create(Worker caller, RawJson data) throws InvocationException {
        var channel = channels.create(bufferSize(data), caller);
        return RawJson.of(JSON.createObjectBuilder()
                .add("writer", reference(channel, "write"))
                .add("reader", reference(channel, "read"))
                .build());
    }

    private static int bufferSize(RawJson data) throws InvocationException {
        if (data == null || data.isNull()) {
            return Channels.DEFAULT_BUFFER;
        }
        if (!data.isObject()) {
            throw new InvocationException(ErrorCode.DESERIALIZATION_ERROR,
                    "Failed to deserialize input for " + CREATE + ": expected an object");
        }
        var value = data.toJsonValue().asJsonObject().get("buffer_size");
        if (value == null || value == JsonValue.NULL) {
            return Channels.DEFAULT_BUFFER;
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral() || number.bigIntegerValue().signum() < 0) {
            throw new InvocationException(ErrorCode.DESERIALIZATION_ERROR, "Failed to deserialize input for "
                    + CREATE + ": 'buffer_size' must be a non-negative integer (at most " + Channels.MAX_BUFFER
                    + " are used)");
        }
        var size = number.bigIntegerValue();
        return size.bitLength() > 31 ? Channels.MAX_BUFFER : size.intValue();
    }

    /** A reference to one end of {@code channel}: {@code {channel_id, access_key, direction}} ({@code read|write}). */
    public static JsonObject reference(Channel channel, String direction) {
        return JSON.createObjectBuilder()
                .add("channel_id", channel.id())
                .add("access_key", channel.accessKey())
                .add("direction", direction)
                .build();
    }
}
