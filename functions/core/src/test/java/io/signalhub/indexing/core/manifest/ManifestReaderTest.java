package io.signalhub.indexing.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestReaderTest {

  private final ManifestReader reader =
      new ManifestReader(new ManifestLimits(1L << 30, 100_000, 1L << 20, 1024));

  /**
   * A member given twice is rejected: at the top ({@code version}), a second {@code files} array
   * (instead of validating one and fanning out the other), and inside a file ({@code path}).
   */
  @ParameterizedTest(name = "{0} is rejected naming ''{1}''")
  @CsvSource({
    "duplicate-version.json, version",
    "two-files-arrays.json, files",
    "duplicate-file-member.json, path"
  })
  void aMemberGivenTwiceIsRejected(String manifest, String member) {
    assertThatThrownBy(() -> reader.validate(fixture(manifest)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("duplicate member '" + member + "'");
  }

  @Test
  void aPathListedTwiceIsRejectedNamingThePath() {
    assertThatThrownBy(() -> reader.validate(fixture("duplicate-path.json")))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("files[2].path 'src/a.py' is listed twice");
  }

  @Test
  void distinctPathsThatDifferOnlyInCaseAreBothKept() throws Exception {
    assertThat(reader.validate(fixture("valid.json")).files()).isEqualTo(2);
  }

  @Test
  void manyDistinctPathsPassAndTheFirstRepeatIsCaught() throws Exception {
    StringBuilder json =
        new StringBuilder(
            "{\"version\":1,\"repository\":\"r\",\"sources\":{\"prefix\":\"s/\"},\"files\":[");
    String sha = "b".repeat(64);
    for (int i = 0; i < 5000; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"path\":\"d/f")
          .append(i)
          .append(".py\",\"sha256\":\"")
          .append(sha)
          .append("\",\"size\":1}");
    }
    String unique = json + "]}";
    String repeated = json + ",{\"path\":\"d/f4321.py\",\"sha256\":\"" + sha + "\",\"size\":1}]}";

    assertThat(reader.validate(stream(unique)).files()).isEqualTo(5000);
    assertThatThrownBy(() -> reader.validate(stream(repeated)))
        .hasMessage("files[5000].path 'd/f4321.py' is listed twice");
  }

  @Test
  void readingFromAnyCheckpointGivesEveryFileFromThereOn() throws Exception {
    // pretty-printed, paths beyond ASCII, a member after the files
    StringBuilder json =
        new StringBuilder("{\n  \"version\": 1,\n  \"repository\": \"r\",\n  \"files\": [\n");
    for (int i = 0; i < 2500; i++) {
      json.append(i == 0 ? "" : ",\n")
          .append("    { \"path\": \"dür/ファイル")
          .append(i)
          .append(".py\", \"sha256\": \"")
          .append("c".repeat(64))
          .append("\", \"size\": 1 }");
    }
    json.append("\n  ],\n  \"sources\": { \"prefix\": \"s/\" }\n}\n");
    byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);

    ManifestReader.Summary summary = reader.validate(new ByteArrayInputStream(bytes));
    List<ManifestFile> all = new ArrayList<>();
    reader.files(new ByteArrayInputStream(bytes)).forEachRemaining(all::add);

    assertThat(summary.index().headerFirst()).isFalse();
    assertThat(summary.index().checkpoints()).hasSize(3);
    for (long file : List.of(0L, 1023L, 1024L, 2047L, 2048L, 2499L)) {
      ManifestIndex.Seek seek = summary.index().seek(file);
      assertThat(seek.file()).isEqualTo(file / ManifestIndex.STRIDE * ManifestIndex.STRIDE);
      List<ManifestFile> fromThere = new ArrayList<>();
      reader
          .filesFrom(
              new ByteArrayInputStream(
                  bytes, (int) seek.offset(), bytes.length - (int) seek.offset()),
              seek)
          .forEachRemaining(fromThere::add);
      assertThat(fromThere).isEqualTo(all.subList((int) seek.file(), all.size()));
    }
  }

  @Test
  void aManifestWithItsFilesLastGivesItsHeaderFromTheBytesBeforeThem() throws Exception {
    byte[] bytes =
        new ManifestWriter("acme/shop", "sources/acme/")
            .revision("abc")
            .settings(Map.of("chunkTokens", 256, "mode", "economy"))
            .file("a.py", "d".repeat(64), 3)
            .file("b.py", "e".repeat(64), 4)
            .toBytes();

    ManifestReader.Summary summary = reader.validate(new ByteArrayInputStream(bytes));

    assertThat(summary.index().headerFirst()).isTrue();
    int headerEnd = (int) summary.index().headerEnd();
    assertThat(reader.headerBeforeFiles(new ByteArrayInputStream(bytes, 0, headerEnd)))
        .isEqualTo(summary.header())
        .isEqualTo(reader.header(new ByteArrayInputStream(bytes)));
  }

  private static InputStream fixture(String name) {
    return ManifestReaderTest.class.getResourceAsStream("/manifests/" + name);
  }

  private static InputStream stream(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }
}
