package org.countersign.biometrics.face;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.countersign.biometrics.api.Template;

/**
 * What one video frame shows about the face in it, for liveness judgement on the server (X.1279 App. III: action
 * performed, 3-D head motion, continuity). Values are measurements, not verdicts: the liveness policy decides.
 *
 * @param faceCount         faces found above the detection threshold (the signals describe the largest)
 * @param box               the largest face
 * @param landmarks         its 68 landmarks
 * @param yaw               landmark yaw proxy: 0 frontal, negative/positive as the nose moves toward the image's
 *                          left/right jaw edge; about ±0.5…0.8 for a clear head turn
 * @param pitch             landmark pitch proxy: nose height between eye line (0) and mouth line (1); compare with
 *                          the same session's baseline, not with a fixed value
 * @param rightEyeClosed    probability the subject's right eye (points 36–41) is closed, from the eye-state model
 * @param leftEyeClosed     same for the subject's left eye (points 42–47)
 * @param rightEyeAspect    eye aspect ratio of points 36–41 (drops within one person when the eye closes)
 * @param leftEyeAspect     eye aspect ratio of points 42–47
 * @param mouthAspect       inner-lip opening over inner-lip width (points 60–67)
 * @param attackScore       presentation-attack score in [0, 1] when asked for (higher: more likely an attack)
 * @param template          identity template of this frame when asked for (for continuity checks)
 */
public record FrameSignals(
        int faceCount,
        FaceBox box,
        Landmarks landmarks,
        double yaw,
        double pitch,
        double rightEyeClosed,
        double leftEyeClosed,
        double rightEyeAspect,
        double leftEyeAspect,
        double mouthAspect,
        OptionalDouble attackScore,
        Optional<Template> template) {
    public FrameSignals {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(landmarks, "landmarks");
        Objects.requireNonNull(attackScore, "attackScore");
        Objects.requireNonNull(template, "template");
    }

    /** How sure the model is that both eyes are closed, as in a blink: the lower of the two probabilities. */
    public double bothEyesClosed() {
        return Math.min(rightEyeClosed, leftEyeClosed);
    }
}
