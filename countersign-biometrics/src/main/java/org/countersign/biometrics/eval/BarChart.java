package org.countersign.biometrics.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/**
 * A horizontal bar chart of error rates (0 to 100 %), one bar per row, each labelled with its rate and the counts
 * it rests on (a rate of 0 over 3 samples says little, and the chart should show that).
 */
public final class BarChart {
    private static final int WIDTH = 760;
    private static final int LEFT = 230;
    private static final int RIGHT = 130;
    private static final int TOP = 56;
    private static final int BOTTOM = 60;
    private static final int ROW = 34;

    /**
     * @param label  the row's name
     * @param rate   the error rate in [0, 1] (NaN is drawn as "n/a")
     * @param counts the counts behind it, e.g. {@code "2/12"}
     * @param colour index of the palette colour
     */
    public record Bar(String label, double rate, String counts, int colour) {
        public Bar {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(counts, "counts");
        }
    }

    private final String title;
    private final String xLabel;

    public BarChart(String title, String xLabel) {
        this.title = Objects.requireNonNull(title, "title");
        this.xLabel = Objects.requireNonNull(xLabel, "xLabel");
    }

    public ByteArray renderPng(List<Bar> bars) {
        int height = TOP + BOTTOM + ROW * Math.max(1, bars.size());
        return Charts.png(WIDTH, height, g -> draw(g, bars, height));
    }

    private void draw(Graphics2D g, List<Bar> bars, int height) {
        Charts.background(g, WIDTH, height);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = height - TOP - BOTTOM;
        g.setFont(Charts.SMALL);
        FontMetrics fm = g.getFontMetrics();
        for (int p = 0; p <= 100; p += 20) {
            int x = LEFT + plotW * p / 100;
            g.setColor(new Color(0xdddddd));
            g.drawLine(x, TOP, x, TOP + plotH);
            String text = p + "%";
            g.setColor(Color.DARK_GRAY);
            g.drawString(text, x - fm.stringWidth(text) / 2, TOP + plotH + fm.getAscent() + 6);
        }
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = TOP + i * ROW + 6;
            int h = ROW - 12;
            double rate = Double.isNaN(b.rate()) ? 0 : Math.max(0, Math.min(1, b.rate()));
            int w = (int) Math.round(rate * plotW);
            g.setColor(Charts.color(b.colour()));
            g.fillRect(LEFT, y, Math.max(w, 1), h);
            g.setColor(Color.BLACK);
            g.drawString(b.label(), LEFT - fm.stringWidth(b.label()) - 8, y + h / 2 + fm.getAscent() / 2 - 1);
            String value = (Double.isNaN(b.rate()) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * b.rate()))
                    + "  (" + b.counts() + ")";
            g.drawString(value, LEFT + Math.max(w, 1) + 6, y + h / 2 + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(LEFT, TOP, plotW, plotH);
        Charts.titleAndAxes(g, WIDTH, height, LEFT, TOP, plotW, plotH, title, xLabel, "");
    }
}
