package io.cgdev.fault.badservices;

/** Present, but not a provider. */
public final class Present {}
