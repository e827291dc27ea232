package org.countersign.testkit.emulators;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.countersign.agent.remote.FrameSource;
import org.countersign.biometrics.liveness.CapturedFrame;
import org.countersign.core.bytes.ByteArray;

/**
 * The frames an emulated capture device sends with the agent's {@code RemoteClient}: real images (a clip's frames,
 * in the layout of the shared data: {@code NNNN.png} at 10 fps) prepared as a phone's capture client prepares them,
 * longer side at most 640 px, JPEG, stamped every 100 ms.
 *
 * <pre>{@code
 * List<BufferedImage> clip = CaptureFrames.clip(dataDir.resolve("liveness/clips/blink_frontal_male1"), 1, 24);
 * RemoteResult r = session.capture(challenge, CaptureFrames.capture(CaptureFrames.jpegs(clip, 0.9f)), List.of());
 * }</pre>
 *
 * The server keeps the hashes of frames it has seen and the motion of every earlier capture of a user: sending the
 * same bytes, or the same motion, twice is refused as a replay. {@link #marked} gives each capture of one clip
 * different bytes; different motion needs a different stretch of the clip (or another clip).
 */
public final class CaptureFrames {
    /** Time between frames of the shared clips (10 fps). */
    public static final long STEP_MILLIS = 100;

    private CaptureFrames() {}

    /** Frames {@code from..to} (inclusive, numbered from 1) of a clip folder. */
    public static List<BufferedImage> clip(Path dir, int from, int to) {
        List<BufferedImage> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(read(dir.resolve(String.format("%04d.png", i))));
        }
        return out;
    }

    public static BufferedImage read(Path file) {
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw new IllegalStateException("not an image: " + file);
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Longer side scaled down to 640 px if needed (as the agent's capture client does), then JPEG at {@code quality}. */
    public static ByteArray jpeg(BufferedImage src, float quality) {
        return FrameSource.jpeg(FrameSource.scaled(src), quality);
    }

    public static List<ByteArray> jpegs(List<BufferedImage> images, float quality) {
        return images.stream().map(i -> jpeg(i, quality)).toList();
    }

    /**
     * The images as JPEG (quality 0.85, size kept) with a small block in the top-left corner whose colour encodes
     * {@code mark}: large enough to survive JPEG quantisation, so every capture made with another mark has other
     * bytes (load generators send one clip many times).
     */
    public static List<ByteArray> marked(List<BufferedImage> images, long mark) {
        List<ByteArray> out = new ArrayList<>();
        long h = mark * 0x9E3779B97F4A7C15L;
        for (BufferedImage src : images) {
            BufferedImage img = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
            img.getGraphics().drawImage(src, 0, 0, null);
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 8; x++) {
                    img.setRGB(x, y, (int) ((h >>> (x < 4 ? 0 : 24)) & 0xffffff));
                }
            }
            out.add(FrameSource.jpeg(img, 0.85f));
        }
        return out;
    }

    /** Frames stamped every {@link #STEP_MILLIS} from 0, numbered from 0. */
    public static List<CapturedFrame> capture(List<ByteArray> encoded) {
        List<CapturedFrame> out = new ArrayList<>();
        for (int i = 0; i < encoded.size(); i++) {
            out.add(CapturedFrame.of(encoded.get(i), i * STEP_MILLIS, i));
        }
        return out;
    }
}
