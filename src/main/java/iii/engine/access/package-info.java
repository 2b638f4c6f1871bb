/**
 * Access control: who may connect to the access-controlled worker listener and what a session may do. Holds the
 * verification of bearer tokens (MicroProfile JWT's settings and claim names). Corresponds to iii's worker RBAC
 * ({@code iii-worker-manager} with {@code rbac:}).
 */
package iii.engine.access;
