package iii.engine.dispatch;

import iii.engine.protocol.Codec;
import iii.engine.protocol.Message.Pong;
import iii.engine.protocol.Message.Ping;
import iii.engine.registry.Worker;
import jakarta.enterprise.context.ApplicationScoped;

/** A JSON {@code ping} is answered with a {@code pong}. */
@ApplicationScoped
public class PingHandler implements MessageHandler<Ping> {

    private static final String PONG = Codec.encode(new Pong());

    @Override
    public Class<Ping> type() {
        return Ping.class;
    }

    @Override
    public void handle(Worker from, Ping message) {
        from.send(PONG);
    }
}
