package org.countersign.biometrics.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path dir;

    private void touch(String relative) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
    }

    @Test
    void flatFvcNamesGiveSubjectsInNaturalOrder() throws IOException {
        touch("101_10.tif");
        touch("101_2.tif");
        touch("102_1.tif");
        touch("readme.txt");
        List<Sample> s = Datasets.verification(dir);
        assertThat(s).extracting(Sample::subject).containsExactly("101", "101", "102");
        assertThat(s).extracting(x -> x.file().getFileName().toString())
                .containsExactly("101_2.tif", "101_10.tif", "102_1.tif");
    }

    @Test
    void oneFolderPerSubject() throws IOException {
        touch("alice/alice1.png");
        touch("alice/alice2.png");
        touch("s10/1.png");
        touch("s2/1.png");
        List<Sample> s = Datasets.verification(dir);
        assertThat(s).extracting(Sample::subject).containsExactly("alice", "alice", "s2", "s10");
    }

    @Test
    void padFoldersAtAnyDepth() throws IOException {
        touch("nuaa/bona-fide/0001/a.jpg");
        touch("nuaa/bona-fide/0002/b.jpg");
        touch("nuaa/attack/0001/c.jpg");
        Datasets.PadDataset d = Datasets.presentationAttacks(dir);
        assertThat(d.bonaFide()).hasSize(2);
        assertThat(d.attack()).hasSize(1);
    }

    @Test
    void emptyFolderIsAnError() {
        assertThatThrownBy(() -> Datasets.verification(dir)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Datasets.presentationAttacks(dir)).isInstanceOf(IOException.class);
    }
}
