package org.countersign.biometrics.liveness;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds action events in a capture's per-frame signals, each judged against the session's baseline (X.1279
 * App. III item 1). Positions index the frames that showed a face, in capture order.
 */
final class ActionDetector {
    private ActionDetector() {}

    /** One detected action: frames {@code start..end} (inclusive) and its largest change from the baseline. */
    record Event(Action action, int start, int end, double peak) {}

    /** Per-frame signals of the frames with a face, in order. */
    record Series(long[] millis, double[] yaw, double[] pitch, double[] eyesClosed, double[] eyeAspect,
            double[] mouthAspect) {
        int length() {
            return yaw.length;
        }
    }

    static List<Event> detect(Series s, Explanation.Baseline b, JudgePolicy.ActionRules rules) {
        List<Event> events = new ArrayList<>();
        events.addAll(blinks(s, b, rules));
        events.addAll(mouthOpenings(s, b, rules));
        events.addAll(nods(s, b, rules));
        events.addAll(shakes(s, b, rules));
        events.sort((x, y) -> Integer.compare(x.start(), y.start()));
        return events;
    }

    /**
     * A blink is a run of closed-eye frames after open ones. Closed means the eye-state model is confident, or the
     * eye aspect ratio fell well below this person's own open-eye value (it drops sharply within one person even
     * though it does not separate open from closed across people).
     */
    static List<Event> blinks(Series s, Explanation.Baseline b, JudgePolicy.ActionRules rules) {
        List<Event> out = new ArrayList<>();
        if (b.eyesClosed() >= rules.eyeClosedProbability()) {
            return out; // eyes closed at rest: no open baseline to blink from
        }
        boolean[] closed = new boolean[s.length()];
        for (int i = 0; i < closed.length; i++) {
            closed[i] = s.eyesClosed()[i] >= rules.eyeClosedProbability()
                    || s.eyeAspect()[i] <= rules.eyeAspectDrop() * b.eyeAspect();
        }
        for (int[] run : runs(closed)) {
            if (run[0] == 0) {
                continue; // closed from the very first frame: not a change from open
            }
            double peak = 0;
            for (int i = run[0]; i <= run[1]; i++) {
                peak = Math.max(peak, Math.max(s.eyesClosed()[i] - b.eyesClosed(),
                        1 - s.eyeAspect()[i] / b.eyeAspect()));
            }
            out.add(new Event(Action.BLINK, run[0], run[1], peak));
        }
        return out;
    }

    /**
     * An open mouth is a deliberate open-and-hold: a run of frames whose inner-lip aspect ratio rose by the
     * policy's margin and stayed there for at least the hold time. Speech opens the mouth for a syllable at a time
     * (100–200 ms), so talking alone never satisfies it; a user who talks and then opens and holds still passes.
     *
     * <p>The rise is measured from the mouth's closed state in this capture ({@link #closedMouth}), not from the
     * baseline stretch: that stretch is chosen for a still, frontal head with open eyes, and a user who smiles
     * with parted lips through it (the nod clip from frame 41: calmest stretch at frames 56–58, lips parted at
     * 0.15) would have to open twice as far as one who started with closed lips.
     */
    static List<Event> mouthOpenings(Series s, Explanation.Baseline b, JudgePolicy.ActionRules rules) {
        List<Event> out = new ArrayList<>();
        double closed = closedMouth(s, b);
        boolean[] open = new boolean[s.length()];
        for (int i = 0; i < open.length; i++) {
            open[i] = s.mouthAspect()[i] - closed >= rules.mouthRise();
        }
        for (int[] run : runs(open)) {
            if (run[0] == 0 || s.millis()[run[1]] - s.millis()[run[0]] < rules.mouthHoldMillis()) {
                continue;
            }
            double peak = 0;
            for (int i = run[0]; i <= run[1]; i++) {
                peak = Math.max(peak, s.mouthAspect()[i] - closed);
            }
            out.add(new Event(Action.OPEN_MOUTH, run[0], run[1], peak));
        }
        return out;
    }

    /**
     * The mouth's closed state in this capture: the smallest inner-lip aspect ratio of any face frame (never
     * above the baseline's). OPEN_MOUTH asks for a change from closed to open (X.1279 App. III item 1: an action
     * is a change the user makes on request), so the reference is where the lips were closest, wherever in the
     * capture that was. A frame whose landmarks put the lips too close only lowers the reference by that frame's
     * jitter; the rise and the hold time still have to come from real frames.
     */
    static double closedMouth(Series s, Explanation.Baseline b) {
        double closed = b.mouthAspect();
        for (double v : s.mouthAspect()) {
            closed = Math.min(closed, v);
        }
        return closed;
    }

    /**
     * A nod leaves the baseline pitch by the policy's excursion and comes back near it ("down and back"); a
     * pitch that drifts away and stays is posture, not a nod.
     */
    static List<Event> nods(Series s, Explanation.Baseline b, JudgePolicy.ActionRules rules) {
        List<Event> out = new ArrayList<>();
        double back = rules.returnFraction() * rules.nodPitch();
        int i = 1;
        while (i < s.length()) {
            if (Math.abs(s.pitch()[i] - b.pitch()) < rules.nodPitch()) {
                i++;
                continue;
            }
            int start = i;
            double peak = 0;
            int j = i;
            while (j < s.length() && Math.abs(s.pitch()[j] - b.pitch()) >= back) {
                peak = Math.max(peak, Math.abs(s.pitch()[j] - b.pitch()));
                j++;
            }
            if (j < s.length()) {
                out.add(new Event(Action.NOD, start, j, peak));
            }
            i = j + 1;
        }
        return out;
    }

    /**
     * A shake turns the head past the policy's yaw excursion to one side and later past it to the other side.
     * The event runs from the first turn's first frame to the first frame of the opposite turn.
     */
    static List<Event> shakes(Series s, Explanation.Baseline b, JudgePolicy.ActionRules rules) {
        List<Event> out = new ArrayList<>();
        double d = rules.shakeYaw();
        int i = 1;
        while (i < s.length()) {
            double dy = s.yaw()[i] - b.yaw();
            if (Math.abs(dy) < d) {
                i++;
                continue;
            }
            int start = i;
            double side = Math.signum(dy);
            double first = Math.abs(dy);
            int j = i + 1;
            int end = -1;
            double second = 0;
            while (j < s.length()) {
                double e = s.yaw()[j] - b.yaw();
                if (Math.signum(e) == side && Math.abs(e) >= d) {
                    first = Math.max(first, Math.abs(e));
                } else if (Math.signum(e) == -side && Math.abs(e) >= d) {
                    end = j;
                    second = Math.abs(e);
                    break;
                }
                j++;
            }
            if (end < 0) {
                break;
            }
            out.add(new Event(Action.SHAKE, start, end, Math.min(first, second)));
            i = end + 1;
        }
        return out;
    }

    /** Maximal runs of true values as {start, end} pairs (inclusive). */
    private static List<int[]> runs(boolean[] flags) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        while (i < flags.length) {
            if (!flags[i]) {
                i++;
                continue;
            }
            int j = i;
            while (j + 1 < flags.length && flags[j + 1]) {
                j++;
            }
            out.add(new int[] {i, j});
            i = j + 1;
        }
        return out;
    }
}
