/**
 * MicroProfile Health checks: {@code /health/live} (the dispatcher answers; what channels hold),
 * {@code /health/ready} (workers are accepted and every function of {@code iii.health.required-functions} is
 * registered), {@code /health/started}.
 */
package iii.engine.health;
