package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two scripts started together in a tree with no jar build it once: scripts/lib.sh's build takes a
 * lock, the second waits (and says so), then finds the jar built. A fake {@code mvn} on PATH
 * records each build and takes 2 s, so no real build runs.
 */
class ScriptsBuildLockTest {

  private static final Path LIB = Path.of("..", "scripts", "lib.sh").toAbsolutePath().normalize();

  @TempDir Path work;

  @Test
  void twoScriptsStartedTogetherBuildOnceTheSecondWaitingForTheFirst() throws Exception {
    Path tree = work.resolve("tree");
    Files.createDirectories(tree.resolve("scripts"));
    Files.copy(LIB, tree.resolve("scripts/lib.sh"));
    Files.writeString(tree.resolve("pom.xml"), "<project/>\n");
    Files.setLastModifiedTime(tree.resolve("pom.xml"), FileTime.fromMillis(0));
    Path script =
        executable(
            tree.resolve("scripts/build-only"),
            "source \"$(dirname \"$0\")/lib.sh\"\nensure_built\n");
    Path log = work.resolve("mvn.log");
    executable(
        work.resolve("bin/mvn"),
        "echo \"start $*\" >> "
            + log
            + "\nsleep 2\nmkdir -p cli/target && touch cli/target/signal-hub-cli.jar\necho end >> "
            + log
            + "\n");

    Process first = start(script, "first");
    long deadline = System.currentTimeMillis() + 10_000;
    while (!(Files.exists(log) && Files.readString(log).startsWith("start"))) {
      assertThat(System.currentTimeMillis()).as("the first build starts").isLessThan(deadline);
      Thread.sleep(50);
    }
    Process second = start(script, "second");

    assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isZero();
    assertThat(second.exitValue()).isZero();
    assertThat(Files.readString(log)).matches("start .*install.*\nend\n");
    assertThat(Files.readString(work.resolve("first.err")))
        .isEqualTo("Building signal-hub (first run, or sources changed) ...\n");
    assertThat(Files.readString(work.resolve("second.err")))
        .isEqualTo("Waiting for another build of signal-hub in " + tree + " to finish ...\n");
  }

  private Process start(Path script, String name) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("bash", script.toString())
            .redirectOutput(work.resolve(name + ".out").toFile())
            .redirectError(work.resolve(name + ".err").toFile());
    builder.environment().put("PATH", work.resolve("bin") + ":" + System.getenv("PATH"));
    return builder.start();
  }

  private static Path executable(Path file, String body) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(
        file, "#!/usr/bin/env bash\nset -euo pipefail\n" + body, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
