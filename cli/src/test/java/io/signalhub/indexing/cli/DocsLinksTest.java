package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/ stand alone: every link, and every file path they quote ({@code
 * `docs/x.md`}), names a file in this repository.
 */
class DocsLinksTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)[^)]*\\)");
  private static final Pattern QUOTED_FILE =
      Pattern.compile("`([A-Za-z0-9_.\\-/]+/[A-Za-z0-9_.\\-]+\\.(?:md|json|java|sh|yml|py))`");

  @Test
  void everyLinkAndQuotedFileExists() throws Exception {
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).forEach(docs::add);
    }
    List<String> missing = new ArrayList<>();
    for (Path doc : docs) {
      String text = Files.readString(doc);
      for (Pattern pattern : List.of(LINK, QUOTED_FILE)) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
          String target = m.group(1);
          if (target.matches("[a-z]+:.*") || target.matches(".*(cdk\\.out|target)/.*")) {
            continue; // http(s), mailto; files the build writes
          }
          boolean inRepository =
              Stream.of(doc.getParent().resolve(target), ROOT.resolve(target))
                  .map(Path::normalize)
                  .anyMatch(path -> path.startsWith(ROOT) && Files.exists(path));
          if (!inRepository) {
            missing.add(ROOT.relativize(doc) + ": " + target);
          }
        }
      }
    }
    assertThat(missing).isEmpty();
  }
}
