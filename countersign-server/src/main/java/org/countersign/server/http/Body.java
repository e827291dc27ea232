package org.countersign.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.javalin.http.Context;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a JSON request body into a record, turning every kind of bad input into a typed 4xx. Only
 * {@code application/json} in UTF-8 is read (RFC 8259 §8.1); strings may not carry control characters other than
 * tab, line feed and carriage return, nor unpaired surrogates, so nothing the database or a log cannot hold gets
 * past the edge. Details name the field and the expected type in plain words, never a Java type.
 */
public final class Body {
    /** Context attribute: the body was read, so the connection stays reusable even after a refusal. */
    static final String READ = "cs.bodyRead";
    private final ObjectMapper mapper;

    public Body(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "\\s*application/json\\s*(;\\s*charset\\s*=\\s*(\"utf-8\"|utf-8)\\s*)?;?\\s*", Pattern.CASE_INSENSITIVE);

    /** Refuses anything but {@code application/json}, optionally with {@code charset=utf-8}: 415 otherwise. */
    public static void requireJson(String contentType) {
        if (contentType == null || !MEDIA_TYPE.matcher(contentType).matches()) {
            throw new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "send the body as application/json (optionally with charset=utf-8)");
        }
    }

    public <T> T read(Context ctx, Class<T> type) {
        requireJson(ctx.header("Content-Type"));
        byte[] bytes = ctx.bodyAsBytes(); // the configured size limit applies here
        ctx.attribute(READ, Boolean.TRUE);
        if (bytes.length == 0) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "request body is empty");
        }
        String text = utf8(bytes);
        try {
            screen(text);
            T value = mapper.readValue(text, type);
            if (value == null) {
                throw new ApiException(ProblemType.MALFORMED_JSON, "request body must be a JSON object");
            }
            return value;
        } catch (ValueInstantiationException e) {
            // A record's compact constructor refused a value. Our own checks (Validate) and the services'
            // IllegalArgumentExceptions are written for API users; anything else (a NullPointerException from a
            // missing field) is described by its field only.
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof IllegalArgumentException) {
                throw ApiException.invalid(safeDetail(cause.getMessage(), "a field has an invalid value"));
            }
            throw ApiException.invalid("a required field is missing or has an invalid value");
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.invalid("unknown field '" + plain(e.getPropertyName()) + "'");
        } catch (MismatchedInputException e) {
            String field = field(e);
            if (field.isEmpty()) {
                throw new ApiException(ProblemType.MALFORMED_JSON, "request body must be a JSON object");
            }
            throw ApiException.invalid(field + " must be " + expected(e.getTargetType()));
        } catch (JsonMappingException e) {
            String field = field(e);
            throw ApiException.invalid((field.isEmpty() ? "a field" : field) + " has an invalid value");
        } catch (InputCoercionException e) {
            String name = e.getProcessor() == null ? null : currentName(e.getProcessor());
            throw ApiException.invalid((name == null ? "a number" : plain(name)) + " is out of range");
        } catch (JsonProcessingException e) {
            throw new ApiException(ProblemType.MALFORMED_JSON, describe(e));
        } catch (IOException e) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "request body could not be read");
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "request body is not valid UTF-8");
        }
    }

    /** One streaming pass before binding: control characters and non-finite numbers, with the field's name. */
    private void screen(String text) throws IOException {
        try (JsonParser p = mapper.getFactory().createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME && !Validate.isCleanText(p.getText())) {
                    throw ApiException.invalid("a field name contains control characters or invalid Unicode");
                }
                if (t == JsonToken.VALUE_STRING && !Validate.isCleanText(p.getText())) {
                    throw ApiException.invalid(name(p) + " must not contain control characters or unpaired surrogates");
                }
                if (t == JsonToken.VALUE_NUMBER_FLOAT && !Double.isFinite(p.getDoubleValue())) {
                    throw ApiException.invalid(name(p) + " is out of range");
                }
            }
        }
    }

    private static String currentName(JsonParser p) {
        try {
            return p.currentName();
        } catch (IOException e) {
            return null;
        }
    }

    private static String name(JsonParser p) {
        String n = currentName(p);
        return n == null ? "a value" : plain(n);
    }

    /** The JSON path of the failing value, e.g. {@code allowedOrigins[0]}. */
    private static String field(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(plain(r.getFieldName()));
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** The JSON type a Java target expects, in the words of docs/api.md. */
    static String expected(Class<?> t) {
        if (t == null) {
            return "a valid value";
        }
        if (t == String.class || t == char.class || t == Character.class || CharSequence.class.isAssignableFrom(t)) {
            return "a string";
        }
        if (t == int.class || t == long.class || t == short.class || t == byte.class || t == Integer.class
                || t == Long.class || t == Short.class || t == Byte.class || t == BigInteger.class) {
            return "an integer";
        }
        if (t == double.class || t == float.class || t == Double.class || t == Float.class || t == BigDecimal.class
                || Number.class.isAssignableFrom(t)) {
            return "a number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (t == byte[].class) {
            return "a base64 string";
        }
        if (t.isArray() || Collection.class.isAssignableFrom(t)) {
            return "an array";
        }
        if (t.isEnum()) {
            return "one of the documented values";
        }
        if (Temporal.class.isAssignableFrom(t) || t.getName().startsWith("java.time.")) {
            return "an ISO-8601 time string";
        }
        if (Map.class.isAssignableFrom(t) || t.isRecord() || !t.getName().startsWith("java.")) {
            return "an object";
        }
        return "a valid value";
    }

    private static final Pattern INTERNALS = Pattern.compile(
            "(?:java|javax|jdk|sun|com|org|io|kotlin)\\.[A-Za-z_$][\\w$]*\\.|[A-Za-z]+(?:Exception|Error)\\b"
                    + "|because \"|Cannot invoke|\\$|`");

    /**
     * A message fit for a problem detail: written for users unless it names Java internals (a package, an exception
     * class, helpful-NullPointerException wording), in which case the fallback is used instead.
     */
    static String safeDetail(String message, String fallback) {
        if (message == null || message.isBlank() || INTERNALS.matcher(message).find()) {
            return fallback;
        }
        String m = message.replaceAll("\\s+", " ").strip();
        return m.length() > 300 ? m.substring(0, 300) : m;
    }

    /** Field names come from the client: keep them printable and short in a detail. */
    private static String plain(String s) {
        String c = s.codePoints().filter(cp -> !Character.isISOControl(cp))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return c.length() > 64 ? c.substring(0, 64) + "..." : c;
    }

    private static String describe(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg == null) {
            return "invalid JSON";
        }
        // Keep it short and free of class names.
        msg = msg.replaceAll("`[^`]*`", "value").replaceAll("\\(class [^)]*\\)", "")
                .replaceAll("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*){2,}", "value").replaceAll("\\s+", " ");
        int cut = msg.indexOf(" at [Source");
        if (cut > 0) {
            msg = msg.substring(0, cut);
        }
        if (e.getLocation() != null) {
            msg += " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        }
        msg = msg.length() > 300 ? msg.substring(0, 300) : msg;
        return safeDetail(msg, "invalid JSON" + (e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
    }
}
