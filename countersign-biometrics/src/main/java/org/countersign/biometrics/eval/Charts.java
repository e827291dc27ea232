package org.countersign.biometrics.eval;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.countersign.core.bytes.ByteArray;

/** Drawing pieces the evaluation charts share: canvas, fonts, colours, title and axis labels, PNG encoding. */
final class Charts {
    static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    static final Font HEADING = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xff7f0e)};

    private Charts() {}

    /** The {@code i}-th series colour (cycling). */
    static Color color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** Draws on a white RGB canvas of the given size and returns it as PNG. */
    static ByteArray png(int width, int height, Consumer<Graphics2D> drawing) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            drawing.accept(g);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding in memory failed", e);
        }
        return ByteArray.copyOf(out.toByteArray());
    }

    /** Anti-aliasing on, white background. */
    static void background(Graphics2D g, int width, int height) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
    }

    /** Title centred above the plot area, x label below it, y label rotated along its left side. */
    static void titleAndAxes(Graphics2D g, int width, int height, int left, int top, int plotW, int plotH,
            String title, String xLabel, String yLabel) {
        g.setColor(Color.BLACK);
        g.setFont(HEADING);
        FontMetrics hm = g.getFontMetrics();
        g.drawString(title, (width - hm.stringWidth(title)) / 2, top - 18);
        g.setFont(LABEL);
        FontMetrics lm = g.getFontMetrics();
        g.drawString(xLabel, left + (plotW - lm.stringWidth(xLabel)) / 2, height - 18);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(top + (plotH + lm.stringWidth(yLabel)) / 2), 22);
        g.setTransform(saved);
    }
}
