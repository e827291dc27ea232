package org.countersign.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.countersign.server.store.Store;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local user must not be able to run code as the server by planting PostgreSQL programs where the embedded store
 * looks for them. The embedding library unpacks its binaries once into {@code <tmpdir>/embedded-pg/PG-<md5 of the
 * archive>} — a folder it makes world-writable — and reuses whatever it finds there. The attack: plant {@code initdb},
 * {@code pg_ctl} and {@code postgres} there before the server's first start (or swap the folder later: without the
 * sticky bit anyone may rename it), and the server runs them with its own rights and hands them the database
 * superuser's password.
 */
@Tag("integration")
class EmbeddedRuntimePlantingTest {

    /** The child JVM: opens and closes the embedded store of {@code args[0]}. */
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        try (Store store = Store.embedded(dataDir, 2, Countersign.masterKeys(dataDir), false)) {
            System.out.println("store opened, embedded " + store.isEmbedded());
        }
    }

    @Test
    void A_G5_programsPlantedInTheSharedTempFolderAreNeverRun(@TempDir Path tmp) throws Exception {
        Path sharedTmp = Files.createDirectories(tmp.resolve("shared-tmp"));
        Path marker = tmp.resolve("planted-program-ran");
        Path planted = sharedTmp.resolve("embedded-pg").resolve("PG-" + archiveDigest());
        Files.createDirectories(planted.resolve("lib"));
        Files.createDirectories(planted.resolve("share"));
        Files.createDirectories(planted.resolve("bin"));
        Files.writeString(planted.resolve(".exists"), "");
        for (String program : List.of("initdb", "pg_ctl", "postgres")) {
            Path p = planted.resolve("bin").resolve(program);
            Files.writeString(p, "#!/bin/sh\necho \"" + program + " $*\" >> '" + marker + "'\nexit 1\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path dataDir = Files.createDirectories(tmp.resolve("data"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Djava.io.tmpdir=" + sharedTmp, "-cp",
                System.getProperty("java.class.path"), EmbeddedRuntimePlantingTest.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(180, TimeUnit.SECONDS)).isTrue();

        assertThat(Files.exists(marker)).as("a planted program ran: %s%nchild output:%n%s",
                Files.exists(marker) ? Files.readString(marker) : "", out).isFalse();
        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).contains("store opened, embedded true");
    }

    @Test
    void A_G5_theEmbeddedProgramsLiveInsideTheOwnerOnlyDataFolder(@TempDir Path tmp) throws Exception {
        Path dataDir = Files.createDirectories(tmp.resolve("data"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (Store store = Store.embedded(dataDir, 2, Countersign.masterKeys(dataDir), false)) {
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(0)
                    .trim());
            Path exe = Path.of("/proc", Long.toString(pid), "exe").toRealPath();
            Path guard = dataDir.toRealPath().resolve("postgres-runtime");
            assertThat(exe).startsWith(guard);
            // Nobody else may even pass the folder above the programs (the library opens its own folder to all).
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(guard);
            assertThat(perms).as(guard.toString()).containsOnly(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
        }
    }

    /** The library names its unpack folder after the MD5 of the binaries archive it ships. */
    private static String archiveDigest() throws Exception {
        try (InputStream in = EmbeddedRuntimePlantingTest.class.getClassLoader()
                .getResourceAsStream("postgres-linux-x86_64.txz")) {
            assertThat(in).as("the embedded PostgreSQL archive on the class path").isNotNull();
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(in.readAllBytes()));
        }
    }
}
