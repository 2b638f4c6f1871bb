package iii.engine.dispatch;

import iii.engine.protocol.Message;
import iii.engine.registry.Worker;

/** Handles one type of inbound message. Runs on the sender's socket thread: it must not block. */
public interface MessageHandler<M extends Message> {

    Class<M> type();

    void handle(Worker from, M message);
}
