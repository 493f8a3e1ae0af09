package io.signalhub.indexing.core.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.signalhub.indexing.core.chunk.Chunk;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a manifest (format v1, docs/manifest.schema.json) that {@link ManifestReader} reads: the
 * one place a manifest is built, for the CLI, the benchmarks and the tests. Members in the order
 * {@code version, repository, revision, sources, settings, files}; revision and settings only when
 * given; strings escaped by Jackson.
 *
 * <pre>{@code
 * String json = new ManifestWriter("acme/shop", "sources/acme/")
 *     .file("app.py", bytes) // sha256 and size of the bytes
 *     .toJson();
 * }</pre>
 */
public final class ManifestWriter {

  private static final JsonFactory JSON = new JsonFactory();

  private final String repository;
  private final String sourcesPrefix;
  private final List<ManifestFile> files = new ArrayList<>();
  private String revision;
  private final Map<String, Object> settings = new LinkedHashMap<>();

  /**
   * @param repository what is indexed, e.g. "acme/shop"
   * @param sourcesPrefix where the files are in the bucket: file {@code p} at {@code prefix + p}
   */
  public ManifestWriter(String repository, String sourcesPrefix) {
    this.repository = repository;
    this.sourcesPrefix = sourcesPrefix;
  }

  /** The commit or tag indexed (informational); not written when null. */
  public ManifestWriter revision(String revision) {
    this.revision = revision;
    return this;
  }

  /**
   * Per-job settings by their member names ({@code chunkTokens}, {@code overlapLines}, {@code
   * batchSize}, {@code concurrency} as numbers; {@code mode}, {@code economyFallback} as strings),
   * in the map's order; only those given are written, so an explicit 0 stays apart from "the
   * deployment's default".
   */
  public ManifestWriter settings(Map<String, ?> settings) {
    this.settings.putAll(settings);
    return this;
  }

  /** A file with its SHA-256 (lower-case hex) and size, as listed. */
  public ManifestWriter file(String path, String sha256, long size) {
    files.add(new ManifestFile(path, sha256, size));
    return this;
  }

  /** A file whose SHA-256 and size are those of {@code content}. */
  public ManifestWriter file(String path, byte[] content) {
    return file(path, Chunk.sha256Hex(content), content.length);
  }

  /** The manifest as compact JSON. */
  public String toJson() {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("version", 1);
      json.writeStringField("repository", repository);
      if (revision != null) {
        json.writeStringField("revision", revision);
      }
      json.writeObjectFieldStart("sources");
      json.writeStringField("prefix", sourcesPrefix);
      json.writeEndObject();
      if (!settings.isEmpty()) {
        json.writeObjectFieldStart("settings");
        for (Map.Entry<String, Object> setting : settings.entrySet()) {
          if (setting.getValue() instanceof Integer number) {
            json.writeNumberField(setting.getKey(), number);
          } else {
            json.writeStringField(setting.getKey(), String.valueOf(setting.getValue()));
          }
        }
        json.writeEndObject();
      }
      json.writeArrayFieldStart("files");
      for (ManifestFile file : files) {
        json.writeStartObject();
        json.writeStringField("path", file.path());
        json.writeStringField("sha256", file.sha256());
        json.writeNumberField("size", file.size());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /** The manifest as UTF-8 JSON bytes, ready to upload. */
  public byte[] toBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }
}
