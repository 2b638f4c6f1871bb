/**
 * Observability: workers' telemetry frames decoded and relayed to the OTLP endpoint (bounded, never on a socket's
 * thread), the SDKs' worker gauges turned into {@code latest_metrics}, the {@code log} trigger type and
 * {@code engine::log::*}, and the engine's own spans and metrics through MicroProfile Telemetry. Corresponds to iii's
 * {@code engine/src/modules/observability} ({@code handle_telemetry_frame}, {@code ingest_otlp_*}). Off unless
 * {@code otel.sdk.disabled=false}; off, it costs a flag test per frame.
 */
package iii.engine.telemetry;
