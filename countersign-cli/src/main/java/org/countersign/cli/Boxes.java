package org.countersign.cli;

import java.io.PrintStream;
import java.util.List;

/** A framed block for the one thing a reader must not miss, such as a secret shown once. Plain ASCII. */
final class Boxes {
    private Boxes() {}

    static void print(PrintStream out, List<String> lines) {
        int width = lines.stream().mapToInt(String::length).max().orElse(0);
        String rule = "+" + "-".repeat(width + 2) + "+";
        out.println(rule);
        for (String l : lines) {
            out.println("| " + l + " ".repeat(width - l.length()) + " |");
        }
        out.println(rule);
        out.flush();
    }

    /** The admin API key framed with what to do with it (A-G1: only its hash is stored, so it is shown once). */
    static void adminKey(PrintStream out, String token, String how) {
        out.println();
        Boxes.print(out, List.of(
                "Admin API key (" + how + "; shown only now, only its hash is stored):",
                "",
                "  " + token,
                "",
                "Keep it in a password manager. Use it as 'Authorization: Bearer <key>'.",
                "Lost it? Run: countersign admin new-key"));
    }
}
