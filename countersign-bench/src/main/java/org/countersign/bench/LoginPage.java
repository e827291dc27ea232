package org.countersign.bench;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough HTML reading for {@link KeycloakBrowserLoad} to do what a browser does with Keycloak's pages: find a
 * form by id, its action and the fields a plain submit sends, an element's text and attributes. Keycloak renders
 * well-formed, quoted markup, so tag-level regular expressions suffice; this is not a general HTML parser.
 */
final class LoginPage {
    /** A start tag, allowing {@code >} inside quoted attribute values. */
    private static final String TAG_BODY = "(?:[^>\"']|\"[^\"]*\"|'[^']*')*";
    private static final Pattern ATTRIBUTE =
            Pattern.compile("([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>/=`]+)))?");
    private static final Pattern INPUT = Pattern.compile("<input\\b(" + TAG_BODY + ")>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|amp|lt|gt|quot|apos);");

    private LoginPage() {}

    /** A form as a browser would submit it without a clicked button: its action and its successful controls. */
    record Form(String action, Map<String, String> fields) {
        /** {@code application/x-www-form-urlencoded} body of the fields, with {@code extra} set over them. */
        String body(Map<String, String> extra) {
            Map<String, String> all = new LinkedHashMap<>(fields);
            all.putAll(extra);
            StringJoiner out = new StringJoiner("&");
            all.forEach((k, v) -> out.add(enc(k) + "=" + enc(v)));
            return out.toString();
        }
    }

    /**
     * The form with {@code id}: its decoded action and the named inputs a {@code form.submit()} sends (text and
     * hidden inputs with their values; checkboxes and radios only when checked; no buttons or submit inputs).
     */
    static Optional<Form> form(String html, String id) {
        Optional<int[]> span = startTag(html, "form", id);
        if (span.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> formAttrs = attributes(html.substring(span.get()[0], span.get()[1]));
        int close = html.indexOf("</form", span.get()[1]);
        String inner = html.substring(span.get()[1], close < 0 ? html.length() : close);
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = INPUT.matcher(inner);
        while (m.find()) {
            Map<String, String> a = attributes(m.group(1));
            String name = a.get("name");
            String type = a.getOrDefault("type", "text").toLowerCase(java.util.Locale.ROOT);
            if (name == null || name.isEmpty() || a.containsKey("disabled")
                    || type.equals("submit") || type.equals("button") || type.equals("image") || type.equals("reset")
                    || type.equals("file")) {
                continue;
            }
            if ((type.equals("checkbox") || type.equals("radio")) && !a.containsKey("checked")) {
                continue;
            }
            fields.put(name, a.getOrDefault("value", type.equals("checkbox") || type.equals("radio") ? "on" : ""));
        }
        String action = formAttrs.get("action");
        return action == null ? Optional.empty() : Optional.of(new Form(action, fields));
    }

    /** An attribute of the element with {@code id} (any tag), entities decoded. */
    static Optional<String> attribute(String html, String id, String name) {
        return startTag(html, "[A-Za-z][A-Za-z0-9]*", id)
                .map(s -> attributes(html.substring(s[0], s[1])).get(name));
    }

    /** The text of the element with {@code id}, trimmed, entities decoded; assumes no nested element of its tag. */
    static Optional<String> text(String html, String id) {
        Matcher m = Pattern.compile("<([A-Za-z][A-Za-z0-9]*)\\b" + TAG_BODY + "\\bid\\s*=\\s*[\"']" + Pattern.quote(id)
                + "[\"']" + TAG_BODY + ">(.*?)</\\1\\s*>", Pattern.DOTALL).matcher(html);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(unescape(m.group(2).replaceAll("<[^>]*>", "")).trim());
    }

    /** The value of query parameter {@code name} in {@code uri} (decoded), e.g. {@code code} in a redirect. */
    static Optional<String> queryParameter(String uri, String name) {
        int q = uri.indexOf('?');
        if (q < 0) {
            return Optional.empty();
        }
        int hash = uri.indexOf('#', q);
        for (String kv : uri.substring(q + 1, hash < 0 ? uri.length() : hash).split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) {
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** Character references as HTML attribute values and text carry them ({@code &amp;} in every action URL). */
    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String r = switch (e) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> new String(Character.toChars(e.charAt(1) == 'x' || e.charAt(1) == 'X'
                        ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1))));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(r));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Start and end offsets of the first start tag named like {@code tagPattern} whose id is {@code id}. */
    private static Optional<int[]> startTag(String html, String tagPattern, String id) {
        Matcher m = Pattern.compile("<(?:" + tagPattern + ")\\b(" + TAG_BODY + ")>", Pattern.CASE_INSENSITIVE).matcher(html);
        while (m.find()) {
            if (id.equals(attributes(m.group(1)).get("id"))) {
                return Optional.of(new int[] {m.start(), m.end()});
            }
        }
        return Optional.empty();
    }

    /** Attributes of a start tag's inside (names lower-cased, values decoded; a bare name maps to ""). */
    private static Map<String, String> attributes(String tag) {
        // Skip the tag name itself when given a whole tag.
        String body = tag.startsWith("<") ? tag.replaceFirst("^<[A-Za-z][A-Za-z0-9]*", "") : tag;
        body = body.endsWith(">") ? body.substring(0, body.length() - 1) : body;
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(body);
        while (m.find()) {
            String v = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
            out.putIfAbsent(m.group(1).toLowerCase(java.util.Locale.ROOT), v == null ? "" : unescape(v));
        }
        return out;
    }
}
