package org.countersign.server.remote;

/** The three message types of X.1279 §8.1. */
public enum Operation {
    /** §8.2.1: bind a new reference to the account and device type. */
    REGISTER,
    /** §8.2.2: verify the user against the stored reference. */
    AUTHENTICATE,
    /** §8.2.3: authenticate with liveness, then remove the reference. */
    DEREGISTER
}
