package org.countersign.biometrics.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.PresentationAttackDetector;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.core.bytes.ByteArray;

/** Scores every bona fide and attack image of a data set with a presentation-attack detector. */
public final class PadEvaluation {
    private PadEvaluation() {}

    /**
     * Attack scores per class. Images the detector refuses are listed as failures and left out of the rates
     * (ISO/IEC 30107-3 counts them separately as failures to acquire).
     */
    public record Result(double[] bonaFideScores, double[] attackScores, List<ExtractionFailure> failures) {
        public Result {
            bonaFideScores = bonaFideScores.clone();
            attackScores = attackScores.clone();
            failures = List.copyOf(failures);
        }

        public PadMetrics metrics() {
            return new PadMetrics(attackScores, bonaFideScores);
        }
    }

    public static Result run(PresentationAttackDetector detector, Datasets.PadDataset data,
            ProgressListener progress) {
        List<ExtractionFailure> failures = new ArrayList<>();
        int total = data.bonaFide().size() + data.attack().size();
        int[] done = {0};
        double[] bonaFide = score(detector, data.bonaFide(), failures, progress, done, total);
        double[] attack = score(detector, data.attack(), failures, progress, done, total);
        return new Result(bonaFide, attack, failures);
    }

    private static double[] score(PresentationAttackDetector detector, List<Path> files,
            List<ExtractionFailure> failures, ProgressListener progress, int[] done, int total) {
        List<Double> scores = new ArrayList<>();
        for (Path file : files) {
            String source = file.getFileName().toString();
            try {
                scores.add(detector.attackScore(ByteArray.copyOf(Files.readAllBytes(file))));
            } catch (BiometricException e) {
                failures.add(new ExtractionFailure(source, e.reason(), e.getMessage()));
            } catch (IOException e) {
                failures.add(new ExtractionFailure(source, ReasonCode.IMAGE_UNREADABLE, "cannot read file: " + e));
            }
            progress.progress("pad", ++done[0], total);
        }
        return VerificationEvaluation.toArray(scores);
    }
}
