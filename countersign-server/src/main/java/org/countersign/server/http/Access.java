package org.countersign.server.http;

import io.javalin.security.RouteRole;

/** Who may call a route (A-G1: every operation is authenticated and authorised unless it is public by nature). */
public enum Access implements RouteRole {
    /** Health, metrics, API document, static pages. */
    PUBLIC,
    /** Operators holding an admin key. */
    ADMIN,
    /** A relying party's server (API key or client certificate); data is scoped to that tenant. */
    TENANT
}
