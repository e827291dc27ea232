package org.countersign.server.oob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.countersign.agent.oob.PushStream;
import org.countersign.agent.oob.ServerTrust;
import org.countersign.server.TestServer;
import org.countersign.server.TestServer.Response;
import org.countersign.testkit.emulators.EmulatedPhone;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A node stops cleanly while phones hold push streams and relying parties wait on long polls (A-G2: an operator's
 * stop must not hang or flood the log). A load run once saw a node with ~50 open streams hang in close() while its
 * keep-alive thread logged without end.
 */
@Tag("integration")
class OobShutdownTest {
    static final int PHONES = 40;

    @Test
    void stopWithOpenStreamsAndWaitingPollsEndsPromptlyWithoutALogFlood() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        List<EmulatedPhone> phones = new ArrayList<>();
        ExecutorService rp = Executors.newFixedThreadPool(8);
        TestServer server = TestServer.onPostgres(c -> c);
        try {
            String key = server.createTenant("shutdown");
            for (int i = 0; i < PHONES; i++) {
                Response e = server.post("/v1/oob/enrolments", key, "{\"userId\":\"u" + i + "\"}");
                assertThat(e.status()).as(e.body()).isEqualTo(201);
                phones.add(EmulatedPhone.enrol(e.json().get("enrolmentUri").asText(),
                        ServerTrust.caPemFile(server.node.caCertificatePath())).listen());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (phones.stream().anyMatch(p -> p.streamState() != PushStream.State.CONNECTED)
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(phones).allMatch(p -> p.streamState() == PushStream.State.CONNECTED);
            // Requests nobody answers, each with a relying party long-polling its result.
            List<Future<?>> polls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Response r = server.post("/v1/oob/requests", key, "{\"userId\":\"u" + i + "\",\"rpServerIp\":\"203.0.113.10\","
                        + "\"rpSessionId\":\"s-" + i + "\",\"terminalPublicIp\":\"198.51.100.7\",\"browser\":\"Firefox\","
                        + "\"browserVersion\":\"128.0\"}");
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                String id = r.json().get("requestId").asText();
                polls.add(rp.submit(() -> server.get("/v1/oob/requests/" + id + "?waitSeconds=25", key)));
            }
            Thread.sleep(500);
            int before = log.list.size();
            assertTimeoutPreemptively(Duration.ofSeconds(60), server::close, "node.close() hung with open streams");
            // Let the phones notice and the keep-alive timer fire at least once after the stop.
            Thread.sleep(Duration.ofSeconds(3).toMillis());
            List<ILoggingEvent> after = List.copyOf(log.list.subList(before, log.list.size()));
            long loud = after.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).count();
            assertThat(loud).as("warnings and errors logged by the stop: %s", after.stream()
                    .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).limit(5)
                    .map(ILoggingEvent::getFormattedMessage).toList()).isLessThan(PHONES);
        } finally {
            rp.shutdownNow();
            phones.forEach(EmulatedPhone::close);
            root.detachAppender(log);
        }
    }
}
