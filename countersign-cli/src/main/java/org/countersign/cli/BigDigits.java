package org.countersign.cli;

import java.util.ArrayList;
import java.util.List;

/** Digits five lines tall, so the code can be compared from across a desk (X.1280 §8.3: easy to read). */
final class BigDigits {
    private static final String[][] FONT = {
        {"###", "# #", "# #", "# #", "###"}, {" # ", "## ", " # ", " # ", "###"}, {"###", "  #", "###", "#  ", "###"},
        {"###", "  #", "###", "  #", "###"}, {"# #", "# #", "###", "  #", "  #"}, {"###", "#  ", "###", "  #", "###"},
        {"###", "#  ", "###", "# #", "###"}, {"###", "  #", "  #", "  #", "  #"}, {"###", "# #", "###", "# #", "###"},
        {"###", "# #", "###", "  #", "###"},
    };

    private BigDigits() {}

    static List<String> render(String digits) {
        List<String> lines = new ArrayList<>();
        for (int row = 0; row < 5; row++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < digits.length(); i++) {
                if (i > 0) {
                    sb.append((digits.length() - i) % 3 == 0 ? "    " : "  ");
                }
                sb.append(FONT[digits.charAt(i) - '0'][row]);
            }
            lines.add(sb.toString().stripTrailing());
        }
        return lines;
    }
}
