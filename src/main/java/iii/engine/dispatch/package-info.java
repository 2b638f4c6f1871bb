/**
 * One small handler per inbound message type, and the dispatcher that decodes frames, refuses bad ones with a
 * clear error and hands the rest to their handler. Corresponds to the message {@code match} of iii's
 * {@code engine/src/engine/mod.rs}, split by type.
 */
package iii.engine.dispatch;
