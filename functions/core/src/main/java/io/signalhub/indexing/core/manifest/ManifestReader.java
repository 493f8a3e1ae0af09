package io.signalhub.indexing.core.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.signalhub.indexing.core.LookaheadIterator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads a manifest (format v1, docs/manifest.schema.json) as a stream: memory stays constant
 * whatever the number of files. {@link #validate} checks everything before anything is enqueued;
 * {@link #files} then streams the files again.
 */
public final class ManifestReader {

  /**
   * Strict duplicate detection: a member given twice ({@code "version"} twice, two {@code files}
   * arrays) would otherwise make validation and fan-out read different manifests. Jackson keeps the
   * names of the open objects only, so memory stays flat.
   */
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern PREFIX = Pattern.compile("[^\\u0000]*");

  private final ManifestLimits limits;

  public ManifestReader(ManifestLimits limits) {
    this.limits = limits;
  }

  /** The header, the number of files and where they are, once every member has been checked. */
  public record Summary(ManifestHeader header, long files, long bytes, ManifestIndex index) {}

  public Summary validate(InputStream in) throws InvalidManifestException {
    long[] counts = new long[2];
    ManifestIndex.Builder index = new ManifestIndex.Builder();
    ManifestHeader header =
        read(
            in,
            file -> {
              counts[0]++;
              counts[1] += file.size();
            },
            Files.VALIDATE,
            index);
    return new Summary(header, counts[0], counts[1], index.build());
  }

  /**
   * Streams the files of a manifest already validated; the iterator closes the stream at its end.
   */
  public Iterator<ManifestFile> files(InputStream in) {
    try {
      JsonParser parser = JSON.createParser(in);
      expect(parser.nextToken() == JsonToken.START_OBJECT, "a manifest is a JSON object");
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        if (name.equals("files")) {
          return fileIterator(parser, 0);
        }
        parser.skipChildren();
      }
      parser.close();
      throw new IllegalStateException("The manifest has no files array");
    } catch (IOException | InvalidManifestException e) {
      throw new IllegalStateException(
          "A validated manifest could not be read again: " + e.getMessage(), e);
    }
  }

  private Iterator<ManifestFile> fileIterator(JsonParser parser, long firstIndex) {
    return new LookaheadIterator<>() {
      private long index = firstIndex;
      private boolean done;

      @Override
      protected ManifestFile computeNext() {
        if (done) {
          return null;
        }
        try {
          if (parser.nextToken() == JsonToken.START_OBJECT) {
            return readFile(parser, index++);
          }
          done = true;
          parser.close();
          return null;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (InvalidManifestException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
      }
    };
  }

  /**
   * Streams the files of a manifest already validated from a checkpoint of its {@link
   * ManifestIndex}: {@code in} starts at {@code seek}'s byte offset, the manifest's first byte or
   * file {@code seek.file()}'s.
   */
  public Iterator<ManifestFile> filesFrom(InputStream in, ManifestIndex.Seek seek) {
    if (seek.offset() == 0) {
      return files(in);
    }
    try {
      // the stream starts inside the files array: read it as an array of its own
      JsonParser parser =
          JSON.createParser(
              new SequenceInputStream(new ByteArrayInputStream(new byte[] {'['}), in));
      expect(parser.nextToken() == JsonToken.START_ARRAY, "a checkpoint opens the files array");
      return fileIterator(parser, seek.file());
    } catch (IOException | InvalidManifestException e) {
      throw new IllegalStateException(
          "A validated manifest could not be read again: " + e.getMessage(), e);
    }
  }

  /**
   * The header of a manifest already validated, its files skipped unread (economy mode reads the
   * job's settings from it).
   */
  public ManifestHeader header(InputStream in) throws InvalidManifestException {
    return read(in, file -> {}, Files.SKIP, null);
  }

  /**
   * The header of a manifest validated before whose {@link ManifestIndex#headerFirst} says no
   * member follows its files: read up to the files, no further.
   */
  public ManifestHeader headerBeforeFiles(InputStream in) throws InvalidManifestException {
    return read(in, file -> {}, Files.STOP, null);
  }

  /** What {@link #read} does with the files: validate them, skip them unread, or stop there. */
  private enum Files {
    VALIDATE,
    SKIP,
    STOP
  }

  /**
   * @param index records where the files are while they are validated
   */
  private ManifestHeader read(
      InputStream in, Consumer<ManifestFile> onFile, Files files, ManifestIndex.Builder index)
      throws InvalidManifestException {
    Integer version = null;
    String repository = null;
    String revision = "";
    String prefix = null;
    ManifestHeader.JobSettings settings = ManifestHeader.JobSettings.DEFAULTS;
    boolean sawFiles = false;
    PathFingerprints paths = new PathFingerprints();
    try (JsonParser parser = JSON.createParser(in)) {
      expect(parser.nextToken() == JsonToken.START_OBJECT, "a manifest is a JSON object");
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "version" -> {
            expect(
                value == JsonToken.VALUE_NUMBER_INT && parser.getIntValue() == 1,
                "version must be 1");
            version = 1;
          }
          case "repository" -> repository = text(parser, value, "repository", 256);
          case "revision" -> revision = text(parser, value, "revision", 256);
          case "sources" -> prefix = sourcesPrefix(parser, value);
          case "settings" -> settings = settings(parser, value);
          case "files" -> {
            expect(value == JsonToken.START_ARRAY, "files must be an array");
            sawFiles = true;
            if (files == Files.STOP) {
              return header(version, repository, revision, prefix, settings, true);
            }
            if (files == Files.SKIP) {
              parser.skipChildren();
              continue;
            }
            long at = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
              long fileIndex = at;
              expect(
                  parser.currentToken() == JsonToken.START_OBJECT,
                  "files[" + fileIndex + "] must be an object");
              index.file(fileIndex, parser.currentTokenLocation().getByteOffset());
              if (fileIndex >= limits.maxFiles()) {
                throw new InvalidManifestException(
                    "the manifest lists more than " + limits.maxFiles() + " files");
              }
              ManifestFile file = readFile(parser, fileIndex);
              expect(
                  paths.add(file.path()),
                  "files[" + fileIndex + "].path '" + file.path() + "' is listed twice");
              at++;
              onFile.accept(file);
            }
            continue;
          }
          default -> throw new InvalidManifestException("unknown member '" + name + "'");
        }
        if (sawFiles && files == Files.VALIDATE) {
          index.memberAfterFiles();
        }
      }
      expect(parser.nextToken() == null, "content after the manifest object");
    } catch (JsonParseException e) {
      String problem = e.getOriginalMessage();
      if (problem.startsWith("Duplicate field")) {
        problem = problem.replace("Duplicate field", "duplicate member") + " (each member once)";
      }
      throw new InvalidManifestException(
          "not valid JSON at line " + e.getLocation().getLineNr() + ": " + problem);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the manifest", e);
    }
    return header(version, repository, revision, prefix, settings, sawFiles);
  }

  private static ManifestHeader header(
      Integer version,
      String repository,
      String revision,
      String prefix,
      ManifestHeader.JobSettings settings,
      boolean sawFiles)
      throws InvalidManifestException {
    expect(version != null, "version is missing");
    expect(repository != null, "repository is missing");
    expect(prefix != null, "sources.prefix is missing");
    expect(sawFiles, "files is missing");
    return new ManifestHeader(version, repository, revision, prefix, settings);
  }

  private ManifestFile readFile(JsonParser parser, long index)
      throws IOException, InvalidManifestException {
    String path = null;
    String sha256 = null;
    Long size = null;
    String where = "files[" + index + "]";
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (name) {
        case "path" -> path = text(parser, value, where + ".path", limits.maxPathLength());
        case "sha256" -> sha256 = text(parser, value, where + ".sha256", 64);
        case "size" -> {
          expect(
              value == JsonToken.VALUE_NUMBER_INT && parser.getLongValue() >= 0,
              where + ".size must be a non-negative integer");
          size = parser.getLongValue();
        }
        default -> throw new InvalidManifestException("unknown member '" + name + "' in " + where);
      }
    }
    expect(path != null, where + ".path is missing");
    expect(
        sha256 != null && SHA256.matcher(sha256).matches(),
        where + ".sha256 must be 64 lowercase hex digits");
    expect(size != null, where + ".size is missing");
    expect(
        size <= limits.maxFileBytes(),
        where + " (" + path + ") is larger than " + limits.maxFileBytes() + " bytes");
    checkPath(path, where);
    return new ManifestFile(path, sha256, size);
  }

  /** Paths are relative, /-separated, without empty, "." or ".." segments, NUL or backslashes. */
  static void checkPath(String path, String where) throws InvalidManifestException {
    expect(!path.isEmpty(), where + ".path is empty");
    expect(path.indexOf('\0') < 0, where + ".path contains NUL");
    expect(
        !path.startsWith("/") && !path.matches("^[A-Za-z]:.*"),
        where + ".path must be relative: " + path);
    expect(path.indexOf('\\') < 0, where + ".path must use / separators: " + path);
    for (String segment : path.split("/", -1)) {
      expect(!segment.equals(".."), where + ".path must not contain '..': " + path);
      expect(
          !segment.isEmpty() && !segment.equals("."),
          where + ".path has an empty or '.' segment: " + path);
    }
  }

  private static String sourcesPrefix(JsonParser parser, JsonToken value)
      throws IOException, InvalidManifestException {
    expect(value == JsonToken.START_OBJECT, "sources must be an object");
    String prefix = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken member = parser.nextToken();
      expect(name.equals("prefix"), "unknown member '" + name + "' in sources");
      prefix = text(parser, member, "sources.prefix", 1024);
    }
    expect(prefix != null, "sources.prefix is missing");
    expect(
        PREFIX.matcher(prefix).matches() && !prefix.startsWith("/") && !prefix.contains(".."),
        "sources.prefix must be a relative key prefix without '..'");
    return prefix;
  }

  private static ManifestHeader.JobSettings settings(JsonParser parser, JsonToken value)
      throws IOException, InvalidManifestException {
    expect(value == JsonToken.START_OBJECT, "settings must be an object");
    int chunkTokens = 0;
    int overlapLines = 0;
    int batchSize = 0;
    int concurrency = 0;
    String mode = null;
    String economyFallback = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken member = parser.nextToken();
      if (name.equals("mode")) {
        mode = oneOf(parser, member, "settings.mode", "on-demand", "economy");
        continue;
      }
      if (name.equals("economyFallback")) {
        economyFallback =
            oneOf(parser, member, "settings.economyFallback", "on-demand", "resubmit", "fail");
        continue;
      }
      expect(member == JsonToken.VALUE_NUMBER_INT, "settings." + name + " must be an integer");
      int number = parser.getIntValue();
      switch (name) {
        case "chunkTokens" -> chunkTokens = bounded(number, 16, 8192, "settings.chunkTokens");
        case "overlapLines" -> overlapLines = bounded(number, 0, 50, "settings.overlapLines");
        case "batchSize" -> batchSize = bounded(number, 1, 2048, "settings.batchSize");
        case "concurrency" -> concurrency = bounded(number, 1, 64, "settings.concurrency");
        default -> throw new InvalidManifestException("unknown member '" + name + "' in settings");
      }
    }
    return new ManifestHeader.JobSettings(
        chunkTokens, overlapLines, batchSize, concurrency, mode, economyFallback);
  }

  private static String oneOf(JsonParser parser, JsonToken value, String name, String... allowed)
      throws IOException, InvalidManifestException {
    String text = value == JsonToken.VALUE_STRING ? parser.getText() : null;
    expect(
        text != null && java.util.List.of(allowed).contains(text),
        name + " must be one of " + String.join(", ", allowed));
    return text;
  }

  private static int bounded(int value, int min, int max, String name)
      throws InvalidManifestException {
    expect(value >= min && value <= max, name + " must be between " + min + " and " + max);
    return value;
  }

  private static String text(JsonParser parser, JsonToken value, String name, int maxLength)
      throws IOException, InvalidManifestException {
    expect(value == JsonToken.VALUE_STRING, name + " must be a string");
    String text = parser.getText();
    expect(text.length() <= maxLength, name + " is longer than " + maxLength + " characters");
    return text;
  }

  private static void expect(boolean condition, String problem) throws InvalidManifestException {
    if (!condition) {
      throw new InvalidManifestException(problem);
    }
  }
}
