package org.countersign.biometrics.face;

/** The six networks a face model pack provides, each with its file name in the bundled pack. */
public enum FaceModel {
    /** Face detector (UltraFace RFB-320 layout). */
    DETECT("fr_detect.onnx"),
    /** 68-point landmark regressor (iBUG order). */
    LANDMARK("fr_landmark.onnx"),
    /** 512-d face embedding on ArcFace-aligned 112×112 crops. */
    FEATURE("fr_feature.onnx"),
    /** Presentation-attack classifier (live versus print/replay). */
    LIVENESS("fr_liveness.onnx"),
    /** Eye open/closed classifier. */
    EYE("fr_eye.onnx"),
    /** Head-pose regressor; bundled but unused: landmark geometry proved steadier (see MODELS notes). */
    POSE("fr_pose.onnx");

    private final String fileName;

    FaceModel(String fileName) {
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }
}
