package iii.engine.external;

import iii.engine.protocol.RawJson;
import iii.engine.registry.RemoteFunction;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One external function as registered: where and how to call it, with its auth already resolved. Immutable; a new
 * registration of the id replaces the whole function entry.
 */
record HttpFunction(String id, URI url, String method, long timeoutMillis, Map<String, String> headers, Auth auth,
                    ExternalFunctions caller) implements RemoteFunction {

    @Override
    public CompletableFuture<Reply> call(String functionId, RawJson data) {
        return caller.call(this, data);
    }

    @Override
    public String toString() {
        return "HttpFunction[" + id + " " + method + " " + url + "]";
    }
}
