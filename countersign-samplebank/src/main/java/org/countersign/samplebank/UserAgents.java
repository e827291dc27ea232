package org.countersign.samplebank;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Browser name and version from a User-Agent header, for the offset's browser fields (X.1280 §8.3). The user
 * compares what the phone shows with the browser in front of them; a relaying phishing server shows its own
 * browser instead. Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
 */
public final class UserAgents {
    private UserAgents() {}

    public record Browser(String name, String version) {}

    private record Rule(String name, Pattern pattern) {}

    private static final List<Rule> RULES = List.of(
            new Rule("Edge", Pattern.compile("Edg(?:e|A|iOS)?/(\\d+(?:\\.\\d+)?)")),
            new Rule("Opera", Pattern.compile("OPR/(\\d+(?:\\.\\d+)?)")),
            new Rule("Firefox", Pattern.compile("(?:Firefox|FxiOS)/(\\d+(?:\\.\\d+)?)")),
            new Rule("Chrome (headless)", Pattern.compile("HeadlessChrome/(\\d+(?:\\.\\d+)?)")),
            new Rule("Chromium", Pattern.compile("Chromium/(\\d+(?:\\.\\d+)?)")),
            new Rule("Chrome", Pattern.compile("(?:Chrome|CriOS)/(\\d+(?:\\.\\d+)?)")),
            new Rule("Safari", Pattern.compile("Version/(\\d+(?:\\.\\d+)?).*Safari/")),
            new Rule("curl", Pattern.compile("^curl/(\\d+(?:\\.\\d+)?)")));

    public static Browser parse(String userAgent) {
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
