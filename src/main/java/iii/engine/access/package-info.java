/**
 * Access control for the RBAC-gated worker listener ({@code iii.rbac.port}), with iii's semantics: each connection
 * there is authenticated once at its upgrade ({@link iii.engine.access.Authenticator}: origin, bearer token, auth
 * function) into a {@link iii.engine.access.Grant}, and every message of that session passes the
 * {@link iii.engine.access.AccessGate} before it is handled: calls are allowed or answered {@code FORBIDDEN}, go through
 * the middleware, registrations are checked, prefixed, vetted by hooks and may not take over what another identity
 * owns. Connections on the trusted listener carry no grant and pass untouched. Bearer tokens are verified by
 * {@link iii.engine.access.TokenVerifier} from MicroProfile JWT's own settings ({@code mp.jwt.verify.*}).
 */
package iii.engine.access;
