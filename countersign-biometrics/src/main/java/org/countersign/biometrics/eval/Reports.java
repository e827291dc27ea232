package org.countersign.biometrics.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;

/** The JSON shapes of evaluation reports (field names follow ISO/IEC 19795-1 and 30107-3 terms). */
public final class Reports {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private Reports() {}

    public static String toJson(Object report) {
        try {
            return JSON.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report is not serialisable", e);
        }
    }

    /** One point of the FMR/FNMR curve: accept when score >= threshold. */
    public record CurvePoint(double threshold, double fmr, double fnmr) {}

    /** One point of the PAD error curve. */
    public record PadCurvePoint(double threshold, double apcer, double bpcer) {}

    /** Measured FMR/FNMR at the threshold the engine's calibration proposes for {@code targetFmr}. */
    public record CalibrationCheck(double targetFmr, double threshold, double measuredFmr, double measuredFnmr) {}

    public record MultiImpressionReport(int enrolImpressions, int subjects, int genuineComparisons,
            int impostorComparisons, EqualErrorRate singleEer, EqualErrorRate multiEer, OperatingPoint singleAtFmr1,
            OperatingPoint multiAtFmr1) {}

    public record ProtectionReport(String scheme, int inputDimension, int outputBits, int subjects, int templates,
            double rawEer, double protectedEer, double deltaEer, Summary rawGenuine, Summary rawImpostor,
            Summary protectedGenuine, Summary protectedImpostor, Summary linkageMated, Summary linkageNonMated,
            double linkageEer, Summary renewedSameSample) {}

    /**
     * The remote flow's comparison as it runs (B-S2, X.1279 7.3.4): protected scores, best of {@code bestOf} probes,
     * measured at the threshold the policy derives from its target FMR; single-probe rates per probe |yaw|; and
     * failures to enrol under the enrolment quality policy.
     */
    public record ProtectedMatchReport(String scheme, int bestOf, int subjects, int samples, int failuresToEnrol,
            double fteRate, List<String> fteSources, int genuineDecisions, int impostorDecisions, double targetFmr,
            double threshold, double fmr, double fnmr, double thresholdForTargetHere,
            List<ProtectedMatchEvaluation.YawBucket> yawBuckets) {}

    public record VerificationReport(String modality, String dataset, String templateFormat, Double dpi,
            int samples, int subjects, int templates, List<ExtractionFailure> failures, int genuineComparisons,
            int impostorComparisons, EqualErrorRate eer, List<OperatingPoint> fnmrAtFmr,
            List<CalibrationCheck> calibration, Summary genuine, Summary impostor,
            MultiImpressionReport multiImpression, ProtectionReport protection, ProtectedMatchReport protectedMatch,
            List<String> notes,
            List<CurvePoint> curve, double[] genuineScores, double[] impostorScores) {}

    public record PadReport(String modality, String dataset, int bonaFide, int attack,
            List<ExtractionFailure> failures, PadMetrics.PadOperatingPoint atThreshold, EqualErrorRate eer,
            PadMetrics.PadOperatingPoint bpcerAtApcer5, PadMetrics.PadOperatingPoint bpcerAtApcer10,
            Summary bonaFideScores, Summary attackScores, List<String> notes, List<PadCurvePoint> curve,
            double[] bonaFideScoreList, double[] attackScoreList) {}
}
