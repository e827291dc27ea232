package org.countersign.agent.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.countersign.biometrics.face.FaceAnalyzer;
import org.countersign.biometrics.face.QualityPolicy;
import org.countersign.biometrics.liveness.Action;
import org.countersign.core.bytes.SecretBytes;
import org.countersign.testkit.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The client's own checks (A-C1, A-C3, A-C4) on real clips, and credential storage (A-C5). */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaptureAgentTest {
    FaceAnalyzer analyzer;
    CaptureAgent agent;

    @BeforeAll
    void open() throws Exception {
        analyzer = FaceAnalyzer.open();
        agent = new CaptureAgent(analyzer, QualityPolicy.defaults());
    }

    @AfterAll
    void close() {
        analyzer.close();
    }

    @Test
    void A_C3_blinkClipFolder_preliminaryBlinkSeen_framesJpegWithMeasurements() throws Exception {
        List<FrameSource.Frame> frames = FrameSource.folder(TestData.require("liveness/clips/blink_frontal_male1"), 10)
                .subList(0, 40);
        CaptureAgent.Preliminary p = agent.prepare(frames, List.of(Action.BLINK));
        assertThat(p.actionsSeen()).contains(Action.BLINK);
        assertThat(p.actionsMatch()).isTrue();
        assertThat(p.passedFraction()).isGreaterThan(0.8);
        assertThat(p.bestFrame()).isBetween(0, 39);
        assertThat(p.frames()).hasSize(40).allSatisfy(f -> {
            assertThat(f.encoded().toByteArray()[0] & 0xff).isEqualTo(0xff);   // JPEG
            assertThat(f.client()).isPresent();
        });
    }

    @Test
    void A_C1_environment_backgroundPhotoWithoutFace_reportedAsPoor() throws Exception {
        Path dir = Files.createTempDirectory("env");
        Files.copy(TestData.require("faces/human-samples/background.jpg"), dir.resolve("0001.jpg"));
        CaptureAgent.Environment e = agent.environment(FrameSource.folder(dir, 10));
        assertThat(e.ok()).isFalse();
        assertThat(e.problems()).isNotEmpty();
    }

    @Test
    void A_C5_deviceCredential_keptOwnerOnly_andReadBack(@TempDir Path home) throws Exception {
        DeviceStore store = new DeviceStore(home.resolve("remote"));
        URI server = URI.create("https://verifier.example");
        DeviceCredential d = new DeviceCredential("bank", "d-1", "alice", "cli", SecretBytes.copyOf(new byte[32]));
        store.save(server, d);
        Path f = store.file(server, "bank", "alice");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        DeviceCredential back = store.load(server, "bank", "alice").orElseThrow();
        assertThat(back.deviceId()).isEqualTo("d-1");
        assertThat(back.secret().constantTimeEquals(d.secret())).isTrue();
        assertThat(store.load(server, "bank", "bob")).isEmpty();
        assertThat(store.forget(server, "bank", "alice")).isTrue();
    }
}
