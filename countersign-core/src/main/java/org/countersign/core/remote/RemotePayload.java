package org.countersign.core.remote;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.countersign.core.bytes.ByteArray;

/**
 * The plaintext of one sealed remote message: a JSON document and binary attachments (the frames of a capture).
 * Frames travel as raw bytes rather than base64 inside JSON, so a capture costs its JPEG size and not a third more.
 *
 * <pre>
 *   version      u8  = 1
 *   jsonLength   u32 big-endian | UTF-8 JSON object
 *   count        u16 big-endian (0..{@value #MAX_ATTACHMENTS})
 *   attachment   u32 big-endian length (1..{@value #MAX_ATTACHMENT_BYTES}) | bytes, repeated count times
 * </pre>
 * Decoding is strict: known version, bounded lengths, valid UTF-8, no trailing bytes.
 *
 * @param json        the message's JSON text
 * @param attachments binary parts in order
 */
public record RemotePayload(String json, List<ByteArray> attachments) {
    public static final int VERSION = 1;
    public static final int MAX_JSON_BYTES = 256 * 1024;
    public static final int MAX_ATTACHMENTS = 128;
    public static final int MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024;

    public RemotePayload {
        Objects.requireNonNull(json, "json");
        attachments = List.copyOf(attachments);
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_JSON_BYTES) {
            throw new IllegalArgumentException("JSON part too long");
        }
        if (attachments.size() > MAX_ATTACHMENTS) {
            throw new IllegalArgumentException("too many attachments");
        }
        for (ByteArray a : attachments) {
            if (a.isEmpty() || a.length() > MAX_ATTACHMENT_BYTES) {
                throw new IllegalArgumentException("attachment must hold 1.." + MAX_ATTACHMENT_BYTES + " bytes");
            }
        }
    }

    /** A payload without attachments. */
    public static RemotePayload of(String json) {
        return new RemotePayload(json, List.of());
    }

    public ByteArray encode() {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        int size = 1 + 4 + j.length + 2;
        for (ByteArray a : attachments) {
            size += 4 + a.length();
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) VERSION).putInt(j.length).put(j).putShort((short) attachments.size());
        for (ByteArray a : attachments) {
            b.putInt(a.length()).put(a.toByteArray());
        }
        return ByteArray.copyOf(b.array());
    }

    /**
     * Strict decoding of untrusted bytes.
     *
     * @throws IllegalArgumentException with a short reason when the bytes are not a valid payload
     */
    public static RemotePayload decode(ByteArray encoded) {
        ByteBuffer b = ByteBuffer.wrap(encoded.toByteArray());
        try {
            int version = b.get() & 0xff;
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown payload version " + version);
            }
            int jsonLength = b.getInt();
            if (jsonLength < 2 || jsonLength > MAX_JSON_BYTES || jsonLength > b.remaining()) {
                throw new IllegalArgumentException("bad JSON length");
            }
            byte[] j = new byte[jsonLength];
            b.get(j);
            String json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(j)).toString();
            int count = b.getShort() & 0xffff;
            if (count > MAX_ATTACHMENTS) {
                throw new IllegalArgumentException("too many attachments");
            }
            List<ByteArray> parts = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int len = b.getInt();
                if (len < 1 || len > MAX_ATTACHMENT_BYTES || len > b.remaining()) {
                    throw new IllegalArgumentException("bad attachment length at " + i);
                }
                byte[] a = new byte[len];
                b.get(a);
                parts.add(ByteArray.copyOf(a));
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes");
            }
            return new RemotePayload(json, parts);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated payload");
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("JSON part is not UTF-8");
        }
    }
}
