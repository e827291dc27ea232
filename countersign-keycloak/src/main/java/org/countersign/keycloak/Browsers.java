package org.countersign.keycloak;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Browser name and version from the User-Agent header for the offset (X.1280 §8.3): the phone shows them so the
 * user can tell their own browser from a relaying server's. Checked in order, since Edge and Opera also claim
 * Chrome and Chrome also claims Safari.
 */
final class Browsers {
    private Browsers() {}

    record Browser(String name, String version) {}

    private record Rule(String name, Pattern pattern) {}

    private static final List<Rule> RULES = List.of(
            new Rule("Edge", Pattern.compile("Edg(?:e|A|iOS)?/(\\d+(?:\\.\\d+)?)")),
            new Rule("Opera", Pattern.compile("OPR/(\\d+(?:\\.\\d+)?)")),
            new Rule("Firefox", Pattern.compile("(?:Firefox|FxiOS)/(\\d+(?:\\.\\d+)?)")),
            new Rule("Chrome (headless)", Pattern.compile("HeadlessChrome/(\\d+(?:\\.\\d+)?)")),
            new Rule("Chromium", Pattern.compile("Chromium/(\\d+(?:\\.\\d+)?)")),
            new Rule("Chrome", Pattern.compile("(?:Chrome|CriOS)/(\\d+(?:\\.\\d+)?)")),
            new Rule("Safari", Pattern.compile("Version/(\\d+(?:\\.\\d+)?).*Safari/")));

    static Browser parse(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return new Browser("unknown", "unknown");
        }
        for (Rule r : RULES) {
            Matcher m = r.pattern().matcher(userAgent);
            if (m.find()) {
                return new Browser(r.name(), m.group(1));
            }
        }
        return new Browser("other", "unknown");
    }
}
