package org.countersign.biometrics.face.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One ONNX session with a single float input. {@link #run} is safe to call from several threads (ONNX Runtime
 * sessions are).
 */
public final class OnnxModel implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final List<String> outputNames;

    public OnnxModel(OrtEnvironment env, byte[] model, int intraOpThreads) throws OrtException {
        this.env = env;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // On 2 cores spinning intra-op workers starve the Java pre-processing (MODELS notes: 162 ms -> 29 ms).
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(model, options);
        }
        this.inputName = session.getInputNames().iterator().next();
        this.outputNames = new ArrayList<>(session.getOutputNames());
    }

    /** Runs the model on one NCHW tensor and returns every output flattened, in declaration order. */
    public List<float[]> run(float[] input, long... shape) throws OrtException {
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            List<float[]> outputs = new ArrayList<>(outputNames.size());
            for (int i = 0; i < outputNames.size(); i++) {
                OnnxTensor out = (OnnxTensor) result.get(i);
                FloatBuffer buffer = out.getFloatBuffer();
                float[] values = new float[buffer.remaining()];
                buffer.get(values);
                outputs.add(values);
            }
            return outputs;
        }
    }

    public List<String> outputNames() {
        return List.copyOf(outputNames);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // Nothing useful to do: the native memory is gone with the process either way.
        }
    }
}
