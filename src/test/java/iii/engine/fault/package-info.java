/**
 * The fault suite, run by {@code bin/fault} (never by {@code mvn verify}: no class here is a test, and it takes
 * minutes). It starts the real engine on Payara Micro (the benchmark's {@link iii.engine.bench.Server}) and, beside
 * two well-behaved workers that keep calling each other, runs bounded probes of bad and hostile input on loopback:
 * malformed frames, hostile upgrades and bad input on the RBAC-gated port, frames near and over the size limits,
 * slow HTTP bodies, a slow upload, a worker that stops reading, and workers killed while they are called. It
 * prints one table row per measurement and exits non-zero on any crash, hang, loss or leak. See
 * {@link iii.engine.fault.Fault}.
 */
package iii.engine.fault;
