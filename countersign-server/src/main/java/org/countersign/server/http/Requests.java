package org.countersign.server.http;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.countersign.server.auth.Caller;
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

    /**
     * Refuses a request whose path or query string, once percent-decoded, is not UTF-8 or holds a control
     * character: such values would reach identifiers, logs and PostgreSQL (which refuses NUL in text).
     */
    static void screenTarget(Context ctx) {
        String path = ctx.req().getRequestURI();
        if (path != null && !cleanComponent(path, false)) {
            throw ApiException.invalid("the path must be percent-encoded UTF-8 without control characters");
        }
        String query = ctx.queryString();
        if (query != null && !cleanComponent(query, true)) {
            throw ApiException.invalid("the query string must be percent-encoded UTF-8 without control characters");
        }
    }

    private static boolean cleanComponent(String raw, boolean plusIsSpace) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return false;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return false;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        try {
            String decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
            return Validate.isCleanComponent(decoded);
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    public static String actor(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        return p == null ? "anonymous@" + ctx.ip() : p.actor();
    }

    /** The caller of a service: its relying party (if a tenant key authenticated), actor, request id and address. */
    public static Caller caller(Context ctx) {
        return caller(ctx, ctx.ip());
    }

    /** The caller of a tenant-scoped operation: refused like {@link #tenant(Context)} when no relying party called. */
    public static Caller tenantCaller(Context ctx) {
        return caller(ctx).inTenant(tenant(ctx));
    }

    /** As {@link #caller(Context)}, with the address the caller is judged by (an authenticator's, X.1280 §9.1.1). */
    public static Caller caller(Context ctx, String ip) {
        Principal p = ctx.attribute(PRINCIPAL);
        return new Caller(p == null ? Optional.empty() : p.tenantId(), actor(ctx), requestId(ctx), ip);
    }
}
