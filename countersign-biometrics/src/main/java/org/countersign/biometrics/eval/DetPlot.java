package org.countersign.biometrics.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/**
 * Draws a detection error trade-off (DET) plot: one error rate against the other, both on log-10 axes, one
 * staircase per series. Rates of exactly zero cannot be shown on a log axis; they are drawn on the lowest
 * decade, which the axis labels as "≤" that value. Each curve's equal-error operating point is marked, and a note
 * gives the sample counts, so a perfect result (a curve that runs along both axes) does not read as an empty box.
 */
public final class DetPlot {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 24;
    private static final int TOP = 48;
    private static final int BOTTOM = 64;

    /** One curve: (x, y) error-rate pairs and a legend label. */
    public record Series(String label, List<double[]> points) {
        public Series {
            Objects.requireNonNull(label, "label");
            points = List.copyOf(points);
        }

        /** The FMR/FNMR staircase of {@code curve}. */
        public static Series of(String label, ErrorRateCurve curve) {
            List<double[]> pts = new ArrayList<>();
            for (OperatingPoint p : curve.points()) {
                pts.add(new double[] {p.fmr(), p.fnmr()});
            }
            return new Series(label, pts);
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final int minDecade;
    private final String note;

    /**
     * @param minDecade lowest decade shown, e.g. -4 for 10^-4; choose it from the number of comparisons (a rate
     *     below 1/n cannot be observed)
     */
    public DetPlot(String title, String xLabel, String yLabel, int minDecade) {
        this(title, xLabel, yLabel, minDecade, "");
    }

    private DetPlot(String title, String xLabel, String yLabel, int minDecade, String note) {
        if (minDecade > -1 || minDecade < -9) {
            throw new IllegalArgumentException("minDecade must be within -9..-1");
        }
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.minDecade = minDecade;
        this.note = Objects.requireNonNull(note, "note");
    }

    /** The same plot with a line under the title, for the sample counts the rates rest on. */
    public DetPlot withNote(String text) {
        return new DetPlot(title, xLabel, yLabel, minDecade, text);
    }

    /** The decade just below {@code 1/count}, at least 10^-1 and at most 10^-6 deep. */
    public static int decadeFor(int count) {
        int d = (int) Math.floor(Math.log10(1.0 / Math.max(1, count)));
        return Math.max(-6, Math.min(-1, d));
    }

    public static DetPlot forVerification(String title, int impostorCount, int genuineCount) {
        return new DetPlot(title, "False match rate (FMR)", "False non-match rate (FNMR)",
                decadeFor(Math.max(impostorCount, genuineCount)))
                .withNote(genuineCount + " genuine and " + impostorCount + " impostor comparisons");
    }

    public ByteArray renderPng(List<Series> series) {
        return Charts.png(WIDTH, HEIGHT, g -> draw(g, series));
    }

    private void draw(Graphics2D g, List<Series> series) {
        Charts.background(g, WIDTH, HEIGHT);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        Font small = Charts.SMALL;

        // Grid and tick labels per decade (and the 2 and 5 multiples as light lines).
        g.setFont(small);
        FontMetrics fm = g.getFontMetrics();
        for (int d = minDecade; d <= 0; d++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, d);
                if (v > 1.0 || (d == 0 && m > 1)) {
                    continue;
                }
                int x = xPixel(v, plotW);
                int y = yPixel(v, plotH);
                g.setColor(m == 1 ? new Color(0xcccccc) : new Color(0xeeeeee));
                g.drawLine(x, TOP, x, TOP + plotH);
                g.drawLine(LEFT, y, LEFT + plotW, y);
                if (m == 1) {
                    String text = tickText(d);
                    g.setColor(Color.DARK_GRAY);
                    g.drawString(text, x - fm.stringWidth(text) / 2, TOP + plotH + fm.getAscent() + 6);
                    g.drawString(text, LEFT - fm.stringWidth(text) - 6, y + fm.getAscent() / 2 - 1);
                }
            }
        }
        // Equal-error diagonal.
        g.setColor(new Color(0x999999));
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
        g.drawLine(xPixel(floor(), plotW), yPixel(floor(), plotH), xPixel(1, plotW), yPixel(1, plotH));

        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(LEFT, TOP, plotW, plotH);

