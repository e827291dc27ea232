package org.countersign.server.remote;

import java.util.List;
import java.util.Map;
import org.countersign.server.http.ApiException;
import org.countersign.server.http.ProblemType;

/**
 * A refusal of the remote biometric module. Each {@link Kind} maps to one problem type; reason codes (liveness,
 * image or channel reasons) travel as the {@code reasonCodes} member so clients can act on them.
 */
public final class RemoteException extends ApiException {
    private static final long serialVersionUID = 1L;

    /** The failure kinds, one per problem type. */
    public enum Kind {
        ENROLMENT_INVALID(ProblemType.REMOTE_ENROLMENT_INVALID),
        DEVICE_EXISTS(ProblemType.REMOTE_DEVICE_EXISTS),
        DEVICE_REFUSED(ProblemType.REMOTE_DEVICE_REFUSED),
        SESSION_INVALID(ProblemType.REMOTE_SESSION_INVALID),
        SRP_FAILED(ProblemType.REMOTE_SRP_FAILED),
        CLIENT_MISMATCH(ProblemType.REMOTE_CLIENT_MISMATCH),
        CHANNEL_REFUSED(ProblemType.REMOTE_CHANNEL_REFUSED),
        CHALLENGE_INVALID(ProblemType.REMOTE_CHALLENGE_INVALID),
        NOT_REGISTERED(ProblemType.REMOTE_NOT_REGISTERED),
        CAPTURE_UNUSABLE(ProblemType.REMOTE_CAPTURE_UNUSABLE),
        ENGINE_UNAVAILABLE(ProblemType.REMOTE_ENGINE_UNAVAILABLE),
        GRANT_INVALID(ProblemType.REMOTE_GRANT_INVALID),
        CONSENT_REQUIRED(ProblemType.REMOTE_CONSENT_REQUIRED),
        INVALID(ProblemType.VALIDATION_FAILED);

        private final ProblemType type;

        Kind(ProblemType type) {
            this.type = type;
        }
    }

    private final Kind kind;
    private final List<String> reasonCodes;

    public RemoteException(Kind kind, String detail) {
        this(kind, detail, List.of());
    }

    public RemoteException(Kind kind, String detail, List<String> reasonCodes) {
        super(kind.type, detail, reasonCodes.isEmpty() ? Map.of() : Map.of("reasonCodes", List.copyOf(reasonCodes)));
        this.kind = kind;
        this.reasonCodes = List.copyOf(reasonCodes);
    }

    public Kind kind() {
        return kind;
    }

    public List<String> reasonCodes() {
        return reasonCodes;
    }
}
