package org.countersign.biometrics.attack;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.IntFunction;
import org.countersign.biometrics.eval.Reports;
import org.countersign.biometrics.liveness.Action;

/**
 * Builds a liveness evaluation corpus (ISO/IEC 30107-3 style: bona fide presentations and attack presentations
 * grouped by attack instrument species) from real clips and stills, in the layout {@code countersign evaluate
 * liveness} reads: {@code bona-fide/<clip>/} and {@code attack/<species>/<clip>/}, each clip a folder of frames
 * {@code NNNN.png|jpg}, an {@code actions.txt} and an {@code fps.txt}.
 *
 * <p>The bona fide clips are cut from real recordings and carry the actions really performed in them. Each attack
 * species is what an attacker without a live subject can make from such material (X.1279 App. III lists recorded
 * media, stills and prints among the threats). Every random choice comes from one seed, so the same seed and the
 * same source files give the same corpus, byte for byte.
 *
 * <p>The source layout is the shared data set's: {@code liveness/clips/<clip>/NNNN.png} at 10 frames per second,
 * {@code liveness/photo-attack/*.png} and {@code faces/human-samples/stock-emotions-b-N.jpg}.
 */
public final class AttackKit {
    /** Frame rate of the source clips and of every generated clip. */
    public static final int FPS = 10;
    /** Clients send frames of 640 px or less (the server's capture limits). */
    static final int MAX_SIDE = 640;
    /** Still photographs are brought to the size of the clips' frames. */
    static final int STILL_SIDE = 360;

    public static final String BONA_FIDE = "bona-fide";
    public static final String ATTACK = "attack";

    /** The attack species this kit makes, in the order they are written. */
    public static final List<String> SPECIES = List.of("replay-reencoded", "looped-poses", "still-noise-flicker",
            "two-still-blink", "photo-motion", "spliced-identity");

    /** A clip in memory: encoded frames, the actions it claims and how it was made. */
    record Clip(String name, List<Action> actions, List<byte[]> frames, String recipe, List<String> sources) {
        Clip {
            actions = List.copyOf(actions);
            frames = List.copyOf(frames);
            sources = List.copyOf(sources);
        }
    }

    /** One clip of the corpus as the manifest lists it. */
    public record Entry(String kind, String species, String clip, List<Action> actions, int frames, int fps,
            String recipe, List<String> sources) {}

    /** What was built, written as {@code manifest.json} beside the corpus. */
    public record Manifest(long seed, int bonaFide, int attack, List<String> species, List<Entry> clips,
            List<String> notes) {}

    private final Path source;
    private final long seed;

    /**
     * @param source the data root holding {@code liveness/} and {@code faces/}
     * @param seed   the seed of every random choice
     */
    public AttackKit(Path source, long seed) {
        this.source = Objects.requireNonNull(source, "source");
        this.seed = seed;
    }

