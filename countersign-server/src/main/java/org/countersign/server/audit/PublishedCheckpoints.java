package org.countersign.server.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.countersign.core.audit.Checkpoint;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.store.StoreException;

/**
 * Checkpoints copied to an append-only text file outside the database ({@code <data>/audit-checkpoints.log}), one
 * per line: {@code seq hash-hex time signature-hex}. Whoever can only write the database cannot delete these, so
 * {@code audit verify} reports a published checkpoint that is missing from the table. Each line is self-verifying
 * (it carries the signature), so the file may also be shipped to a log collector or WORM store as is.
 */
final class PublishedCheckpoints {
    private PublishedCheckpoints() {}

    static void append(Path file, Checkpoint cp) {
        String line = cp.seq() + " " + cp.hash().toHex() + " " + cp.time() + " " + cp.signature().toHex() + "\n";
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        } catch (IOException e) {
            throw new StoreException("cannot publish audit checkpoint to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parsed lines; a line cut short by a crash (or otherwise unreadable) is skipped. */
    static List<Checkpoint> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Checkpoint> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split(" ");
            if (f.length != 4) {
                continue;
            }
            try {
                out.add(new Checkpoint(Long.parseLong(f[0]), ByteArray.fromHex(f[1]), Instant.parse(f[2]),
                        ByteArray.fromHex(f[3])));
            } catch (RuntimeException e) {
                // torn or foreign line: not evidence either way
            }
        }
        return out;
    }
}
