package io.signalhub.indexing.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.chunk.Chunk;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterators;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class ManifestWriterTest {

  private final ManifestReader reader =
      new ManifestReader(new ManifestLimits(1L << 30, 100_000, 1L << 20, 1024));

  @Test
  void writesTheMembersInTheSchemasOrderAndLeavesOutWhatWasNotGiven() {
    byte[] app = "def handler(event):\n    return event\n".getBytes(StandardCharsets.UTF_8);

    String json = new ManifestWriter("demo", "sources/demo/").file("app.py", app).toJson();

    assertThat(json)
        .isEqualTo(
            "{\"version\":1,\"repository\":\"demo\",\"sources\":{\"prefix\":\"sources/demo/\"},"
                + "\"files\":[{\"path\":\"app.py\",\"sha256\":\""
                + Chunk.sha256Hex(app)
                + "\",\"size\":"
                + app.length
                + "}]}");
  }

  @Test
  void whatItWritesTheReaderReadsBackWithRevisionSettingsAndEscapedNames() throws Exception {
    Map<String, Integer> settings = new LinkedHashMap<>();
    settings.put("chunkTokens", 256);
    settings.put("overlapLines", 0);
    String sha = "a".repeat(64);

    byte[] manifest =
        new ManifestWriter("acme/\"shop\"", "sources/acme/")
            .revision("abc123")
            .settings(settings)
            .file("src/a \"quoted\".py", sha, 3)
            .file("src/b.py", sha, 4)
            .toBytes();

    ManifestReader.Summary summary = reader.validate(new ByteArrayInputStream(manifest));
    assertThat(summary.header())
        .isEqualTo(
            new ManifestHeader(
                1,
                "acme/\"shop\"",
                "abc123",
                "sources/acme/",
                new ManifestHeader.JobSettings(256, 0, 0, 0)));
    assertThat(summary.files()).isEqualTo(2);
    assertThat(summary.bytes()).isEqualTo(7);
    List<ManifestFile> files =
        StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(
                    reader.files(new ByteArrayInputStream(manifest)), 0),
                false)
            .toList();
    assertThat(files)
        .containsExactly(
            new ManifestFile("src/a \"quoted\".py", sha, 3), new ManifestFile("src/b.py", sha, 4));
    assertThat(new String(manifest, StandardCharsets.UTF_8))
        .contains("\"settings\":{\"chunkTokens\":256,\"overlapLines\":0}");
  }

  @Test
  void economyModeAndItsFallbackAreWrittenAsStringsTheReaderAccepts() throws Exception {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("chunkTokens", 256);
    settings.put("mode", "economy");
    settings.put("economyFallback", "resubmit");

    byte[] manifest =
        new ManifestWriter("demo", "sources/demo/")
            .settings(settings)
            .file("app.py", "a".repeat(64), 3)
            .toBytes();

    assertThat(reader.validate(new ByteArrayInputStream(manifest)).header().settings())
        .isEqualTo(new ManifestHeader.JobSettings(256, 0, 0, 0, "economy", "resubmit"));
    assertThat(new String(manifest, StandardCharsets.UTF_8))
        .contains(
            "\"settings\":{\"chunkTokens\":256,\"mode\":\"economy\",\"economyFallback\":\"resubmit\"}");
  }
}
