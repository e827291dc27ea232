package org.countersign.core.otp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.countersign.core.bytes.ByteArray;

/**
 * The data input values for one OCRA computation (RFC 6287 §5.1). Which ones are needed depends on the suite;
 * {@link Ocra#generate} checks that they match it.
 *
 * @param counter    C, when the suite has C
 * @param challenges one challenge (one-way and signature modes, RFC 6287 §7.1, §7.3) or two (mutual mode,
 *                   §7.2: the party computing puts the other side's challenge first)
 * @param pinHash    P: the hash of the PIN with the suite's PIN hash
 * @param session    S: session information, at most the suite's length; shorter values are left-padded with zeros
 * @param timeSteps  T: time steps since the epoch ({@link OcraSuite#timeSteps})
 */
public record OcraInput(
        OptionalLong counter,
        List<String> challenges,
        Optional<ByteArray> pinHash,
        Optional<ByteArray> session,
        OptionalLong timeSteps) {

    public OcraInput {
        Objects.requireNonNull(counter, "counter");
        challenges = List.copyOf(challenges);
        Objects.requireNonNull(pinHash, "pinHash");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(timeSteps, "timeSteps");
        if (challenges.isEmpty() || challenges.size() > 2) {
            throw new OtpFormatException("OCRA takes one challenge, or two in mutual mode");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The question as the concatenation of the challenges (RFC 6287 §7.2). */
    public String question() {
        return String.join("", challenges);
    }

    /** Step-by-step construction; fields left unset are absent. */
    public static final class Builder {
        private OptionalLong counter = OptionalLong.empty();
        private List<String> challenges = List.of();
        private Optional<ByteArray> pinHash = Optional.empty();
        private Optional<ByteArray> session = Optional.empty();
        private OptionalLong timeSteps = OptionalLong.empty();

        private Builder() {}

        public Builder counter(long c) {
            this.counter = OptionalLong.of(c);
            return this;
        }

        /** One-way or signature mode question. */
        public Builder question(String q) {
            this.challenges = List.of(q);
            return this;
        }

        /** Mutual mode (RFC 6287 §7.2): the question is {@code first || second}. */
        public Builder mutualQuestion(String first, String second) {
            this.challenges = List.of(first, second);
            return this;
        }

        public Builder pinHash(ByteArray hash) {
            this.pinHash = Optional.of(hash);
            return this;
        }

        public Builder session(ByteArray s) {
            this.session = Optional.of(s);
            return this;
        }

        public Builder timeSteps(long t) {
            this.timeSteps = OptionalLong.of(t);
            return this;
        }

        public OcraInput build() {
            return new OcraInput(counter, challenges, pinHash, session, timeSteps);
        }
    }
}
