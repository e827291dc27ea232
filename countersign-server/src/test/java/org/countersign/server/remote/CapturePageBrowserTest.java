package org.countersign.server.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.countersign.agent.remote.DeviceCredential;
import org.countersign.agent.remote.RemoteChallenge;
import org.countersign.agent.remote.RemoteSession;
import org.countersign.biometrics.liveness.Action;
import org.countersign.server.TestServer;
import org.countersign.testkit.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capture page in Debian's Chromium with a fake camera fed from a y4m file made by ffmpeg from real frames:
 * enrolment of the browser as a device, SRP in JavaScript, prompts, canvas JPEG frames, sealed capture and result.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapturePageBrowserTest {
    static final Path CHROMIUM = Path.of(System.getProperty("countersign.test.chromium", "/usr/bin/chromium"));

    @TempDir
    Path tmp;
    TestServer server;
    RemoteFixture fx;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "Chromium not installed");
        server = TestServer.onPostgres(c -> c);
        fx = new RemoteFixture(server, "web");
        fx.policy(RemoteFixture.onlyActions(1, "BLINK"));
        // Registration from the CLI agent on the first 40 frames of the blink clip.
        DeviceCredential d = fx.device("sam", "cli");
        RemoteSession s = fx.client.login(d);
        RemoteChallenge c = s.request("REGISTER", "sam", null, null, null, fx.grant("sam", "REGISTER"));
        assertThat(s.capture(c, Frames.capture(Frames.jpegs(Frames.clip("blink_frontal_male1", 1, 40), 0.85f)),
                List.of(Action.BLINK)).outcome()).isEqualTo("ACCEPTED");
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private Path y4mFromClip(String clip, int from, int to) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(clip + from));
        Path src = TestData.require("liveness/clips/" + clip);
        for (int i = from; i <= to; i++) {
            Files.copy(src.resolve(String.format("%04d.png", i)), dir.resolve(String.format("%04d.png", i - from + 1)));
        }
        Path out = tmp.resolve(clip + "-" + from + ".y4m");
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-framerate", "10", "-i",
                dir.resolve("%04d.png").toString(), "-vf",
                "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-pix_fmt", "yuv420p",
                "-r", "10", out.toString()).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return out;
    }

    private String runPage(Path y4m, String code) throws Exception {
        try (Playwright pw = Playwright.create()) {
            Browser browser = pw.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
                    .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic",
                            "--no-first-run", "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                            "--use-file-for-fake-video-capture=" + y4m)));
            BrowserContext ctx = browser.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true));
            Page page = ctx.newPage();
            page.onConsoleMessage(m -> System.out.println("[page] " + m.text()));
            // The RP opened the authentication and sends the user to the page with its challenge id.
            page.navigate(server.url("/capture/index.html?tenant=web&user=sam&op=AUTHENTICATE&autostart=1&code=" + code
                    + "&challenge=" + fx.open("sam")));
            page.waitForSelector("body[data-outcome]", new Page.WaitForSelectorOptions().setTimeout(90_000));
            String result = page.getAttribute("body", "data-outcome") + " " + page.textContent("#result-detail");
            System.out.println("[page] " + result);
            browser.close();
            return result;
        }
    }

    @Test
    void X1279_8_2_2_chromiumFakeCamera_y4mFromLaterBlinkClipFrames_authenticationAccepted() throws Exception {
        String result = runPage(y4mFromClip("blink_frontal_male1", 41, 80), fx.enrolmentCode("sam", "browser"));
        assertThat(result).startsWith("ACCEPTED");
    }

    @Test
    void attack_chromiumFakeCamera_heldStillPhotoOfTheBlinkSubject_y4m_notAccepted() throws Exception {
        Path y4m = TestData.require("liveness/photo-attack/photo_static_blink_subject.y4m");
        String result = runPage(y4m, fx.enrolmentCode("sam", "browser"));
        assertThat(result).doesNotStartWith("ACCEPTED");
    }
}
