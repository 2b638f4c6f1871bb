package iii.engine.registry;

/** A service: a named group of functions, for people; it never affects routing. */
public record ServiceEntry(String id, String name, String description, String parentServiceId, Worker owner) {
}
