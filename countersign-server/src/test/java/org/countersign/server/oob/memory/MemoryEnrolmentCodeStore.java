package org.countersign.server.oob.memory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.countersign.server.oob.EnrolmentCodeStore;

/**
 * {@link EnrolmentCodeStore} in memory. The codes themselves live in the {@link MemoryOobStore} it is given, because
 * the enrolment's unit of work claims them there (one table on PostgreSQL); the wrong guesses live here.
 */
public final class MemoryEnrolmentCodeStore implements EnrolmentCodeStore {
    private record Failure(String clientIp, Optional<Target> target, Instant at) {}

    private final MemoryOobStore codes;
    private final List<Failure> failures = new CopyOnWriteArrayList<>();

    public MemoryEnrolmentCodeStore(MemoryOobStore codes) {
        this.codes = codes;
    }

    @Override
    public void insert(NewCode code) {
        codes.addEnrolmentCode(code.enrolmentId(), code.tenantId(), code.userId(), code.codeHash(), code.codePrefix(),
                code.expiresAt());
    }

    @Override
    public List<Target> openWithPrefix(String codePrefix, Instant now, int limit) {
        return codes.openEnrolments(codePrefix, now, limit);
    }

    @Override
    public void recordFailure(String clientIp, Optional<Target> target, Instant at) {
        failures.add(new Failure(clientIp, target, at.truncatedTo(ChronoUnit.MICROS)));
    }

    @Override
    public List<Instant> failuresSince(FailureScope scope, Instant since, int limit) {
        return failures.stream().filter(f -> f.at().isAfter(since)).filter(in(scope)).map(Failure::at)
                .sorted(Comparator.reverseOrder()).limit(limit).toList();
    }

    private static Predicate<Failure> in(FailureScope scope) {
        if (scope instanceof FailureScope.BlindFrom s) {
            return f -> f.clientIp().equals(s.clientIp()) && f.target().isEmpty();
        }
        if (scope instanceof FailureScope.ChargedFrom s) {
            return f -> f.clientIp().equals(s.clientIp()) && f.target().isPresent();
        }
        if (scope instanceof FailureScope.OfEnrolment s) {
            return f -> f.target().map(t -> t.enrolmentId().equals(s.enrolmentId())).orElse(false);
        }
        FailureScope.OfUser s = (FailureScope.OfUser) scope;
        return f -> f.target().map(t -> t.tenantId().equals(s.tenantId()) && t.userId().equals(s.userId())).orElse(false);
    }

    @Override
    public void purgeFailures(Instant before) {
        failures.removeIf(f -> f.at().isBefore(before));
    }
}