    /**
     * Builds the corpus into {@code out} (created if needed; existing clip folders of the same names are
     * overwritten) and writes {@code manifest.json} there.
     *
     * @throws IOException if a source file is missing or unreadable, or the output cannot be written
     */
    public Manifest build(Path out) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<Clip> bonaFide = bonaFide();
        for (Clip c : bonaFide) {
            write(out.resolve(BONA_FIDE).resolve(c.name()), c);
            entries.add(entry(BONA_FIDE, null, c));
        }
        int attacks = 0;
        for (String species : SPECIES) {
            List<Clip> clips = switch (species) {
                case "replay-reencoded" -> replays(bonaFide);
                case "looped-poses" -> loopedPoses();
                case "still-noise-flicker" -> stillsWithNoise();
                case "two-still-blink" -> twoStillBlinks();
                case "photo-motion" -> photoMotion();
                case "spliced-identity" -> splicedIdentity();
                default -> throw new IllegalStateException(species);
            };
            for (Clip c : clips) {
                write(out.resolve(ATTACK).resolve(species).resolve(c.name()), c);
                entries.add(entry(ATTACK, species, c));
                attacks++;
            }
        }
        Manifest manifest = new Manifest(seed, bonaFide.size(), attacks, SPECIES, entries, List.of(
                "bona fide clips are cut from real recordings with the actions really performed in them;"
                        + " clips of one recording never share a frame, so one replay store can serve the whole run",
                "stationary_male4_istock shows no deliberate action and the server never issues a challenge without"
                        + " one: it is used only as attack material (the owner in spliced-identity)",
                "talking_mouth_grid_bbaf2n is speech, not a deliberate open-and-hold: it is not bona fide for"
                        + " OPEN_MOUTH and is left out",
                "replay-reencoded clips replay bona fide clips the evaluation has already judged"));
        Files.createDirectories(out);
        Files.writeString(out.resolve("manifest.json"), Reports.toJson(manifest) + System.lineSeparator(),
                StandardCharsets.UTF_8);
        return manifest;
    }

    // --- bona fide ----------------------------------------------------------------------------------------------

    /**
     * Real recordings with their true actions. The blink subject blinks on his own (annotation.csv: at 0.45 s,
     * 1.75 s, 3.45 s and 4.65 s), so two disjoint stretches each hold a blink; the nod subject nods in the first
     * four seconds and then smiles with an open mouth for about two seconds.
     */
    List<Clip> bonaFide() throws IOException {
        List<Clip> out = new ArrayList<>();
        out.add(cut("blink_frontal_male1", 1, 20, List.of(Action.BLINK)));
        out.add(cut("blink_frontal_male1", 21, 50, List.of(Action.BLINK)));
        out.add(cut("nod_male2_istock", 1, 40, List.of(Action.NOD)));
        out.add(cut("nod_male2_istock", 41, 64, List.of(Action.OPEN_MOUTH)));
        return out;
    }

    private Clip cut(String clip, int from, int to, List<Action> actions) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            frames.add(Files.readAllBytes(clipFrame(clip, i)));
        }
        return new Clip(clip + "-" + from + "to" + to, actions, frames,
                "frames " + from + "–" + to + " of the real recording, unchanged",
                List.of("liveness/clips/" + clip));
    }

    // --- attack species -----------------------------------------------------------------------------------------

    /** Two re-encoded replays of every bona fide clip, each with its own seeded parameters. */
    List<Clip> replays(List<Clip> bonaFide) {
        List<Clip> out = new ArrayList<>();
        for (Clip c : bonaFide) {
            for (int v = 1; v <= 2; v++) {
                out.add(replay(c, c.name() + "-v" + v, random("replay/" + c.name() + "/" + v)).clip());
            }
        }
        return out;
    }

    /**
     * The same attacker's pipeline as the corpus's {@code replay-reencoded} species, applied to one capture
     * (encoded JPEG or PNG frames in order): for an end-to-end test that replays a user's earlier capture through
     * the server. The seed fixes crop, scale, gamma, JPEG quality and which frames are dropped or sent twice.
     */
    public static List<byte[]> reencodedReplay(List<byte[]> frames, long seed) {
        Clip src = new Clip("capture", List.of(), frames, "a capture", List.of());
        return replay(src, "replay", new Random(seed)).clip().frames();
    }

    /** A replay and what was done to it (for the manifest and for tests of the drop rule). */
    record Replay(Clip clip, int quality, double scale, double gamma, int dropped, int duplicated) {}

    /**
     * A recording replayed through an attacker's pipeline: cropped by up to 8 % per side, rescaled by 0.5–1.5,
     * tone-shifted by a gamma of 0.75–1.35 and re-encoded as JPEG at quality 30–90; about one frame in eight is
     * dropped and one in ten sent twice (never the first or last frame, so the clip keeps its span).
     */
    static Replay replay(Clip src, String name, Random r) {
        int quality = 30 + r.nextInt(61);
        double scale = 0.5 + r.nextDouble();
        double gamma = 0.75 + 0.6 * r.nextDouble();
        double[] crop = {0.08 * r.nextDouble(), 0.08 * r.nextDouble(), 0.08 * r.nextDouble(), 0.08 * r.nextDouble()};
        List<byte[]> frames = new ArrayList<>();
        int dropped = 0;
        int duplicated = 0;
        int n = src.frames().size();
        for (int i = 0; i < n; i++) {
            boolean inner = i > 0 && i < n - 1;
            if (inner && r.nextInt(8) == 0) {
                dropped++;
                continue;
            }
            BufferedImage img = ImageOps.read(src.frames().get(i));
            img = ImageOps.crop(img, crop[0], crop[1], crop[2], crop[3]);
            img = ImageOps.fitWithin(ImageOps.scale(img, scale), MAX_SIDE);
            img = ImageOps.gamma(img, gamma);
            byte[] jpeg = ImageOps.jpeg(img, quality);
            frames.add(jpeg);
            if (inner && r.nextInt(10) == 0) {
                frames.add(jpeg);
                duplicated++;
            }
        }
        String recipe = String.format(java.util.Locale.ROOT,
                "replay of bona fide %s: crop %.3f/%.3f/%.3f/%.3f, scale %.2f, gamma %.2f, JPEG q%d,"
                        + " %d frames dropped, %d sent twice",
                src.name(), crop[0], crop[1], crop[2], crop[3], scale, gamma, quality, dropped, duplicated);
        return new Replay(new Clip(name, src.actions(), frames, recipe, List.of("bona-fide/" + src.name())),
                quality, scale, gamma, dropped, duplicated);
    }

    /**
     * Four poses of one person, each sent 3–4 times in a row, looped to and fro: half or more of the consecutive
     * frames are byte-identical, yet the head visibly moves between poses.
     */
    List<Clip> loopedPoses() throws IOException {
        List<Clip> out = new ArrayList<>();
        List<BufferedImage> nod = new ArrayList<>();
        for (int i : new int[] {18, 22, 26, 30}) {
            nod.add(ImageOps.read(Files.readAllBytes(clipFrame("nod_male2_istock", i))));
        }
        out.add(looped("nod-poses-claim-NOD", nod, List.of(Action.NOD), random("looped/nod"),
                List.of("liveness/clips/nod_male2_istock frames 18, 22, 26, 30")));
        List<BufferedImage> turns = new ArrayList<>();
        for (int i : new int[] {7, 2, 8, 3}) {
            turns.add(still("faces/human-samples/stock-emotions-b-" + i + ".jpg"));
        }
        out.add(looped("head-turn-stills-claim-SHAKE", turns, List.of(Action.SHAKE), random("looped/turns"),
                List.of("faces/human-samples/stock-emotions-b-7, -2, -8, -3")));
        return out;
    }

    static Clip looped(String name, List<BufferedImage> poses, List<Action> claim, Random r, List<String> sources) {
        List<byte[]> encoded = poses.stream().map(p -> ImageOps.jpeg(p, 85)).toList();
        int[] order = {0, 1, 2, 3, 2, 1, 0, 1, 2, 3};
        List<byte[]> frames = new ArrayList<>();
        for (int k : order) {
            int repeats = 3 + r.nextInt(2);
            for (int j = 0; j < repeats; j++) {
                frames.add(encoded.get(k));
            }
        }
        return new Clip(name, claim, frames,
                "4 poses, each repeated 3–4 times, looped " + java.util.Arrays.toString(order), sources);
    }

    /** One still, every frame with ±1 grey-level noise and about 1 % brightness flicker. */
    List<Clip> stillsWithNoise() throws IOException {
        List<Clip> out = new ArrayList<>();
        out.add(noisyStill("blink-subject-claim-BLINK", photo("still_blink_subject_eyes_open.png"),
                List.of(Action.BLINK), random("still/blink"),
                "liveness/photo-attack/still_blink_subject_eyes_open.png"));
        out.add(noisyStill("nod-subject-claim-NOD", photo("still_nod_subject.png"), List.of(Action.NOD),
                random("still/nod"), "liveness/photo-attack/still_nod_subject.png"));
        out.add(noisyStill("stock-b7-claim-OPEN_MOUTH", still("faces/human-samples/stock-emotions-b-7.jpg"),
                List.of(Action.OPEN_MOUTH), random("still/b7"), "faces/human-samples/stock-emotions-b-7.jpg"));
        return out;
    }

    static Clip noisyStill(String name, BufferedImage still, List<Action> claim, Random r, String source) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            frames.add(ImageOps.png(ImageOps.noise(still, flicker(r), r)));
        }
        return new Clip(name, claim, frames, "one still, 30 frames, ±1 grey-level noise, ≈1 % brightness flicker",
                List.of(source));
    }

    /** An eyes-open still and an eyes-closed still of one person alternating, each frame with noise and flicker. */
    List<Clip> twoStillBlinks() throws IOException {
        List<Clip> out = new ArrayList<>();
        // Frame 55 (5.4 s) has the eyes open, frame 70 (6.9 s) is inside the long closure of annotation.csv.
        out.add(twoStills("blink-subject-55-70", clipImage("blink_frontal_male1", 55),
                clipImage("blink_frontal_male1", 70), new int[] {10, 2, 10, 2, 8}, random("two/55-70"),
                List.of("liveness/clips/blink_frontal_male1 frames 55 (open) and 70 (closed)")));
        out.add(twoStills("blink-subject-52-75", clipImage("blink_frontal_male1", 52),
                clipImage("blink_frontal_male1", 75), new int[] {6, 3, 12, 1, 10}, random("two/52-75"),
                List.of("liveness/clips/blink_frontal_male1 frames 52 (open) and 75 (closed)")));
        return out;
    }

    /** {@code runs} alternate open, closed, open, …: the number of frames of each still in turn. */
    static Clip twoStills(String name, BufferedImage open, BufferedImage closed, int[] runs, Random r,
            List<String> sources) {
        List<byte[]> frames = new ArrayList<>();
        for (int k = 0; k < runs.length; k++) {
            BufferedImage still = k % 2 == 0 ? open : closed;
            for (int j = 0; j < runs[k]; j++) {
                frames.add(ImageOps.png(ImageOps.noise(still, flicker(r), r)));
            }
        }
        return new Clip(name, List.of(Action.BLINK), frames,
                "eyes-open and eyes-closed stills alternating " + java.util.Arrays.toString(runs)
                        + ", ±1 grey-level noise, ≈1 % flicker", sources);
    }

    /** A printed photo moved by hand: shifts, small rotations and scale changes of one still (a plane). */
    List<Clip> photoMotion() throws IOException {
        List<Clip> out = new ArrayList<>();
        out.add(warped("nod-subject-claim-NOD", photo("still_nod_subject.png"), List.of(Action.NOD),
                i -> new double[] {2 * Math.sin(i / 4.0), 14 * Math.sin(i * Math.PI / 8), 2 * Math.sin(i / 5.0),
                    1 + 0.05 * Math.sin(i * Math.PI / 8)},
                random("photo/nod"), "liveness/photo-attack/still_nod_subject.png"));
        out.add(warped("blink-subject-claim-SHAKE", photo("still_blink_subject_eyes_open.png"),
                List.of(Action.SHAKE),
                i -> new double[] {16 * Math.sin(i * Math.PI / 9), 2 * Math.sin(i / 3.0), 4 * Math.sin(i * Math.PI / 9),
                    1 + 0.04 * Math.cos(i / 4.0)},
                random("photo/shake"), "liveness/photo-attack/still_blink_subject_eyes_open.png"));
        out.add(warped("stock-b7-claim-NOD", still("faces/human-samples/stock-emotions-b-7.jpg"), List.of(Action.NOD),
                i -> new double[] {0, 12 * Math.sin(i * Math.PI / 7), -3 * Math.sin(i * Math.PI / 7),
                    1 + 0.06 * Math.sin(i * Math.PI / 14)},
                random("photo/b7"), "faces/human-samples/stock-emotions-b-7.jpg"));
        return out;
    }

    /** {@code motion} gives frame i's (dx px, dy px, rotation °, scale). */
    static Clip warped(String name, BufferedImage still, List<Action> claim, IntFunction<double[]> motion, Random r,
            String source) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 36; i++) {
            double[] m = motion.apply(i);
            frames.add(ImageOps.jpeg(ImageOps.noise(ImageOps.affine(still, m[0], m[1], m[2], m[3]), flicker(r), r),
                    90));
        }
        return new Clip(name, claim, frames, "affine warps of one still (shift, rotation, scale), 36 frames, JPEG q90",
                List.of(source));
    }

    /**
     * The owner's face at the start and the end, where a judge that samples a few frames looks for identity, and
     * another person performing the requested action in between. Both recordings have the same framing.
     */
    List<Clip> splicedIdentity() throws IOException {
        List<Clip> out = new ArrayList<>();
        out.add(spliced("owner-stationary-other-nods-claim-NOD", "stationary_male4_istock", 1, 12, 13, 24,
                "nod_male2_istock", 17, 40, List.of(Action.NOD)));
        out.add(spliced("owner-stationary-other-opens-mouth-claim-OPEN_MOUTH", "stationary_male4_istock", 41, 52, 53,
                64, "nod_male2_istock", 41, 60, List.of(Action.OPEN_MOUTH)));
        return out;
    }

    private Clip spliced(String name, String owner, int a0, int a1, int b0, int b1, String other, int o0, int o1,
            List<Action> claim) throws IOException {
        List<BufferedImage> images = new ArrayList<>();
        for (int i = a0; i <= a1; i++) {
            images.add(clipImage(owner, i));
        }
        int w = images.get(0).getWidth();
        int h = images.get(0).getHeight();
        for (int i = o0; i <= o1; i++) {
            images.add(ImageOps.resize(clipImage(other, i), w, h));
        }
        for (int i = b0; i <= b1; i++) {
            images.add(clipImage(owner, i));
        }
        // One encoder for every frame, as an editing tool exporting the cut would.
        List<byte[]> frames = images.stream().map(img -> ImageOps.jpeg(img, 88)).toList();
        return new Clip(name, claim, frames,
                String.format(java.util.Locale.ROOT, "%s frames %d–%d, then %s frames %d–%d, then %s frames %d–%d;"
                        + " JPEG q88", owner, a0, a1, other, o0, o1, owner, b0, b1),
                List.of("liveness/clips/" + owner, "liveness/clips/" + other));
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** About 1 % brightness flicker: a factor in [0.99, 1.01]. */
    private static double flicker(Random r) {
        return 1 + 0.02 * (r.nextDouble() - 0.5);
    }

    /** A generator's own random stream: adding a species or a clip does not change the others. */
    private Random random(String key) {
        return new Random(seed * 31 + key.hashCode());
    }

    private Path clipFrame(String clip, int index) throws IOException {
        Path f = source.resolve("liveness/clips").resolve(clip).resolve(String.format("%04d.png", index));
        if (!Files.isRegularFile(f)) {
            throw new IOException("source frame missing: " + f);
        }
        return f;
    }

    private BufferedImage clipImage(String clip, int index) throws IOException {
        return ImageOps.read(Files.readAllBytes(clipFrame(clip, index)));
    }

    private BufferedImage photo(String file) throws IOException {
        return still("liveness/photo-attack/" + file);
    }

    private BufferedImage still(String relative) throws IOException {
        Path f = source.resolve(relative);
        if (!Files.isRegularFile(f)) {
            throw new IOException("source image missing: " + f);
        }
        return ImageOps.fitWithin(ImageOps.read(Files.readAllBytes(f)), STILL_SIDE);
    }

    private static Entry entry(String kind, String species, Clip c) {
        return new Entry(kind, species, c.name(), c.actions(), c.frames().size(), FPS, c.recipe(), c.sources());
    }

    /** Writes frames as {@code NNNN.png} or {@code NNNN.jpg} (by their bytes), {@code actions.txt}, {@code fps.txt}. */
    static void write(Path dir, Clip c) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var old = Files.list(dir)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        for (int i = 0; i < c.frames().size(); i++) {
            byte[] b = c.frames().get(i);
            String ext = (b[0] & 0xff) == 0x89 ? "png" : "jpg";
            Files.write(dir.resolve(String.format("%04d.%s", i + 1, ext)), b);
        }
        StringBuilder actions = new StringBuilder();
        c.actions().forEach(a -> actions.append(a.name()).append('\n'));
        Files.writeString(dir.resolve("actions.txt"), actions.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("fps.txt"), FPS + "\n", StandardCharsets.UTF_8);
    }
}
