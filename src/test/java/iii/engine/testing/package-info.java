/** What several test packages share and no main package has a place for. */
package iii.engine.testing;
