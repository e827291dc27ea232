package org.countersign.biometrics.liveness;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A compact, non-reversible trace of how a face moved during one capture, kept to recognise the same recording
 * when it is submitted again after re-encoding (X.1279 App. III item 4). Per face frame it holds the capture time
 * and four quantised geometry ratios — yaw proxy, pitch proxy, eye aspect relative to the capture's own median, and
 * inner-lip mouth aspect — each centred on the capture's median. Ratios of landmark distances survive JPEG
 * recompression, rescaling, cropping and gamma; they carry no texture and too little shape to rebuild or recognise
 * a face (four numbers per frame, no identity).
 *
 * <p>Values are stored in thousandths ({@value #SCALE} per unit) as 16-bit integers: 12 bytes per frame.
 */
public final class MotionSignature {
    /** Quantisation: units per 1.0 of each ratio. */
    public static final int SCALE = 1000;
    /** Channels per frame: yaw, pitch, relative eye aspect, mouth aspect. */
    public static final int CHANNELS = 4;
    private static final byte VERSION = 1;

    private final int[] millis;
    private final short[] values; // frame-major, CHANNELS per frame

    private MotionSignature(int[] millis, short[] values) {
        this.millis = millis;
        this.values = values;
    }

    /**
     * Builds a signature from per-frame ratios (all arrays of one length, in capture order).
     *
     * @param millis    capture time of each face frame
     * @param yaw       yaw proxy
     * @param pitch     pitch proxy
     * @param eyeAspect mean eye aspect ratio (made relative to its own median here)
     * @param mouth     inner-lip mouth aspect ratio
     */
    public static MotionSignature of(long[] millis, double[] yaw, double[] pitch, double[] eyeAspect,
            double[] mouth) {
        int n = millis.length;
        if (yaw.length != n || pitch.length != n || eyeAspect.length != n || mouth.length != n) {
            throw new IllegalArgumentException("series of different lengths");
        }
        double eyeMedian = Math.max(median(eyeAspect), 1e-6);
        double[] eye = new double[n];
        for (int i = 0; i < n; i++) {
            eye[i] = eyeAspect[i] / eyeMedian;
        }
        // A 3-frame median first: landmark jitter of one frame is noise that recompression changes.
        double[][] ch = {centred(median3(yaw)), centred(median3(pitch)), centred(median3(eye)),
            centred(median3(mouth))};
        short[] values = new short[n * CHANNELS];
        int[] ms = new int[n];
        for (int i = 0; i < n; i++) {
            ms[i] = (int) Math.min(Integer.MAX_VALUE, Math.max(0, millis[i]));
            for (int c = 0; c < CHANNELS; c++) {
                double q = Math.rint(ch[c][i] * SCALE);
                values[i * CHANNELS + c] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, q));
            }
        }
        return new MotionSignature(ms, values);
    }

    /** Number of frames traced. */
    public int length() {
        return millis.length;
    }

    /** Channel {@code c} of frame {@code i}, in ratio units. */
    public double value(int i, int c) {
        return values[i * CHANNELS + c] / (double) SCALE;
    }

    public long millis(int i) {
        return millis[i];
    }

    /** The bytes a store keeps: version, frame count, then per frame the time and four values. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(5 + millis.length * (4 + 2 * CHANNELS));
        b.put(VERSION).putInt(millis.length);
        for (int i = 0; i < millis.length; i++) {
            b.putInt(millis[i]);
            for (int c = 0; c < CHANNELS; c++) {
                b.putShort(values[i * CHANNELS + c]);
            }
        }
        return b.array();
    }

    /** Reads {@link #encode()}'s bytes; {@link IllegalArgumentException} for anything else. */
    public static MotionSignature decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < 5 || bytes[0] != VERSION) {
            throw new IllegalArgumentException("not a motion signature");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.get();
        int n = b.getInt();
        if (n < 0 || bytes.length != 5 + (long) n * (4 + 2 * CHANNELS)) {
            throw new IllegalArgumentException("motion signature of the wrong length");
        }
        int[] ms = new int[n];
        short[] values = new short[n * CHANNELS];
        for (int i = 0; i < n; i++) {
            ms[i] = b.getInt();
            for (int c = 0; c < CHANNELS; c++) {
                values[i * CHANNELS + c] = b.getShort();
            }
        }
        return new MotionSignature(ms, values);
    }

    /**
     * How closely this capture retraces {@code other}: the mean per-frame distance of the best time-warped
     * alignment of the shorter trace inside the longer one (open begin and end, so a replay cut at either end still
     * aligns), divided by how much the quieter of the two traces moves. A recording replayed after re-encoding, frame drops
     * or duplicates gives a small value; a live person repeating an action follows a different path and noise.
     *
     * @return the comparison, or an empty result when the aligned stretch moves too little to tell a replay from a
     *         person holding still (that case is the still check's)
     */
    public Similarity compare(MotionSignature other, int minFrames) {
        MotionSignature a = length() <= other.length() ? this : other; // shorter, aligned whole
        MotionSignature b = a == this ? other : this;
        int n = a.length();
        int m = b.length();
        if (n < minFrames) {
            return new Similarity(Double.POSITIVE_INFINITY, 0, 0);
        }
        // Subsequence DTW: a fully, b from any start to any end. Local slopes between 1:2 and 2:1 only (steps
        // (1,1), (1,2), (2,1)): a dropped or duplicated frame costs nothing, but a live repeat cannot be stretched
        // freely onto an earlier one.
        double inf = Double.POSITIVE_INFINITY;
        double[][] cost = new double[n][m];
        int[][] steps = new int[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double d = distance(a, i, b, j);
                if (i == 0) {
                    cost[i][j] = d;
                    steps[i][j] = 1;
                    continue;
                }
                double best = inf;
                int st = 0;
                if (j > 0 && cost[i - 1][j - 1] < best) {
                    best = cost[i - 1][j - 1];
                    st = steps[i - 1][j - 1];
                }
                if (j > 1 && cost[i - 1][j - 2] < best) {
                    best = cost[i - 1][j - 2];
                    st = steps[i - 1][j - 2];
                }
                if (i > 1 && j > 0 && cost[i - 2][j - 1] < best) {
                    best = cost[i - 2][j - 1];
                    st = steps[i - 2][j - 1];
                }
                cost[i][j] = best + d;
                steps[i][j] = st + 1;
            }
        }
        double bestMean = inf;
        for (int j = 0; j < m; j++) {
            if (cost[n - 1][j] < inf) {
                bestMean = Math.min(bestMean, cost[n - 1][j] / steps[n - 1][j]);
            }
        }
        // Normalised by the quieter trace's motion: a replay moves as much as its original, while a live repeat
        // that happens to align with a calmer earlier capture must not look close because the other moved more.
        double motion = Math.min(a.spread(), b.spread());
        return new Similarity(bestMean, motion, motion <= 0 ? Double.POSITIVE_INFINITY : bestMean / motion);
    }

    /**
     * @param meanDistance mean L1 distance per aligned frame pair (ratio units, over four channels)
     * @param motion       the smaller of the two traces' mean absolute deviation from their medians
     * @param ratio        {@code meanDistance / motion}: small for a replay
     */
    public record Similarity(double meanDistance, double motion, double ratio) {}

    /** Mean over frames of the L1 distance from the centre (the traces are median-centred). */
    double spread() {
        double s = 0;
        for (short v : values) {
            s += Math.abs(v);
        }
        return values.length == 0 ? 0 : s / SCALE / length();
    }

    private static double distance(MotionSignature a, int i, MotionSignature b, int j) {
        double d = 0;
        for (int c = 0; c < CHANNELS; c++) {
            d += Math.abs(a.values[i * CHANNELS + c] - b.values[j * CHANNELS + c]);
        }
        return d / SCALE;
    }

    private static double[] median3(double[] v) {
        double[] out = v.clone();
        for (int i = 1; i + 1 < v.length; i++) {
            out[i] = Math.max(Math.min(v[i - 1], v[i]), Math.min(Math.max(v[i - 1], v[i]), v[i + 1]));
        }
        return out;
    }

    private static double[] centred(double[] v) {
        double med = median(v);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] - med;
        }
        return out;
    }

    private static double median(double[] v) {
        if (v.length == 0) {
            return 0;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
