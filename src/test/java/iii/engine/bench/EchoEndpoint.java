package iii.engine.bench;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

/**
 * The floor of the benchmark: the least a WebSocket endpoint on the same container stack (Payara Micro, Tyrus,
 * Grizzly) can do, sending every text message straight back. {@link Bench} packs this one class into its own WAR
 * and deploys it on a second Payara Micro; it is never part of the engine's WAR.
 */
@ServerEndpoint("/echo")
public class EchoEndpoint {

    @OnMessage
    public String echo(String text) {
        return text;
    }
}
