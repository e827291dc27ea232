package org.countersign.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests that Jetty refuses before they reach the application (malformed URIs, bad headers, oversized header
 * blocks, over-long targets) still get an RFC 9457 body of their own type (bad-request, request-header-too-large,
 * uri-too-long) and a fresh request id in the body and in {@code X-Request-Id}, instead of Jetty's HTML page; never
 * a stack trace.
 */
final class ProblemErrorHandler extends ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemErrorHandler.class);

    ProblemErrorHandler() {
        setShowStacks(false);
        setShowMessageInTitle(false);
    }

    /** Jetty writes error bodies for GET, POST and HEAD only; PUT, DELETE and the rest got an empty 400. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        String id = Requests.newRequestId(request.getHeaders().get("X-Request-Id"));
        LOG.info("HTTP layer refused a request: status {} ({}), request id {}", code, message, id);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        response.getHeaders().put("X-Request-Id", id);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, ByteBuffer.wrap(body(code, id)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        // Called for requests that could not even be parsed: no request exists to take an id from.
        String id = Requests.newRequestId(null);
        LOG.info("HTTP layer refused an unparsable request: status {} ({}), request id {}", status, reason, id);
        fields.put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        fields.put("X-Request-Id", id);
        fields.put(HttpHeader.CACHE_CONTROL, "no-store");
        return ByteBuffer.wrap(body(status, id));
    }

    private static byte[] body(int code, String id) {
        ProblemType type = ApiServer.byStatus(code);
        String json = "{\"type\":\"" + type.uri() + "\",\"title\":\"" + type.title() + "\",\"status\":" + code
                + ",\"detail\":\"the request was refused by the HTTP layer\",\"requestId\":\"" + id + "\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
