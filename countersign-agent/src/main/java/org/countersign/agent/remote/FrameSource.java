package org.countersign.agent.remote;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.countersign.core.bytes.ByteArray;

/**
 * Where frames come from (A-C2): a folder of image files in name order, or a video file decoded by ffmpeg at a fixed
 * rate. Frames are scaled so the longer side is at most 640 px and sent as JPEG: decoding cost on the server grows
 * with size, and the request must fit the server's body limit.
 */
public final class FrameSource {
    public static final int MAX_SIDE = 640;
    public static final float JPEG_QUALITY = 0.85f;

    /**
     * One decoded frame and its capture time.
     *
     * @param image            the picture, at most 640 px on its longer side
     * @param capturedAtMillis milliseconds since the capture started
     */
    public record Frame(BufferedImage image, long capturedAtMillis) {}

    private FrameSource() {}

    /** Image files directly in {@code dir}, sorted by name, stamped at {@code fps}. */
    public static List<Frame> folder(Path dir, double fps) throws RemoteException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase().matches(".*\\.(png|jpe?g|bmp)"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw RemoteException.local("cannot list " + dir + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw RemoteException.local("no image files in " + dir);
        }
        List<Frame> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            out.add(new Frame(scaled(read(files.get(i))), Math.round(i * 1000 / fps)));
        }
        return out;
    }

    /** Decodes {@code video} with ffmpeg at {@code fps} for at most {@code seconds}. */
    public static List<Frame> video(Path video, double fps, double seconds) throws RemoteException {
        Path tmp;
        try {
            tmp = Files.createTempDirectory("countersign-frames");
        } catch (IOException e) {
            throw RemoteException.local("no temporary folder: " + e.getMessage());
        }
        try {
            Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", video.toString(),
                    "-t", Double.toString(seconds), "-vf", "fps=" + fps + ",scale='min(" + MAX_SIDE + ",iw)':-2",
                    tmp.resolve("%04d.png").toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw RemoteException.local("ffmpeg could not decode " + video + ": " + log.strip());
            }
            return folder(tmp, fps);
        } catch (IOException e) {
            throw RemoteException.local("ffmpeg not available: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RemoteException.local("interrupted");
        } finally {
            // The frames are biometric data: delete them as soon as they are decoded (D-3).
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    static BufferedImage read(Path file) throws RemoteException {
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw RemoteException.local("not an image: " + file);
            }
            return img;
        } catch (IOException e) {
            throw RemoteException.local("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Longer side at most {@value #MAX_SIDE} px, RGB. */
    public static BufferedImage scaled(BufferedImage src) {
        double s = Math.min(1.0, MAX_SIDE / (double) Math.max(src.getWidth(), src.getHeight()));
        int w = Math.max(1, (int) Math.round(src.getWidth() * s));
        int h = Math.max(1, (int) Math.round(src.getHeight() * s));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    public static ByteArray jpeg(BufferedImage image) {
        return jpeg(image, JPEG_QUALITY);
    }

    /** JPEG at {@code quality} (0–1); test kits vary it to send one recording with other bytes. */
    public static ByteArray jpeg(BufferedImage image, float quality) {
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.write(null, new IIOImage(image, null, null), p);
            }
            writer.dispose();
            return ByteArray.copyOf(out.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("JPEG encoder failed", e);
        }
    }
}
