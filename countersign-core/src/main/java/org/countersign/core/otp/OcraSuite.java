package org.countersign.core.otp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed and validated OCRA suite (RFC 6287 §6): {@code OCRA-1:HOTP-<hash>-<digits>:<data input>}.
 *
 * @param text           the suite string exactly as parsed; it is also the first part of the HMAC input (§5.1)
 * @param algorithm      HMAC function of the CryptoFunction (§5.2)
 * @param digits         0 (no truncation) or 4..10 (§5.2)
 * @param counter        whether the data input carries C (§6.3)
 * @param questionFormat A, N or H (§6.3)
 * @param questionLength maximum question length, 4..64 (§6.3)
 * @param pinHash        hash of the PIN, when P is present (§6.3)
 * @param sessionLength  bytes of session information S, 0 when absent (§6.3)
 * @param timeStep       time-step size, when T is present (§6.3)
 */
public record OcraSuite(
        String text,
        OtpAlgorithm algorithm,
        int digits,
        boolean counter,
        QuestionFormat questionFormat,
        int questionLength,
        Optional<OtpAlgorithm> pinHash,
        int sessionLength,
        Optional<Duration> timeStep) {

    /** Question formats of RFC 6287 §6.3. */
    public enum QuestionFormat { ALPHANUMERIC, NUMERIC, HEX }

    private static final Pattern CRYPTO = Pattern.compile("HOTP-(SHA1|SHA256|SHA512)-(\\d{1,2})");
    private static final Pattern QUESTION = Pattern.compile("Q([ANH])(\\d{2})");
    private static final Pattern PIN = Pattern.compile("P(SHA1|SHA256|SHA512)");
    private static final Pattern SESSION = Pattern.compile("S(\\d{3})");
    private static final Pattern TIME = Pattern.compile("T(\\d{1,2})([SMH])");

    public OcraSuite {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(questionFormat, "questionFormat");
        Objects.requireNonNull(pinHash, "pinHash");
        Objects.requireNonNull(timeStep, "timeStep");
        if (digits != 0 && (digits < 4 || digits > 10)) {
            throw new OtpFormatException("OCRA digits must be 0 or 4..10, got " + digits);
        }
        if (questionLength < 4 || questionLength > 64) {
            throw new OtpFormatException("OCRA question length must be 04..64, got " + questionLength);
        }
        if (sessionLength < 0 || sessionLength > 512) {
            throw new OtpFormatException("OCRA session length must be 0..512");
        }
        timeStep.ifPresent(s -> {
            if (s.isNegative() || s.isZero()) {
                throw new OtpFormatException("OCRA time step must be positive");
            }
        });
        // The text is hashed into every response (RFC 6287 §5.1) while the fields drive the computation: they must
        // describe the same suite, and only one spelling is allowed so equal suites give equal codes.
        if (!text.equals(canonicalText(algorithm, digits, counter, questionFormat, questionLength, pinHash, sessionLength, timeStep))) {
            throw new OtpFormatException("suite text does not match its fields, or is not in canonical form: " + text);
        }
    }

    private static String canonicalText(OtpAlgorithm algorithm, int digits, boolean counter, QuestionFormat format,
            int questionLength, Optional<OtpAlgorithm> pinHash, int sessionLength, Optional<Duration> timeStep) {
        StringBuilder sb = new StringBuilder("OCRA-1:HOTP-").append(algorithm.suiteToken()).append('-').append(digits).append(':');
        if (counter) {
            sb.append("C-");
        }
        sb.append('Q').append(format == QuestionFormat.ALPHANUMERIC ? 'A' : format == QuestionFormat.NUMERIC ? 'N' : 'H')
                .append(String.format("%02d", questionLength));
        pinHash.ifPresent(h -> sb.append("-P").append(h.suiteToken()));
        if (sessionLength > 0) {
            sb.append("-S").append(String.format("%03d", sessionLength));
        }
        timeStep.ifPresent(t -> {
            long secs = t.toSeconds();
            if (secs < 60) {
                sb.append("-T").append(secs).append('S');
            } else if (secs < 3600 && secs % 60 == 0) {
                sb.append("-T").append(secs / 60).append('M');
            } else if (secs % 3600 == 0) {
                sb.append("-T").append(secs / 3600).append('H');
            } else {
                sb.append("-T?");
            }
        });
        return sb.toString();
    }

    /** Parses and validates a suite string; throws {@link OtpFormatException} for anything RFC 6287 §6 lacks. */
    public static OcraSuite parse(String text) {
        Objects.requireNonNull(text, "suite");
        if (text.length() > 64 || !StandardCharsets.US_ASCII.newEncoder().canEncode(text)) {
            throw new OtpFormatException("not an OCRA suite");
        }
        String[] parts = text.split(":", -1);
        if (parts.length != 3 || !parts[0].equals("OCRA-1")) {
            throw new OtpFormatException("OCRA suite must be OCRA-1:<crypto>:<data input>: " + text);
        }
        Matcher crypto = CRYPTO.matcher(parts[1]);
        if (!crypto.matches()) {
            throw new OtpFormatException("unsupported CryptoFunction '" + parts[1] + "'");
        }
        OtpAlgorithm algorithm = OtpAlgorithm.fromSuiteToken(crypto.group(1));
        int digits = Integer.parseInt(crypto.group(2));

        String[] inputs = parts[2].split("-", -1);
        int i = 0;
        boolean counter = false;
        if (i < inputs.length && inputs[i].equals("C")) {
            counter = true;
            i++;
        }
        if (i >= inputs.length) {
            throw new OtpFormatException("OCRA data input needs a question: " + text);
        }
        Matcher q = QUESTION.matcher(inputs[i]);
        if (!q.matches()) {
            throw new OtpFormatException("OCRA data input needs Q[A|N|H]nn after the optional C: " + text);
        }
        QuestionFormat format = switch (q.group(1)) {
            case "A" -> QuestionFormat.ALPHANUMERIC;
            case "N" -> QuestionFormat.NUMERIC;
            default -> QuestionFormat.HEX;
        };
        int qLength = Integer.parseInt(q.group(2));
        i++;
        Optional<OtpAlgorithm> pin = Optional.empty();
        if (i < inputs.length && PIN.matcher(inputs[i]).matches()) {
            pin = Optional.of(OtpAlgorithm.fromSuiteToken(inputs[i].substring(1)));
            i++;
        }
        int session = 0;
        if (i < inputs.length) {
            Matcher s = SESSION.matcher(inputs[i]);
            if (s.matches()) {
                session = Integer.parseInt(s.group(1));
                if (session == 0) {
                    throw new OtpFormatException("OCRA session length must be at least 1");
                }
                i++;
            }
        }
        Optional<Duration> step = Optional.empty();
        if (i < inputs.length) {
            Matcher t = TIME.matcher(inputs[i]);
            if (t.matches()) {
                int n = Integer.parseInt(t.group(1));
                // RFC 6287 §6.3: [1-59]S, [1-59]M, [0-48]H; a zero step would make T undefined, so H needs 1..48.
                Duration d = switch (t.group(2)) {
                    case "S" -> n >= 1 && n <= 59 ? Duration.ofSeconds(n) : null;
                    case "M" -> n >= 1 && n <= 59 ? Duration.ofMinutes(n) : null;
                    default -> n >= 1 && n <= 48 ? Duration.ofHours(n) : null;
                };
                if (d == null) {
                    throw new OtpFormatException("OCRA time step out of range: " + inputs[i]);
                }
                step = Optional.of(d);
                i++;
            }
        }
        if (i != inputs.length) {
            throw new OtpFormatException("unexpected OCRA data input '" + inputs[i] + "' in " + text);
        }
        return new OcraSuite(text, algorithm, digits, counter, format, qLength, pin, session, step);
    }

    /** T for a moment: whole time steps since the Unix epoch (RFC 6287 §6.3). */
    public long timeSteps(Instant at) {
        Duration step = timeStep.orElseThrow(() -> new OtpFormatException("suite has no T: " + text));
        return Math.floorDiv(at.getEpochSecond(), step.toSeconds());
    }

    @Override
    public String toString() {
        return text;
    }
}
