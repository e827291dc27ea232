package org.countersign.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.javalin.http.Context;
import java.io.IOException;

/** Reads a JSON request body into a record, turning every kind of bad input into a typed 4xx. */
public final class Body {
    private final ObjectMapper mapper;

    public Body(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public <T> T read(Context ctx, Class<T> type) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
        }
        byte[] bytes = ctx.bodyAsBytes(); // the configured size limit applies here
        if (bytes.length == 0) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "request body is empty");
        }
        try {
            T value = mapper.readValue(bytes, type);
            if (value == null) {
                throw new ApiException(ProblemType.MALFORMED_JSON, "request body must be a JSON object");
            }
            return value;
        } catch (ValueInstantiationException e) {
            // A record's compact constructor refused a value: its message is written for API users.
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw ApiException.invalid(cause.getMessage() == null ? "invalid value" : cause.getMessage());
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.invalid("unknown field '" + e.getPropertyName() + "'");
        } catch (JsonProcessingException e) {
            throw new ApiException(ProblemType.MALFORMED_JSON, describe(e));
        } catch (IOException e) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "request body could not be read");
        }
    }

    private static String describe(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg == null) {
            return "invalid JSON";
        }
        // Keep it short and free of class names.
        msg = msg.replaceAll("`[a-zA-Z0-9_.$]+`", "value").replaceAll("\\s+", " ");
        if (e.getLocation() != null) {
            msg += " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        }
        return msg.length() > 300 ? msg.substring(0, 300) : msg;
    }
}
