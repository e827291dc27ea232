package org.countersign.core.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProblemDocumentTest {
    @Test
    void readsTheMembersTheVerifierSends() {
        ProblemDocument p = ProblemDocument.parse(410, """
                {"type":"https://countersign.example/problems/request-expired","title":"The request has expired",
                 "status":410,"detail":"expired at 10:00","requestId":"r-1"}""");
        assertThat(p.status()).isEqualTo(410);
        assertThat(p.type()).contains(URI.create("https://countersign.example/problems/request-expired"));
        assertThat(p.slug()).isEqualTo("request-expired");
        assertThat(p.is("request-expired")).isTrue();
        assertThat(p.title()).isEqualTo("The request has expired");
        assertThat(p.message()).isEqualTo("expired at 10:00");
        assertThat(p.requestId()).contains("r-1");
        assertThat(p.reasonCodes()).isEmpty();
    }

    @Test
    void remoteReasonCodesAndTheLocalReasonEndUpInOneList() {
        ProblemDocument remote = ProblemDocument.parse(422,
                "{\"type\":\"urn:x:remote-capture-unusable\",\"reasonCodes\":[\"FACE_NOT_FOUND\",\"TOO_DARK\"]}");
        assertThat(remote.reasonCodes()).containsExactly("FACE_NOT_FOUND", "TOO_DARK");
        assertThat(remote.slug()).isEqualTo("urn:x:remote-capture-unusable");

        ProblemDocument local = ProblemDocument.parse(403,
                "{\"type\":\"/problems/local-refused\",\"title\":\"Refused\",\"reason\":\"user-not-verified\"}");
        assertThat(local.reason()).contains("user-not-verified");
        assertThat(local.slug()).isEqualTo("local-refused");
        assertThat(local.message()).isEqualTo("Refused");
    }

    @Test
    void aBodyThatIsNotAProblemStillGivesOneShape() {
        ProblemDocument html = ProblemDocument.parse(502, "<html>" + "x".repeat(500) + "</html>");
        assertThat(html.type()).isEmpty();
        assertThat(html.slug()).isEmpty();
        assertThat(html.detail()).startsWith("<html>").hasSize(200);

        ProblemDocument empty = ProblemDocument.parse(401, (byte[]) null);
        assertThat(empty.message()).isEqualTo("HTTP 401");
        assertThat(ProblemDocument.parse(500, "[1,2]").type()).isEmpty();
    }

    @Test
    void membersOfTheWrongKindAreIgnored() {
        ProblemDocument p = ProblemDocument.parse(400,
                "{\"type\":42,\"title\":[\"a\"],\"detail\":null,\"reasonCodes\":\"NOT_A_LIST\",\"requestId\":7}");
        assertThat(p).isEqualTo(new ProblemDocument(400, Optional.empty(), "", "", List.of(), Optional.empty()));
    }
}
