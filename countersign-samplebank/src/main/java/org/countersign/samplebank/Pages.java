package org.countersign.samplebank;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the bank's pages from the templates compiled into the jar at build time (jte-maven-plugin), so no
 * template compiler runs in production. Pages load scripts only from {@code /static}: the CSP forbids inline ones.
 */
final class Pages {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /**
     * @param template file name under {@code src/main/jte}, e.g. {@code login.jte}
     * @param page     the page's values, or {@code null} for a template that has none
     */
    String render(String template, Views.Frame frame, Object page) {
        Map<String, Object> params = new HashMap<>();
        params.put("frame", frame);
        if (page != null) {
            params.put("page", page);
        }
        StringOutput out = new StringOutput(8192);
        engine.render(template, params, out);
        return out.toString();
    }

    /** A page that says one thing: an error or outcome, and a link on. */
    String message(String title, String userId, String csrf, String kind, String text, String linkHref,
            String linkText) {
        return render("message.jte", new Views.Frame(title, userId, csrf, List.of()),
                new Views.Message(kind, text, linkHref, linkText));
    }
}
