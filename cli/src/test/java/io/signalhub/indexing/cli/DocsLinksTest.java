package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/ stand alone: every link, and every file path they quote ({@code
 * `docs/x.md`}), names a file in this repository, and a link's {@code #anchor} into a markdown file
 * names one of its headings as GitHub slugs them.
 */
class DocsLinksTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)[^)]*\\)");

  /** A link with an anchor: the file (empty: the same one) and the anchor. */
  private static final Pattern ANCHORED_LINK = Pattern.compile("\\]\\(([^)#\\s]*)#([^)\\s]+)\\)");

  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");
  private static final Pattern QUOTED_FILE =
      Pattern.compile("`([A-Za-z0-9_.\\-/]+/[A-Za-z0-9_.\\-]+\\.(?:md|json|java|sh|yml|py))`");

  @Test
  void everyLinkAndQuotedFileExists() throws Exception {
    List<String> missing = new ArrayList<>();
    for (Path doc : docs()) {
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

  @Test
  void everyAnchorIntoAMarkdownFileNamesOneOfItsHeadings() throws Exception {
    List<String> dead = new ArrayList<>();
    for (Path doc : docs()) {
      Matcher m = ANCHORED_LINK.matcher(Files.readString(doc));
      while (m.find()) {
        Path target = m.group(1).isEmpty() ? doc : doc.getParent().resolve(m.group(1)).normalize();
        if (target.toString().endsWith(".md")
            && Files.exists(target)
            && !anchors(target).contains(m.group(2))) {
          dead.add(ROOT.relativize(doc) + ": " + m.group(1) + "#" + m.group(2));
        }
      }
    }
    assertThat(dead).isEmpty();
  }

  @Test
  void headingsAreSluggedAsGitHubDoes() {
    assertThat(slug("Try a template before deploying: `scripts/local-stack up --as-deployed`"))
        .isEqualTo("try-a-template-before-deploying-scriptslocal-stack-up---as-deployed");
    assertThat(slug("Economy mode: the provider's batch API, at half price"))
        .isEqualTo("economy-mode-the-providers-batch-api-at-half-price");
    assertThat(slug("See [the library](#the-library) and snake_case"))
        .isEqualTo("see-the-library-and-snake_case");
  }

  private static List<Path> docs() throws Exception {
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).forEach(docs::add);
    }
    return docs;
  }

  /** The anchors of a markdown file's headings (not of '#' lines in code blocks). */
  private static Set<String> anchors(Path markdown) throws Exception {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean inCode = false;
    for (String line : Files.readAllLines(markdown)) {
      if (line.strip().startsWith("```") || line.strip().startsWith("~~~")) {
        inCode = !inCode;
      }
      Matcher heading = HEADING.matcher(line);
      if (!inCode && heading.matches()) {
        String slug = slug(heading.group(1));
        // a repeated heading gets -1, -2, ... on GitHub
        int repeats = seen.merge(slug, 1, Integer::sum) - 1;
        anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
      }
    }
    return anchors;
  }

  /**
   * GitHub's anchor for a heading: its text (a link's text, not its URL) lowercased, without
   * punctuation but '-' and '_', spaces made '-'.
   */
  static String slug(String heading) {
    return heading
        .replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
        .replace(' ', '-');
  }
}
