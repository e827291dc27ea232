package org.countersign.samplebank;

/** Tiny HTML helpers: every value from a user or the verifier goes through {@link #esc}. */
final class Html {
    private Html() {}

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A whole page; scripts only from /static (the CSP forbids inline ones). */
    static String page(String title, String userId, String csrf, String body, String... scripts) {
        StringBuilder s = new StringBuilder(4096);
        s.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append(" · Sample Bank</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/static/bank.css\">\n");
        for (String script : scripts) {
            s.append("<script src=\"/static/").append(esc(script)).append("\" defer></script>\n");
        }
        s.append("</head>\n<body>\n<header class=\"bar\"><a class=\"brand\" href=\"/\">Sample Bank</a>");
        if (userId != null) {
            s.append("<span class=\"who\">Signed in as <strong>").append(esc(userId)).append("</strong></span>")
                    .append("<form method=\"post\" action=\"/logout\" class=\"inline\">").append(csrfField(csrf))
                    .append("<button type=\"submit\">Sign out</button></form>");
        }
        s.append("</header>\n<main id=\"main\">\n<h1>").append(esc(title)).append("</h1>\n").append(body)
                .append("\n</main>\n<footer><p>A demonstration relying party for Countersign (ITU-T X.1280). "
                        + "Not a real bank.</p></footer>\n</body>\n</html>\n");
        return s.toString();
    }

    static String csrfField(String csrf) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">";
    }

    static String alert(String kind, String text) {
        return "<p class=\"" + kind + "\" role=\"alert\">" + esc(text) + "</p>";
    }
}