        g.setStroke(new BasicStroke(2f));
        for (int s = 0; s < series.size(); s++) {
            g.setColor(Charts.color(s));
            Path2D path = new Path2D.Double();
            boolean first = true;
            for (double[] p : series.get(s).points()) {
                double x = xPixel(p[0], plotW);
                double y = yPixel(p[1], plotH);
                if (first) {
                    path.moveTo(x, y);
                    first = false;
                } else {
                    path.lineTo(x, y);
                }
            }
            g.draw(path);
        }

        // The equal-error operating point of each curve: the point whose larger error is smallest.
        for (int s = 0; s < series.size(); s++) {
            double[] eer = equalErrorPoint(series.get(s).points());
            if (eer == null) {
                continue;
            }
            int x = xPixel(eer[0], plotW);
            int y = yPixel(eer[1], plotH);
            g.setColor(Charts.color(s));
            g.fillOval(x - 6, y - 6, 12, 12);
            double rate = Math.max(eer[0], eer[1]);
            String text = rate == 0 ? "EER 0%: no error at the best threshold"
                    : String.format(Locale.ROOT, "EER \u2248 %.2f%%", 100 * rate);
            g.setColor(Color.BLACK);
            g.setFont(small);
            int tx = Math.min(x + 10, LEFT + plotW - fm.stringWidth(text) - 4);
            int ty = Math.max(y - 10, TOP + fm.getAscent() + 2);
            g.drawString(text, tx, ty);
        }
        if (!note.isEmpty()) {
            g.setColor(Color.DARK_GRAY);
            g.setFont(small);
            g.drawString(note, (WIDTH - fm.stringWidth(note)) / 2, TOP - 4);
        }

        // Legend, top right inside the plot.
        g.setFont(small);
        int ly = TOP + 18;
        for (int s = 0; s < series.size(); s++) {
            String text = series.get(s).label();
            int lx = LEFT + plotW - fm.stringWidth(text) - 40;
            g.setColor(Color.WHITE);
            g.fillRect(lx - 4, ly - fm.getAscent(), fm.stringWidth(text) + 40, fm.getHeight());
            g.setColor(Charts.color(s));
            g.fillRect(lx, ly - fm.getAscent() / 2 - 1, 24, 3);
            g.setColor(Color.BLACK);
            g.drawString(text, lx + 30, ly);
            ly += fm.getHeight() + 2;
        }

        Charts.titleAndAxes(g, WIDTH, HEIGHT, LEFT, TOP, plotW, plotH, title, xLabel, yLabel);
    }

    /** The point minimising max(x, y), or null when there are no points. */
    static double[] equalErrorPoint(List<double[]> points) {
        double[] best = null;
        for (double[] p : points) {
            if (best == null || Math.max(p[0], p[1]) < Math.max(best[0], best[1])) {
                best = p;
            }
        }
        return best;
    }

    private double floor() {
        return Math.pow(10, minDecade);
    }

    private String tickText(int decade) {
        String text = switch (decade) {
            case 0 -> "100%";
            case -1 -> "10%";
            case -2 -> "1%";
            case -3 -> "0.1%";
            case -4 -> "0.01%";
            default -> "1e" + decade;
        };
        return decade == minDecade ? "\u2264" + text : text;
    }

    private int xPixel(double rate, int plotW) {
        return LEFT + (int) Math.round(position(rate) * plotW);
    }

    private int yPixel(double rate, int plotH) {
        return TOP + plotH - (int) Math.round(position(rate) * plotH);
    }

    /** 0 at the lowest decade, 1 at a rate of 1, log-linear in between. */
    private double position(double rate) {
        double clipped = Math.max(rate, floor());
        return (Math.log10(Math.min(clipped, 1.0)) - minDecade) / (-minDecade);
    }
}
