package org.countersign.biometrics.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads evaluation data sets from folders.
 *
 * <ul>
 *   <li>Verification: one sub-folder per subject holding its images; or flat image files named
 *       {@code <subject>_<n>.<ext>} (the FVC naming, {@code 101_3.tif}).
 *   <li>Presentation attacks: every image below a folder named {@code bona-fide} or {@code attack}, at any depth.
 * </ul>
 * Files are sorted by name (numerically where the names are numbers) so that runs are reproducible.
 */
public final class Datasets {
    private static final Set<String> IMAGE_EXTENSIONS =
            Set.of("tif", "tiff", "png", "jpg", "jpeg", "bmp", "gif", "wbmp");
    private static final Pattern FLAT_NAME = Pattern.compile("(.+)_(\\d+)\\.[^.]+");

    private Datasets() {}

    /** Images of a verification data set, grouped by subject, in a stable order. */
    public static List<Sample> verification(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("not a folder: " + root);
        }
        List<Sample> samples = new ArrayList<>();
        List<Path> subfolders;
        try (Stream<Path> children = Files.list(root)) {
            subfolders = children.filter(Files::isDirectory).sorted(NATURAL).toList();
        }
        for (Path folder : subfolders) {
            for (Path image : images(folder, false)) {
                samples.add(new Sample(folder.getFileName().toString(), image));
            }
        }
        for (Path image : images(root, false)) {
            Matcher m = FLAT_NAME.matcher(image.getFileName().toString());
            if (m.matches()) {
                samples.add(new Sample(m.group(1), image));
            }
        }
        if (samples.isEmpty()) {
            throw new IOException("no images in " + root
                    + " (expected one folder per subject, or files named <subject>_<n>.<ext>)");
        }
        return List.copyOf(samples);
    }

    /** Bona fide and attack images below {@code root}. */
    public static PadDataset presentationAttacks(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("not a folder: " + root);
        }
        List<Path> bonaFide = new ArrayList<>();
        List<Path> attack = new ArrayList<>();
        List<Path> folders;
        try (Stream<Path> walk = Files.walk(root)) {
            folders = walk.filter(Files::isDirectory).sorted(NATURAL).toList();
        }
        for (Path folder : folders) {
            String name = folder.getFileName() == null ? "" : folder.getFileName().toString();
            if (name.equalsIgnoreCase("bona-fide")) {
                bonaFide.addAll(images(folder, true));
            } else if (name.equalsIgnoreCase("attack")) {
                attack.addAll(images(folder, true));
            }
        }
        if (bonaFide.isEmpty() || attack.isEmpty()) {
            throw new IOException("expected images under 'bona-fide' and 'attack' folders below " + root);
        }
        return new PadDataset(bonaFide, attack);
    }

    private static List<Path> images(Path folder, boolean recursive) throws IOException {
        try (Stream<Path> files = recursive ? Files.walk(folder) : Files.list(folder)) {
            return files.filter(Files::isRegularFile).filter(Datasets::isImage).sorted(NATURAL).toList();
        }
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Orders "s2" before "s10" and "101_2" before "101_10". */
    static final Comparator<Path> NATURAL = (a, b) -> compareNatural(a.toString(), b.toString());

    static int compareNatural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Images of a presentation-attack data set. */
    public record PadDataset(List<Path> bonaFide, List<Path> attack) {
        public PadDataset {
            bonaFide = List.copyOf(bonaFide);
            attack = List.copyOf(attack);
        }
    }
}
