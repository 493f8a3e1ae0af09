package io.signalhub.indexing.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our .gitignore matching, checked against git itself: for each case, the files {@link
 * SourceWalker} keeps must be exactly those {@code git ls-files --others --exclude-standard} lists.
 * The cases follow git's documentation (git-scm.com/docs/gitignore) and its t0008 ignore tests.
 */
class GitIgnoreAgreesWithGitTest {

  @TempDir Path root;

  @BeforeAll
  static void needsGit() {
    assumeTrue(gitVersion() != null, "git is not installed: nothing to compare with");
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        tree(
            "the last matching rule wins; ! re-includes",
            Map.of(".gitignore", "*.log\n!important.log\n"),
            "a.log",
            "important.log",
            "sub/b.log",
            "sub/important.log",
            "c.txt"),
        tree(
            "a leading slash anchors to the file's directory",
            Map.of(".gitignore", "/top.txt\n"),
            "top.txt",
            "sub/top.txt"),
        tree(
            "a middle slash anchors too; * stays inside one directory",
            Map.of(".gitignore", "doc/*.txt\n"),
            "doc/a.txt",
            "doc/sub/b.txt",
            "x/doc/c.txt",
            "doc.txt"),
        tree(
            "leading **/ matches in every directory",
            Map.of(".gitignore", "**/foo\n"),
            "foo/x.c",
            "a/foo/y.c",
            "a/b/foo/z.c",
            "food/w.c"),
        tree(
            "trailing /** matches everything inside",
            Map.of(".gitignore", "abc/**\n"),
            "abc/x",
            "abc/d/y",
            "xabc/z",
            "abc.txt"),
        tree(
            "/**/ matches zero or more directories",
            Map.of(".gitignore", "a/**/b\n"),
            "a/b",
            "a/x/b",
            "a/x/y/b",
            "a/bb",
            "a/x/bc"),
        tree(
            "character classes and ?",
            Map.of(".gitignore", "*.[oa]\n?.c\n[!x]y.txt\n"),
            "x.o",
            "y.a",
            "z.b",
            "q.c",
            "qq.c",
            "ay.txt",
            "xy.txt"),
        tree(
            "a trailing slash matches directories only",
            Map.of(".gitignore", "logs/\n"),
            "logs/a.txt",
            "sub/logs/b.txt",
            "other/logs"),
        tree(
            "backslash escapes # and !; trailing spaces are dropped",
            Map.of(".gitignore", "\\#hash\n\\!bang\ntrail.txt   \n# a comment\n"),
            "#hash",
            "!bang",
            "trail.txt",
            "keep.txt"),
        tree(
            "a nested .gitignore re-includes what its parent's ignores",
            Map.of(".gitignore", "*.tmp\n", "sub/.gitignore", "!keep.tmp\n"),
            "a.tmp",
            "sub/keep.tmp",
            "sub/other.tmp",
            "sub/deeper/keep.tmp"),
        tree(
            "a file inside an ignored directory cannot be re-included",
            Map.of(".gitignore", "dir/\n!dir/keep.txt\n"),
            "dir/keep.txt",
            "dir/x.txt",
            "y.txt"),
        tree(
            "ignore a directory's content but re-include one entry",
            Map.of(".gitignore", "foo/*\n!foo/bar.txt\n"),
            "foo/bar.txt",
            "foo/baz.txt",
            "foo/qux/x.txt"),
        tree(
            "ignore everything but directories and java files",
            Map.of(".gitignore", "*\n!*/\n!*.java\n"),
            "A.java",
            "b.txt",
            "sub/C.java",
            "sub/d.txt"),
        tree(
            "a nested file's anchored rule is relative to its own directory",
            Map.of("pkg/.gitignore", "/gen.py\nlocal/*.py\n"),
            "gen.py",
            "pkg/gen.py",
            "pkg/sub/gen.py",
            "pkg/local/a.py",
            "local/a.py"),
        tree(
            "a name without a slash matches a directory at any depth",
            Map.of(".gitignore", "cache\n"),
            "cache/a.txt",
            "src/cache/b.txt",
            "src/cached.txt"),
        tree(
            "an escaped trailing space is kept",
            Map.of(".gitignore", "space\\ \n"),
            "space ",
            "space"),
        tree(
            "a directory-only rule under /** and a re-included subtree",
            Map.of(".gitignore", "gen/**/\n!gen/keep/\n"),
            "gen/a.txt",
            "gen/x/b.txt",
            "gen/keep/c.txt"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void keepsExactlyWhatGitKeeps(String name, Map<String, String> ignores, List<String> files)
      throws Exception {
    for (var ignore : ignores.entrySet()) {
      write(ignore.getKey(), ignore.getValue());
    }
    for (String file : files) {
      write(file, "text of " + file + "\n");
    }

    assertThat(ours()).as(name).containsExactlyInAnyOrderElementsOf(gits());
  }

  private List<String> ours() throws IOException {
    List<String> kept = new ArrayList<>();
    new SourceWalker(1 << 20).walk(root, file -> kept.add(file.path()), (path, why) -> {});
    return kept.stream().filter(path -> !path.endsWith(".gitignore")).toList();
  }

  private List<String> gits() throws Exception {
    run("git", "init", "-q");
    String listed =
        run(
            "git",
            "-c",
            "core.excludesFile=/dev/null",
            "ls-files",
            "--others",
            "--exclude-standard",
            "-z");
    return Stream.of(listed.split("\0"))
        .filter(path -> !path.isEmpty() && !path.endsWith(".gitignore"))
        .toList();
  }

  private String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).directory(root.toFile()).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue())
        .as(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .isZero();
    return out;
  }

  private void write(String path, String content) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private static Arguments tree(String name, Map<String, String> ignores, String... files) {
    return Arguments.of(name, ignores, List.of(files));
  }

  private static String gitVersion() {
    try {
      Process process = new ProcessBuilder("git", "--version").start();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? "git" : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
