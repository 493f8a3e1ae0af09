package io.signalhub.indexing.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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

  private static InputStream fixture(String name) {
    return ManifestReaderTest.class.getResourceAsStream("/manifests/" + name);
  }

  private static InputStream stream(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }
}
