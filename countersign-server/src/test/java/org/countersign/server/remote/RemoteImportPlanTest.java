package org.countersign.server.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A-S1: the two import sources an operator can give. */
class RemoteImportPlanTest {
    @Test
    void csv_userIdAndRelativePath_headerAndCommentsSkipped(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("people.csv");
        Files.writeString(csv, "userId,image\n# staff photos\nalice,img/a1.jpg\nalice,img/a2.jpg\nbob, img/b.png\n");
        Map<String, List<Path>> plan = RemoteImport.plan(csv);
        assertThat(plan).containsOnlyKeys("alice", "bob");
        assertThat(plan.get("alice")).containsExactly(dir.resolve("img/a1.jpg"), dir.resolve("img/a2.jpg"));
        assertThat(plan.get("bob")).containsExactly(dir.resolve("img/b.png"));
    }

    @Test
    void folder_oneSubFolderPerUser_imagesOnly(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("carol"));
        Files.writeString(dir.resolve("carol/1.jpg"), "x");
        Files.writeString(dir.resolve("carol/notes.txt"), "x");
        assertThat(RemoteImport.plan(dir)).containsExactly(Map.entry("carol", List.of(dir.resolve("carol/1.jpg"))));
    }

    @Test
    void csv_malformedLine_refused(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "just-a-name\n");
        assertThatThrownBy(() -> RemoteImport.plan(csv)).isInstanceOf(IOException.class);
    }
}
