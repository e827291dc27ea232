package org.countersign.server.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 9457 problem details body, plus the request id so a user can quote it to an operator. */
public final class Problem {
    private Problem() {}

    public static final String CONTENT_TYPE = "application/problem+json";

    public static Map<String, Object> body(ProblemType type, String detail, String instance, String requestId,
            Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", type.status());
        if (detail != null && !detail.isBlank()) {
            body.put("detail", detail);
        }
        if (instance != null) {
            body.put("instance", instance);
        }
        body.put("requestId", requestId);
        extensions.forEach((k, v) -> {
            if (!body.containsKey(k)) {
                body.put(k, v);
            }
        });
        return body;
    }
}
