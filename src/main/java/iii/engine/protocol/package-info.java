/**
 * The worker protocol on the wire: one record per message {@code type} ({@link iii.engine.protocol.Message}), the
 * closed set of error codes ({@link iii.engine.protocol.ErrorCode}), and the one codec that turns frames into records
 * and back ({@link iii.engine.protocol.Codec}) on top of a validating scanner that keeps payloads as raw text
 * ({@link iii.engine.protocol.JsonScanner}, {@link iii.engine.protocol.RawJson}). Corresponds to iii's
 * {@code engine/src/protocol.rs}. No CDI and no I/O, so it tests without a container.
 */
package iii.engine.protocol;
