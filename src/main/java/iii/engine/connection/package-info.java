/**
 * The only package that touches {@code jakarta.websocket}: the worker socket at {@code /}, the telemetry socket at
 * {@code /otel}, and the per-connection writer.
 */
package iii.engine.connection;
