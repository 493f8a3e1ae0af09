package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job as a user runs it: {@code index <dir>} on a local stack it starts itself, with the
 * embedded model; then an unchanged re-run, then a one-file change, then a search.
 */
@ExtendWith(IsolatedHome.class)
class IndexEndToEndTest {

  @TempDir Path repo;

  private static CliRun cli(String... args) {
    return CliRun.of(args);
  }

  private void writeSources() throws Exception {
    Files.createDirectories(repo.resolve("src"));
    Files.writeString(
        repo.resolve("src/Cart.java"),
        "class Cart {\n  int total(int[] prices) {\n    int sum = 0;\n    for (int p : prices) sum += p;\n    return sum;\n  }\n}\n");
    Files.writeString(
        repo.resolve("src/auth.py"),
        "def login(user, password):\n    return check_password(user, password)\n");
    Files.writeString(
        repo.resolve("src/search.ts"),
        "export function rank(query: string, docs: string[]): string[] {\n  return docs.filter(d => d.includes(query));\n}\n");
    Files.writeString(repo.resolve("README.md"), "# Shop\n\nA tiny shop used as a fixture.\n");
    Files.write(repo.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
    Files.createDirectories(repo.resolve("node_modules/lib"));
    Files.writeString(repo.resolve("node_modules/lib/index.js"), "module.exports = 1;\n");
  }

  @Test
  void indexesThenReRunsForFreeThenPaysOnlyForWhatChanged() throws Exception {
    writeSources();

    CliRun first = cli("index", repo.toString(), "--json", "--repository", "shop");
    assertThat(first.exit()).isZero();
    JsonNode one = first.json();
    assertThat(one.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(one.path("files").asLong()).isEqualTo(4);
    assertThat(one.path("total").asLong()).isEqualTo(one.path("completed").asLong()).isPositive();
    assertThat(one.path("apiCalls").asLong()).isPositive();
    assertThat(one.path("skipped").path("BINARY").asLong()).isEqualTo(1);
    assertThat(one.path("skipped").path("VENDORED_OR_GENERATED").asLong()).isEqualTo(1);

    CliRun second = cli("index", repo.toString(), "--json", "--repository", "shop");
    JsonNode two = second.json();
    assertThat(two.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(two.path("apiCalls").asLong()).isZero();
    assertThat(two.path("tokens").asLong()).isZero();
    assertThat(two.path("filesUploaded").asLong()).isZero();
    assertThat(two.path("cached").asLong()).isEqualTo(two.path("total").asLong());

    Files.writeString(
        repo.resolve("src/auth.py"),
        "def login(user, password):\n    return verify(user, password, attempts=3)\n");
    JsonNode three = cli("index", repo.toString(), "--json", "--repository", "shop").json();
    assertThat(three.path("filesUploaded").asLong()).isEqualTo(1);
    assertThat(three.path("apiCalls").asLong()).isEqualTo(1);
    assertThat(three.path("completed").asLong() - three.path("cached").asLong()).isEqualTo(1);

    CliRun search = cli("search", "user password login", "-k", "1");
    assertThat(search.exit()).isZero();
    assertThat(search.stdout())
        .contains("src/auth.py:1-2")
        .contains("verify(user, password")
        .contains("(repository shop, ")
        .contains("--repository or --job to search another");

    CliRun ofShop = cli("search", "user password login", "-k", "1", "--repository", "shop");
    assertThat(ofShop.exit()).isZero();
    assertThat(ofShop.stdout()).contains("src/auth.py:1-2").doesNotContain("search another");
    CliRun ofOther = cli("search", "user password login", "--repository", "other");
    assertThat(ofOther.exit()).isEqualTo(2);
    assertThat(ofOther.stderr()).contains("no completed job of repository 'other'");
  }
}
