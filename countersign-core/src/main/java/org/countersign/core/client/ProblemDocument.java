package org.countersign.core.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A non-2xx answer of the verifier as a client sees it: the RFC 9457 members the verifier sends ({@code type},
 * {@code title}, {@code detail}, {@code requestId}) and its reason codes. Remote-mode problems list them in
 * {@code reasonCodes}; local-mode refusals give one in {@code reason}; both end up in {@link #reasonCodes()}.
 * {@link #parse} never throws: a body that is not a problem document (a proxy's HTML page, say) still yields a
 * value whose {@link #type()} is empty and whose detail is the start of the body, so callers handle one shape.
 *
 * @param status      the HTTP status of the answer (the transport's, which the body's {@code status} repeats)
 * @param type        the problem type URI; empty when the body was not a problem document
 * @param title       the short human title of the type, or empty
 * @param detail      what went wrong in this case, or empty
 * @param reasonCodes machine-readable reasons, in the order the verifier gave them
 * @param requestId   the verifier's request id, which a user can quote to an operator
 */
public record ProblemDocument(int status, Optional<URI> type, String title, String detail, List<String> reasonCodes,
        Optional<String> requestId) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RAW_DETAIL = 200;

    public ProblemDocument {
        Objects.requireNonNull(type);
        Objects.requireNonNull(title);
        Objects.requireNonNull(detail);
        reasonCodes = List.copyOf(reasonCodes);
        Objects.requireNonNull(requestId);
    }

    /** Reads the body of an answer with HTTP status {@code status}. */
    public static ProblemDocument parse(int status, String body) {
        String text = body == null ? "" : body;
        JsonNode n;
        try {
            n = text.isBlank() ? null : JSON.readTree(text);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.isObject()) {
            String raw = text.strip();
            return new ProblemDocument(status, Optional.empty(), "",
                    raw.length() > MAX_RAW_DETAIL ? raw.substring(0, MAX_RAW_DETAIL) : raw, List.of(), Optional.empty());
        }
        List<String> reasons = new ArrayList<>();
        n.path("reasonCodes").forEach(r -> {
            if (r.isTextual()) {
                reasons.add(r.asText());
            }
        });
        if (n.path("reason").isTextual() && !reasons.contains(n.path("reason").asText())) {
            reasons.add(n.path("reason").asText());
        }
        return new ProblemDocument(status, typeUri(n.path("type")), text(n, "title"), text(n, "detail"), reasons,
                Optional.ofNullable(n.path("requestId").textValue()));
    }

    public static ProblemDocument parse(int status, byte[] body) {
        return parse(status, body == null ? "" : new String(body, StandardCharsets.UTF_8));
    }

    /**
     * The stable name of the type: the last path segment of its URI (for example {@code oob-request-expired}), or
     * empty when there is no type.
     */
    public String slug() {
        return type.map(t -> {
            String s = t.getPath() == null || t.getPath().isEmpty() ? t.toString() : t.getPath();
            return s.substring(s.lastIndexOf('/') + 1);
        }).orElse("");
    }

    /** Whether the type's slug is {@code name}. */
    public boolean is(String name) {
        return slug().equals(name);
    }

    /** The first reason code, if any. */
    public Optional<String> reason() {
        return reasonCodes.stream().findFirst();
    }

    /** The most specific text there is: the detail, else the title, else the bare status. */
    public String message() {
        if (!detail.isEmpty()) {
            return detail;
        }
        return title.isEmpty() ? "HTTP " + status : title;
    }

    private static Optional<URI> typeUri(JsonNode n) {
        if (!n.isTextual() || n.asText().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new URI(n.asText()));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode n, String member) {
        JsonNode v = n.path(member);
        return v.isTextual() ? v.asText() : "";
    }
}
