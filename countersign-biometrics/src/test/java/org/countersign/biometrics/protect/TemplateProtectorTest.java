package org.countersign.biometrics.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.Modality;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.biometrics.api.Template;
import org.countersign.biometrics.eval.LabelledTemplate;
import org.countersign.biometrics.eval.ProgressListener;
import org.countersign.biometrics.eval.ProtectionEvaluation;
import org.countersign.core.bytes.ByteArray;
import org.countersign.core.bytes.SecretBytes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Renewable protection of face references (ISO/IEC 24745; ISO/IEC 27553-1 Table C.2 "renewable"). */
class TemplateProtectorTest {
    private final TemplateProtector protector = TemplateProtector.faceDefaults();
    private final SecureRandom random = new SecureRandom();

    private static TransformKey key(int fill) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) fill);
        return TransformKey.of(SecretBytes.copyOf(b));
    }

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        byte[] ikm = HexFormat.of().parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b0c");
        byte[] info = HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9");
        assertThat(HexFormat.of().formatHex(Hkdf.deriveSha256(ikm, salt, info, 42))).isEqualTo(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    @Test
    void protectedReferenceIsNotTheRawVectorAndRoundTripsThroughItsEncoding() throws Exception {
        Random r = new Random(1);
        Template raw = FeatureVectors.toTemplate(SyntheticEmbeddings.FORMAT, SyntheticEmbeddings.unit(r, 512));
        ProtectedTemplate p = protector.protect(raw, key(1));

        assertThat(p.scheme()).isEqualTo(TemplateProtector.SCHEME);
        assertThat(p.sourceFormat()).isEqualTo(SyntheticEmbeddings.FORMAT);
        assertThat(p.parameters()).isEqualTo(new ProtectionParameters(512, 256));
        assertThat(p.code().length()).isEqualTo(32); // 256 bits, versus 2048 bytes of raw embedding
        ByteArray sealedForm = p.encode();
        assertThat(ProtectedTemplate.decode(sealedForm)).isEqualTo(p);
        // Deterministic: the same key and vector give the same code on every run and JVM.
        assertThat(protector.protect(raw, key(1))).isEqualTo(p);
    }

    @Test
    void genuineProbeScoresHighAndStrangerScoresNearZero() throws Exception {
        Random r = new Random(2);
        float[] person = SyntheticEmbeddings.unit(r, 512);
        Template enrol = FeatureVectors.toTemplate(SyntheticEmbeddings.FORMAT, SyntheticEmbeddings.noisyCopy(r, person, 0.04));
        Template again = FeatureVectors.toTemplate(SyntheticEmbeddings.FORMAT, SyntheticEmbeddings.noisyCopy(r, person, 0.04));
        Template stranger = FeatureVectors.toTemplate(SyntheticEmbeddings.FORMAT, SyntheticEmbeddings.unit(r, 512));
        TransformKey k = TransformKey.generate(random);
        ProtectedTemplate reference = protector.protect(enrol, k);

        double raw = FeatureVectors.cosine(FeatureVectors.fromTemplate(enrol), FeatureVectors.fromTemplate(again));
        double genuine = protector.compare(again, reference, k);
        double impostor = protector.compare(stranger, reference, k);
        assertThat(genuine).isGreaterThan(0.3).isCloseTo(raw, org.assertj.core.api.Assertions.within(0.2));
        assertThat(Math.abs(impostor)).isLessThan(0.3);
    }

    @Test
    void reKeyingInvalidatesTheOldReference() throws Exception {
        Random r = new Random(3);
        Template sample = FeatureVectors.toTemplate(SyntheticEmbeddings.FORMAT, SyntheticEmbeddings.unit(r, 512));
        TransformKey oldKey = TransformKey.generate(random);
        TransformKey newKey = TransformKey.generate(random);
        ProtectedTemplate old = protector.protect(sample, oldKey);

        // Even the very sample it was made from no longer matches under the new key.
        assertThat(protector.compare(sample, old, oldKey)).isEqualTo(1.0);
        assertThat(Math.abs(protector.compare(sample, old, newKey))).isLessThan(0.3);
        assertThat(Math.abs(TemplateProtector.similarity(old, protector.protect(sample, newKey)))).isLessThan(0.3);
    }

    @Tag("slow") // a statistical evaluation over thousands of synthetic comparisons
    @Test
    void unlinkabilityAndAccuracyOnSyntheticEmbeddings() throws Exception {
        List<LabelledTemplate> population = SyntheticEmbeddings.population(4, 20, 4, 0.04);
        ProtectionEvaluation.Result r = ProtectionEvaluation.run(population,
                (a, b) -> FeatureVectors.cosine(FeatureVectors.fromTemplate(a), FeatureVectors.fromTemplate(b)),
                protector, seeded(2), ProgressListener.NONE);
        System.out.printf("synthetic: raw EER %.4f, protected EER %.4f, linkage EER %.3f,"
                + " mated %.3f+-%.3f, non-mated %.3f+-%.3f, renewed %.3f+-%.3f%n", r.rawEer(), r.protectedEer(),
                r.linkageEer(), r.linkageMated().mean(), r.linkageMated().standardDeviation(),
                r.linkageNonMated().mean(), r.linkageNonMated().standardDeviation(), r.renewedSameSample().mean(),
                r.renewedSameSample().standardDeviation());

        assertThat(r.protectedEer() - r.rawEer()).isLessThan(0.02);
        // Mated references under two keys look like strangers: linkage no better than a coin (EER near 0.5).
        assertThat(r.linkageEer()).isGreaterThan(0.35);
        assertThat(Math.abs(r.linkageMated().mean() - r.linkageNonMated().mean())).isLessThan(0.05);
        assertThat(Math.abs(r.renewedSameSample().mean())).isLessThan(0.05);
        assertThat(r.protectedGenuine().mean()).isGreaterThan(r.protectedImpostor().p95());
    }

    @Tag("slow") // a statistical evaluation over thousands of synthetic comparisons
    @Test
    void weakGenuineScoresLoseAccuracyAndMoreBitsLoseLess() throws Exception {
        // Noise 0.07: raw mated cosine about 0.29. The sign code's sampling noise then costs accuracy; 512 bits
        // halve its variance compared with 256. Figures go to docs/biometrics.md.
        List<LabelledTemplate> population = SyntheticEmbeddings.population(8, 20, 4, 0.07);
        ProtectionEvaluation.Result bits256 = ProtectionEvaluation.run(population, TemplateProtectorTest::cosine,
                new TemplateProtector(new ProtectionParameters(512, 256)), seeded(1), ProgressListener.NONE);
        ProtectionEvaluation.Result bits512 = ProtectionEvaluation.run(population, TemplateProtectorTest::cosine,
                new TemplateProtector(new ProtectionParameters(512, 512)), seeded(1), ProgressListener.NONE);
        System.out.printf("synthetic noise 0.07: raw EER %.4f, protected EER 256 bits %.4f, 512 bits %.4f,"
                + " linkage EER %.3f / %.3f%n", bits256.rawEer(), bits256.protectedEer(), bits512.protectedEer(),
                bits256.linkageEer(), bits512.linkageEer());

        assertThat(bits256.deltaEer()).isGreaterThanOrEqualTo(0);
        assertThat(bits512.protectedEer()).isLessThanOrEqualTo(bits256.protectedEer());
        assertThat(bits512.linkageEer()).isGreaterThan(0.35);
    }

    private static double cosine(Template a, Template b) throws BiometricException {
        return FeatureVectors.cosine(FeatureVectors.fromTemplate(a), FeatureVectors.fromTemplate(b));
    }

    /** Deterministic key generation so that the comparison of two settings is repeatable. */
    private static SecureRandom seeded(long seed) throws Exception {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(seed);
        return r;
    }

    @Test
    void malformedOrForeignInputIsRefusedWithReasonCodes() throws Exception {
        Template fingerprint = new Template(Modality.FINGERPRINT, "fingerprint/sourceafis-3.18.1", ByteArray.ofUtf8("x"));
        assertReason(() -> protector.protect(fingerprint, key(2)), ReasonCode.TEMPLATE_FORMAT_MISMATCH);
        Template short128 = FeatureVectors.toTemplate(SyntheticEmbeddings.FORMAT, new float[128]);
        assertReason(() -> protector.protect(short128, key(2)), ReasonCode.TEMPLATE_FORMAT_MISMATCH);
        Template nan = FeatureVectors.toTemplate(SyntheticEmbeddings.FORMAT, new float[] {Float.NaN, 1});
        assertReason(() -> protector.protect(nan, key(2)), ReasonCode.TEMPLATE_CORRUPT);

        assertReason(() -> ProtectedTemplate.decode(ByteArray.ofUtf8("not a template")), ReasonCode.TEMPLATE_CORRUPT);
        Template raw = FeatureVectors.toTemplate(SyntheticEmbeddings.FORMAT, SyntheticEmbeddings.unit(new Random(5), 512));
        byte[] encoded = protector.protect(raw, key(2)).encode().toByteArray();
        assertReason(() -> ProtectedTemplate.decode(ByteArray.copyOf(java.util.Arrays.copyOf(encoded, encoded.length - 1))),
                ReasonCode.TEMPLATE_CORRUPT);

        // A reference made from another face model version needs re-enrolment.
        ProtectedTemplate other = protector.protect(
                FeatureVectors.toTemplate("face/other-model", SyntheticEmbeddings.unit(new Random(6), 512)), key(2));
        assertReason(() -> protector.compare(raw, other, key(2)), ReasonCode.TEMPLATE_FORMAT_MISMATCH);
    }

    @Test
    void keysAreSecretsThatNeverPrint() {
        TransformKey k = TransformKey.generate(random);
        assertThat(k.toString()).doesNotContain(HexFormat.of().formatHex(k.secret().revealForCrypto()));
        assertThatThrownBy(() -> TransformKey.of(SecretBytes.copyOf(new byte[8])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    interface Call {
        void run() throws Exception;
    }

    private static void assertReason(Call call, ReasonCode expected) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(BiometricException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(expected));
    }
}
