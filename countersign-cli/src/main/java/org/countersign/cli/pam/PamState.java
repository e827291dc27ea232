package org.countersign.cli.pam;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the request stage hands to the wait stage of the same PAM conversation (sshd, see {@link PamLogin.Stage}):
 * the request id and the code already shown. Both stages are children of the same process (pam_exec forks from
 * the process running the PAM stack, and the wrapper {@code exec}s the JVM), so the file is named by that parent
 * process and the user; it lives in a folder only its owner can enter, is read once and deleted, and is ignored
 * when older than the login timeout.
 *
 * @param requestId the verifier's request id, or {@link #FALLBACK} when a listed user was let in without one
 * @param code      the code the request stage showed (empty while queued)
 */
record PamState(String requestId, String code) {
    static final String FALLBACK = "fallback";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{0,10}");

    PamState {
        if (!SAFE.matcher(requestId).matches() || !DIGITS.matcher(code).matches()) {
            throw new IllegalArgumentException("malformed state");
        }
    }

    static void save(Path dir, String user, PamState state) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path tmp = Files.createTempFile(dir, "state", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, state.requestId() + " " + state.code() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file(dir, user), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The state of this conversation, removed as it is read; empty when missing, stale or malformed. */
    static Optional<PamState> take(Path dir, String user, Duration maxAge, Clock clock) {
        Path f = file(dir, user);
        try {
            Instant written = Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toInstant();
            String text = Files.readString(f, StandardCharsets.UTF_8).strip();
            Files.delete(f);
            if (written.plus(maxAge).isBefore(clock.instant())) {
                return Optional.empty();
            }
            String[] parts = text.split(" ", -1);
            return Optional.of(new PamState(parts[0], parts.length > 1 ? parts[1] : ""));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Path file(Path dir, String user) {
        long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L);
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(user.getBytes(StandardCharsets.UTF_8));
            return dir.resolve(parent + "-" + HexFormat.of().formatHex(h, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
