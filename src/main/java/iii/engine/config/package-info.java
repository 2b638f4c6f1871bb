/**
 * Settings (MicroProfile Config) and the container's executors.
 */
package iii.engine.config;
