/**
 * Logging of bad input from workers and clients without letting it flood the server log: the first occurrence of
 * each kind on each connection is logged in full, later ones are counted and summed up once a minute. A worker that
 * sends a hundred thousand broken frames costs the log one line per kind, not a hundred thousand. No counterpart in
 * iii, which logs every refused frame.
 */
package iii.engine.badinput;
