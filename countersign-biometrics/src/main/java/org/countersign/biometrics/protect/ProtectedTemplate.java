package org.countersign.biometrics.protect;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.countersign.biometrics.api.BiometricException;
import org.countersign.biometrics.api.ReasonCode;
import org.countersign.core.bytes.ByteArray;

/**
 * A renewable, protected reference (ISO/IEC 24745 "pseudonymous identifier"): the output of a keyed transform,
 * never the raw feature vector. It records what made it — transform scheme and version, the raw template format
 * it was computed from, and the parameters — so that a later engine or scheme change is detected and leads to
 * re-enrolment instead of meaningless scores.
 *
 * <p>It is not secret enough to store in the clear by itself: the server seals {@link #encode()} with its key
 * service, and keeps the {@link TransformKey} apart from it.
 */
public record ProtectedTemplate(String scheme, String sourceFormat, ProtectionParameters parameters, ByteArray code) {
    private static final int MAGIC = 0x43535054; // "CSPT"
    private static final int ENCODING_VERSION = 1;

    public ProtectedTemplate {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(sourceFormat, "sourceFormat");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(code, "code");
        if (code.length() * 8 != parameters.outputBits()) {
            throw new IllegalArgumentException("code length does not match outputBits");
        }
    }

    /** Stable binary form for sealing: magic, encoding version, scheme, source format, parameters, code. */
    public ByteArray encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + code.length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeByte(ENCODING_VERSION);
            out.writeUTF(scheme);
            out.writeUTF(sourceFormat);
            out.writeInt(parameters.inputDimension());
            out.writeInt(parameters.outputBits());
            out.write(code.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory stream failed", e);
        }
        return ByteArray.copyOf(bytes.toByteArray());
    }

    /** Inverse of {@link #encode()}; refuses anything malformed with {@link ReasonCode#TEMPLATE_CORRUPT}. */
    public static ProtectedTemplate decode(ByteArray encoded) throws BiometricException {
        if (encoded == null) {
            throw new BiometricException(ReasonCode.TEMPLATE_CORRUPT, "protected template is missing");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded.toByteArray()))) {
            if (in.readInt() != MAGIC) {
                throw new BiometricException(ReasonCode.TEMPLATE_CORRUPT, "not a protected template");
            }
            int version = in.readUnsignedByte();
            if (version != ENCODING_VERSION) {
                throw new BiometricException(ReasonCode.TEMPLATE_FORMAT_MISMATCH,
                        "unknown protected-template encoding version " + version);
            }
            String scheme = in.readUTF();
            String sourceFormat = in.readUTF();
            ProtectionParameters parameters = new ProtectionParameters(in.readInt(), in.readInt());
            byte[] code = new byte[parameters.outputBits() / 8];
            in.readFully(code);
            if (in.read() != -1) {
                throw new BiometricException(ReasonCode.TEMPLATE_CORRUPT, "trailing bytes after protected template");
            }
            return new ProtectedTemplate(scheme, sourceFormat, parameters, ByteArray.copyOf(code));
        } catch (IOException | IllegalArgumentException e) {
            throw new BiometricException(ReasonCode.TEMPLATE_CORRUPT, "protected template is malformed: " + e, e);
        }
    }
}
