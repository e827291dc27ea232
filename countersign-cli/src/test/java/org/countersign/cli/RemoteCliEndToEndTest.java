package org.countersign.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import org.countersign.agent.remote.RemoteClient;
import org.countersign.server.Countersign;
import org.countersign.testkit.TestData;
import org.countersign.testkit.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * X.1279 §8.2.1–8.2.3 through the executable: {@code countersign enrol} on a folder of real frames (the blink clip),
 * {@code countersign authenticate} on a video made with ffmpeg from later frames of the same clip, and the operator's
 * {@code countersign import} from a folder of real face images.
 */
@Tag("integration")
class RemoteCliEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Countersign node;
    TestDatabase database;
    HttpClient http;
    String apiKey;

    @BeforeEach
    void start() throws Exception {
        database = TestDatabase.create();
        node = TestNodes.start(database, tmp.resolve("data"));
        http = RemoteClient.httpClient(java.util.Optional.of(node.caCertificatePath()));
        apiKey = call("POST", "/v1/admin/tenants", node.bootstrapAdminToken().orElseThrow(),
                "{\"id\":\"bank\",\"displayName\":\"Bank\",\"allowedOrigins\":[\"https://bank.example\"]}", 201)
                .get("apiKey").asText();
        // The clip performs a blink and nothing else: this tenant asks only for blinks.
        call("PUT", "/v1/remote/policy", apiKey, "{\"baseActions\":1,\"minActions\":1,\"maxActions\":1,"
                + "\"allowedActions\":[\"BLINK\"],\"baseTimeLimitMillis\":8000,\"perActionMillis\":4000,"
                + "\"minOsVersions\":{},\"failuresForExtraAction\":50,\"failuresForSecondModality\":50,"
                + "\"failureWindowMinutes\":1440,\"dormantAfterDays\":90,\"highValue\":1000,"
                + "\"secondModalityValue\":10000,\"refuseEmulators\":false}", 200);
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        database.close();
        try (var files = Files.walk(tmp)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private JsonNode call(String method, String path, String token, String body, int expected) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expected);
        return JSON.readTree(r.body());
    }

    private Path frames(String name, int from, int to) throws Exception {
        Path src = TestData.require("liveness/clips/" + name);
        Path dir = Files.createDirectories(tmp.resolve(name + "-" + from + "-" + to));
        for (int i = from; i <= to; i++) {
            String f = String.format("%04d.png", i);
            Files.copy(src.resolve(f), dir.resolve(String.format("%04d.png", i - from + 1)));
        }
        return dir;
    }

    private record Run(int exit, String out) {}

    private Run run(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        PrintStream capture = new PrintStream(buf, true);
        System.setOut(capture);
        try {
            CommandLine cl = Main.commandLine();
            int exit = cl.execute(args);
            return new Run(exit, buf.toString());
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void X1279_8_2_enrollOnFramesFolder_thenAuthenticateOnVideo_blinkClipRealFrames() throws Exception {
        call("POST", "/v1/users", apiKey, "{\"userId\":\"alice\"}", 201);
        // The RP records consent, issues the device's enrolment code and a single-use grant for the registration.
        call("POST", "/v1/remote/users/alice/consent", apiKey, "{\"noticeVersion\":\""
                + call("GET", "/v1/remote/privacy-notice", apiKey, "", 200).get("version").asText() + "\"}", 201);
        String grant = call("POST", "/v1/remote/grants", apiKey, "{\"userId\":\"alice\",\"operation\":\"REGISTER\"}",
                201).get("grant").asText();
        String code = call("POST", "/v1/remote/enrolments", apiKey, "{\"userId\":\"alice\",\"deviceType\":\"cli\"}", 201)
                .get("enrolmentCode").asText();
        Path home = tmp.resolve("home");
        String[] common = {"--server", node.baseUrl(), "--tenant", "bank", "--user", "alice", "--ca",
            node.caCertificatePath().toString(), "--home", home.toString()};

        Run enrol = run(concat(new String[] {"enrol", "--enrolment-code", code, "--grant", grant, "--frames",
            frames("blink_frontal_male1", 1, 40).toString()}, common));
        assertThat(enrol.exit()).as(enrol.out()).isEqualTo(0);
        assertThat(enrol.out()).contains("secure channel open", "blink with both eyes", "result: ACCEPTED");
        try (var files = Files.list(home)) {
            assertThat(files.toList()).hasSize(1);
        }

        Path video = tmp.resolve("later.mp4");
        Process ff = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-framerate", "10", "-i",
                frames("blink_frontal_male1", 41, 80).resolve("%04d.png").toString(), "-pix_fmt", "yuv420p",
                "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", video.toString()).inheritIO().start();
        assertThat(ff.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ff.exitValue()).isZero();
        // The RP opens the authentication (user, value, its own risk data) and hands the challenge id over.
        String challenge = call("POST", "/v1/remote/authentications", apiKey,
                "{\"userId\":\"alice\",\"transactionValue\":10}", 201).get("challengeId").asText();
        Run auth = run(concat(new String[] {"authenticate", "--challenge", challenge, "--video", video.toString()},
                common));
        assertThat(auth.exit()).as(auth.out()).isEqualTo(0);
        assertThat(auth.out()).contains("result: ACCEPTED", "comparison", "asked for: a blink; the server saw: a blink");
        assertThat(call("POST", "/v1/remote/challenges/" + challenge + "/consume", apiKey, "{}", 200)
                .get("outcome").asText()).isEqualTo("ACCEPTED");

        // Without enrolment the device cannot authenticate for another user.
        Run other = run("authenticate", "--challenge", challenge, "--server", node.baseUrl(), "--tenant", "bank", "--user", "bob", "--ca",
                node.caCertificatePath().toString(), "--home", home.toString(), "--frames", tmp.toString());
        assertThat(other.exit()).isEqualTo(RemoteCommands.USAGE);
    }

    @Test
    void A_S1_operatorImportFromFolder_realFaceImages_protectedSealedReferencesCreated() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("import"));
        for (String person : new String[] {"amy", "penny"}) {
            Path d = Files.createDirectories(src.resolve(person));
            Path people = TestData.require("faces/verification/faceapi/" + person);
            try (var s = Files.list(people)) {
                for (Path p : s.sorted().limit(2).toList()) {
                    Files.copy(p, d.resolve(p.getFileName()));
                }
            }
        }
        Run r = run("import", "--tenant", "bank", "--from", src.toString(), "--data-dir",
                tmp.resolve("data").toString(), "--database-url", database.url(), "--database-user", database.user());
        assertThat(r.out()).contains("of 2 users into bank");
        try (var c = node.store().dataSource().getConnection();
                var rs = c.createStatement().executeQuery("select count(*) from remote_references where"
                        + " tenant_id = 'bank' and source = 'import'")) {
            rs.next();
            assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(1);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
