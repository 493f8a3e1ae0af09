package io.signalhub.indexing.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceWalkerTest {

  @TempDir Path root;

  private void write(String path, String content) throws Exception {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private record Walk(List<String> files, Map<String, SkipReason> skipped) {}

  private Walk walk(long maxBytes) throws Exception {
    List<String> files = new ArrayList<>();
    Map<String, SkipReason> skipped = new TreeMap<>();
    new SourceWalker(maxBytes).walk(root, f -> files.add(f.path()), skipped::put);
    files.sort(String::compareTo);
    return new Walk(files, skipped);
  }

  /** Each of the space-separated {@code paths} skipped for {@code reason}. */
  private static Map<String, SkipReason> skipped(SkipReason reason, String paths) {
    Map<String, SkipReason> skipped = new TreeMap<>();
    for (String path : paths.split(" ")) {
      skipped.put(path, reason);
    }
    return skipped;
  }

  @Test
  void honoursGitignoreRulesAtEveryLevel() throws Exception {
    write(".gitignore", "*.log\n/secrets/\nbuild-*/\n!keep.log\n");
    write("app/Main.java", "class Main {}");
    write("app/debug.log", "noise");
    write("app/keep.log", "wanted");
    write("secrets/key.txt", "k");
    write("app/secrets/ok.txt", "anchored rule applies at the root only");
    write("build-x/out.txt", "o");
    write("app/.gitignore", "generated/\n");
    write("app/generated/Gen.java", "g");
    write("docs/a/b/c.md", "deep");
    write(".gitignore.bak", "x");

    Walk walk = walk(1 << 20);

    assertThat(walk.files())
        .containsExactly(
            ".gitignore",
            ".gitignore.bak",
            "app/.gitignore",
            "app/Main.java",
            "app/keep.log",
            "app/secrets/ok.txt",
            "docs/a/b/c.md");
    assertThat(walk.skipped())
        .containsAllEntriesOf(
            skipped(SkipReason.GITIGNORED, "app/debug.log secrets/ build-x/ app/generated/"));
  }

  @Test
  void skipsSecretFilesAndHonoursSignalhubignoreOverGitignore() throws Exception {
    write(".env", "API_KEY=x");
    write("config/.env.production", "DB_PASSWORD=x");
    write("certs/server.pem", "-----BEGIN PRIVATE KEY-----");
    write(".ssh/id_rsa", "k");
    write("infra/prod.tfvars", "password = 1");
    write(".npmrc", "//registry:_authToken=x");
    write("src/App.java", "class App {}");
    write(".gitignore", "*.log\n");
    write(".signalhubignore", "fixtures/\n!wanted.log\n");
    write("src/.signalhubignore", "*.sql\n");
    write("src/dump.sql", "insert");
    write("fixtures/customers.csv", "name");
    write("wanted.log", "kept: .signalhubignore re-includes what .gitignore ignores");
    write("noise.log", "n");

    Walk walk = walk(1 << 20);

    assertThat(walk.files())
        .containsExactly(
            ".gitignore", ".signalhubignore", "src/.signalhubignore", "src/App.java", "wanted.log");
    assertThat(walk.skipped())
        .containsAllEntriesOf(
            skipped(
                SkipReason.SECRET_FILE,
                ".env config/.env.production certs/server.pem .ssh/id_rsa infra/prod.tfvars .npmrc"))
        .containsAllEntriesOf(skipped(SkipReason.SIGNALHUBIGNORED, "src/dump.sql fixtures/"))
        .containsEntry("noise.log", SkipReason.GITIGNORED);
  }

  @Test
  void skipsVendoredTreesLockFilesAndOversizedFiles() throws Exception {
    write("node_modules/lib/index.js", "x");
    write("target/classes/A.class", "x");
    write("web/package-lock.json", "{}");
    write("web/app.min.js", "x");
    write("big.txt", "y".repeat(2000));
    write("small.txt", "y");

    Walk walk = walk(1000);

    assertThat(walk.files()).containsExactly("small.txt");
    assertThat(walk.skipped())
        .containsAllEntriesOf(
            skipped(
                SkipReason.VENDORED_OR_GENERATED,
                "node_modules/ target/ web/package-lock.json web/app.min.js"))
        .containsEntry("big.txt", SkipReason.TOO_LARGE);
  }

  @Test
  void binaryAndNonUtf8ContentIsRecognised() {
    assertThat(SourceText.decode(new byte[] {'a', 0, 'b'}).skipped()).isEqualTo(SkipReason.BINARY);
    assertThat(SourceText.decode(new byte[] {'a', (byte) 0xC3, '(', 'b'}).skipped())
        .isEqualTo(SkipReason.NOT_UTF8);
    assertThat(SourceText.decode("\uFEFFhé".getBytes(StandardCharsets.UTF_8)).text())
        .isEqualTo("hé");
  }
}
