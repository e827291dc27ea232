package org.countersign.biometrics.liveness.timing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.face.FrameSignals;
import org.countersign.biometrics.face.SignalOptions;
import org.countersign.testkit.TestData;

/** Real clip frames from the shared data with the analyzer's measurements of each. */
final class TimingFrames {
    record Frame(BufferedImage image, FrameSignals signals) {}

    private TimingFrames() {}

    static List<Frame> clip(FaceAnalyzer analyzer, String name, int from, int to) throws BiometricException {
        Path dir = TestData.require("liveness/clips/" + name);
        List<Frame> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            try {
                BufferedImage img = ImageIO.read(dir.resolve(String.format("%04d.png", i)).toFile());
                out.add(new Frame(img, analyzer.analyse(img, new SignalOptions(false, false))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
