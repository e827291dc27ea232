package org.countersign.server.http;

import io.javalin.http.Context;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.countersign.server.auth.Principal;

/** Per-request values the pipeline attaches to the Javalin context. */
public final class Requests {
    private Requests() {}

    static final String REQUEST_ID = "cs.requestId";
    static final String PRINCIPAL = "cs.principal";
    static final String STARTED = "cs.started";
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{8,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    static String newRequestId(String offered) {
        if (offered != null && CLIENT_REQUEST_ID.matcher(offered).matches()) {
            return offered;
        }
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static String requestId(Context ctx) {
        String id = ctx.attribute(REQUEST_ID);
        return id == null ? "-" : id;
    }

    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new ApiException(ProblemType.UNAUTHENTICATED, "authentication required");
        }
        return p;
    }

    /** The tenant of the calling relying party; every tenant-scoped query must use this value. */
    public static String tenant(Context ctx) {
        return principal(ctx).requireTenant();
    }

    public static String actor(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        return p == null ? "anonymous@" + ctx.ip() : p.actor();
    }
}
