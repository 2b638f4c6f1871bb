package iii.engine.protocol;

import java.util.UUID;

/**
 * Every frame of the worker protocol, one record per {@code type}. Field names are the wire's snake_case names in
 * camelCase; arbitrary JSON ({@code data}, {@code config}, formats, metadata, errors) stays {@link RawJson} so it
 * travels from one worker to another without being rebuilt. Optional fields are {@code null} when absent.
 */
public sealed interface Message {

    /** The wire name of this message, the value of its {@code type} field. */
    String type();

    /** Engine to worker, first frame of every connection. */
    record WorkerRegistered(UUID workerId, UUID reattachToken) implements Message {
        public String type() { return "workerregistered"; }
    }

    /** Worker to engine: retire the previous connection of the same worker (SDK 0.22.1). */
    record Reattach(String previousWorkerId, String reattachToken) implements Message {
        public String type() { return "reattach"; }
    }

    /** {@code invocation} non-null makes this an external HTTP function. */
    record RegisterFunction(String id, String description, RawJson requestFormat, RawJson responseFormat,
                            RawJson metadata, RawJson invocation) implements Message {
        public String type() { return "registerfunction"; }
    }

    record UnregisterFunction(String id) implements Message {
        public String type() { return "unregisterfunction"; }
    }

    /** {@code name} defaults to the id when absent. */
    record RegisterService(String id, String name, String description, String parentServiceId) implements Message {
        public String type() { return "registerservice"; }
    }

    /** {@code description} defaults to the empty string when absent. */
    record RegisterTriggerType(String id, String description, RawJson triggerRequestFormat,
                               RawJson callRequestFormat) implements Message {
        public String type() { return "registertriggertype"; }
    }

    record UnregisterTriggerType(String id) implements Message {
        public String type() { return "unregistertriggertype"; }
    }

    /** Both directions. {@code config} defaults to JSON {@code null} when absent. */
    record RegisterTrigger(String id, String triggerType, String functionId, RawJson config, RawJson metadata)
            implements Message {
        public String type() { return "registertrigger"; }
    }

    /** Both directions; {@code triggerType} is optional from workers. */
    record UnregisterTrigger(String id, String triggerType) implements Message {
        public String type() { return "unregistertrigger"; }
    }

    /** Both directions; {@code error} is absent on success. */
    record TriggerRegistrationResult(String id, String triggerType, String functionId, RawJson error)
            implements Message {
        public String type() { return "triggerregistrationresult"; }
    }

    /**
     * Both directions. {@code invocationId} null means nobody waits for a result; {@code data} defaults to JSON
     * {@code null}; {@code action} is {@code "void"}, {@code "enqueue"} or null.
     */
    record InvokeFunction(UUID invocationId, String functionId, RawJson data, String traceparent, String baggage,
                          String action, RawJson metadata) implements Message {
        public String type() { return "invokefunction"; }
    }

    /** Both directions. A {@code result} of JSON null is the same as none; {@code error} wins over result. */
    record InvocationResult(UUID invocationId, String functionId, RawJson result, RawJson error, String traceparent,
                            String baggage) implements Message {
        public String type() { return "invocationresult"; }
    }

    record Ping() implements Message {
        public String type() { return "ping"; }
    }

    record Pong() implements Message {
        public String type() { return "pong"; }
    }

    /** Engine to worker: a frame was refused. {@code error} is {@code {code, message}}. */
    record Error(RawJson error) implements Message {
        public String type() { return "error"; }
    }
}
