package org.countersign.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How the executable talks when it is used wrongly or asked for help. Picocli wraps help text at any line-break
 * opportunity, which splits "X.1280" after its dot and paths after a dot or slash; here picocli renders each section
 * unwrapped and {@link #reflow} wraps it again at spaces only, keeping each column's hanging indent.
 */
final class HelpLayout {
    /** The width help is wrapped to: a terminal's usual 80 columns. */
    static final int WIDTH = 80;
    static final int EXIT_USAGE = 2;

    private static final int UNWRAPPED = 1000;
    /** A row of a two-column table: the name column, at least two spaces, then the text. */
    private static final Pattern ROW = Pattern.compile("^( +\\S.*?\\S? {2,})(\\S.*)$");

    private HelpLayout() {}

    /** Applies the layout and the error handling to {@code root} and every command below it. */
    static void install(CommandLine root) {
        root.setUsageHelpWidth(UNWRAPPED);
        root.setUsageHelpLongOptionsMaxWidth(40);
        apply(root);
        root.setParameterExceptionHandler(HelpLayout::usageError);
    }

    private static void apply(CommandLine cl) {
        Map<String, CommandLine.IHelpSectionRenderer> sections = cl.getHelpSectionMap();
        for (String key : List.copyOf(sections.keySet())) {
            CommandLine.IHelpSectionRenderer plain = sections.get(key);
            sections.put(key, help -> reflow(plain.render(help), WIDTH));
        }
        cl.setHelpSectionMap(sections);
        cl.getSubcommands().values().forEach(HelpLayout::apply);
    }

    /**
     * Wraps each line longer than {@code width} at spaces only. Continuation lines start under the text column of a
     * table row, under the first argument of a synopsis, or at the line's own indent otherwise. A word longer than
     * the room left stays whole.
     */
    static String reflow(String text, int width) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].stripTrailing();
            if (line.length() <= width) {
                // A section may end in a space that joins it to the next one ("Usage: " before the synopsis).
                out.append(i == lines.length - 1 ? lines[i] : line);
            } else {
                wrap(out, line, hangingIndent(line), width);
            }
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static int hangingIndent(String line) {
        if (line.startsWith("Usage: ")) {
            int first = line.indexOf(" [");
            int arg = line.indexOf(" <");
            int at = first < 0 ? arg : arg < 0 ? first : Math.min(first, arg);
            return at < 0 ? 7 : at + 1;
        }
        Matcher m = ROW.matcher(line);
        if (m.matches()) {
            return m.start(2) + 2;
        }
        int lead = 0;
        while (lead < line.length() && line.charAt(lead) == ' ') {
            lead++;
        }
        return lead;
    }

    private static void wrap(StringBuilder out, String line, int indent, int width) {
        int lead = 0;
        while (lead < line.length() && line.charAt(lead) == ' ') {
            lead++;
        }
        String hang = " ".repeat(Math.min(indent, width / 2));
        StringBuilder current = new StringBuilder(line.substring(0, lead));
        boolean fresh = true;
        // Split on single spaces: a run of spaces between table columns becomes empty words and is kept.
        for (String w : line.substring(lead).split(" ", -1)) {
            if (!fresh && current.length() + 1 + w.length() > width) {
                out.append(current.toString().stripTrailing()).append('\n');
                current = new StringBuilder(hang);
                fresh = true;
                if (w.isEmpty()) {
                    continue;
                }
            }
            if (!fresh) {
                current.append(' ');
            }
            current.append(w);
            fresh = false;
        }
        out.append(current.toString().stripTrailing());
    }

    /**
     * A mistyped command line: the short usage first, then the error as the last line, where the eye lands, with
     * the closest option or command when there is one.
     */
    static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(shortUsage(cl.getCommandSpec()));
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            boolean option = first.startsWith("-");
            List<String> known = new ArrayList<>();
            if (option) {
                cl.getCommandSpec().options().forEach(o -> known.addAll(List.of(o.names())));
            } else {
                known.addAll(cl.getSubcommands().keySet());
            }
            message = "unknown " + (option ? "option" : "command") + " '" + first + "'"
                    + closest(first, known).map(c -> "; did you mean " + c + "?").orElse("");
        }
        err.println("countersign: " + message);
        err.flush();
        return EXIT_USAGE;
    }

    /** The known name nearest to what was typed, when it is near enough to be a typo (at most two edits). */
    static Optional<String> closest(String typed, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = editDistance(typed, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= 2 ? Optional.of(best) : Optional.empty();
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost one. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** One synopsis line and where to read more. */
    static String shortUsage(CommandSpec spec) {
        Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
        return reflow("Usage: " + help.abbreviatedSynopsis().stripTrailing(), WIDTH) + "\n"
                + "Run '" + spec.qualifiedName() + " --help' for all options.";
    }
}
