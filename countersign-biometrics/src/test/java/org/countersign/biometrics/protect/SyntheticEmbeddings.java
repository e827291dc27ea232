package org.countersign.biometrics.protect;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.eval.LabelledTemplate;

/**
 * Synthetic stand-ins for face embeddings (no face model involved): each subject is a random unit vector, each
 * sample a noisy copy of it, renormalised. With noise 0.04 per component in 512 dimensions, mated cosine scores
 * sit around 0.5 and non-mated ones around 0 +- 0.045, roughly like a real face matcher.
 */
final class SyntheticEmbeddings {
    static final String FORMAT = "face/arcface-512/faceplugin-0.0.1";

    private SyntheticEmbeddings() {}

    static float[] unit(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return normalise(v);
    }

    static float[] noisyCopy(Random random, float[] base, double sigma) {
        float[] v = new float[base.length];
        for (int i = 0; i < base.length; i++) {
            v[i] = (float) (base[i] + sigma * random.nextGaussian());
        }
        return normalise(v);
    }

    static List<LabelledTemplate> population(long seed, int subjects, int samplesEach, double sigma) {
        Random random = new Random(seed);
        List<LabelledTemplate> out = new ArrayList<>();
        for (int s = 0; s < subjects; s++) {
            float[] base = unit(random, 512);
            for (int k = 0; k < samplesEach; k++) {
                Template t = FeatureVectors.toTemplate(FORMAT, noisyCopy(random, base, sigma));
                out.add(new LabelledTemplate("s" + s, "s" + s + "_" + k, t));
            }
        }
        return out;
    }

    private static float[] normalise(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < v.length; i++) {
            v[i] /= norm;
        }
        return v;
    }
}
