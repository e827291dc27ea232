package org.countersign.biometrics.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.countersign.biometrics.eval.Evaluator;
import org.countersign.biometrics.eval.ProgressListener;
import org.countersign.biometrics.eval.Reports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.countersign.testkit.TestData;

/**
 * Accuracy on real (FVC2002 DB2_B style) and synthetic (FVC DB4_B) fingerprints, all pairs compared
 * (ISO/IEC 19795-1 technology evaluation). Bounds are loose on purpose: the sets are small, and the measured
 * figures go to docs/biometrics.md from the CLI, not from here.
 */
@Tag("integration")
class FingerprintAccuracyTest {

    private static Reports.VerificationReport evaluate(String set) throws Exception {
        Path data = TestData.require(set);
        Evaluator.VerificationOutcome outcome = new Evaluator(ProgressListener.NONE)
                .verification(new FingerprintEngine(500), data, new Evaluator.VerificationOptions(500.0, 3, null, null));
        System.out.println(set + ": " + outcome.summaryLine());
        return outcome.report();
    }

    @Test
    void fvc2002bAt500DpiReachesAnEerOfAboutOnePercentOrBetter() throws Exception {
        Reports.VerificationReport r = evaluate("fingerprints/fvc2002-b");

        assertThat(r.failures()).isEmpty();
        assertThat(r.genuineComparisons()).isEqualTo(6 * 28);
        assertThat(r.impostorComparisons()).isEqualTo(48 * 47 / 2 - 6 * 28);
        assertThat(r.genuine().median()).isGreaterThan(r.impostor().max());
        assertThat(r.eer().rate()).isLessThan(0.02);
        // 960 impostor comparisons cannot resolve FMR 0.1 %: the report must say so.
        assertThat(r.fnmrAtFmr().get(1).resolvable()).isFalse();
        assertThat(r.notes()).anyMatch(n -> n.contains("cannot be resolved"));
        multiImpressionIsNoWorse(r);
    }

    @Test
    void syntheticDb4bSeparatesGenuineFromImpostor() throws Exception {
        Reports.VerificationReport r = evaluate("fingerprints/fvc-db4-b-synthetic");

        assertThat(r.genuineComparisons() + r.impostorComparisons()).isEqualTo(r.templates() * (r.templates() - 1) / 2);
        assertThat(r.genuine().median()).isGreaterThan(r.impostor().p95());
        assertThat(r.eer().rate()).isLessThan(0.10);
        multiImpressionIsNoWorse(r);
    }

    private static void multiImpressionIsNoWorse(Reports.VerificationReport r) {
        Reports.MultiImpressionReport m = r.multiImpression();
        assertThat(m.multiEer().rate()).isLessThanOrEqualTo(m.singleEer().rate());
        assertThat(m.multiAtFmr1().fnmr()).isLessThanOrEqualTo(m.singleAtFmr1().fnmr());
    }
}
