package io.signalhub.indexing.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/**
 * Synthesizes the stack as {@code cdk synth -c key=value} would, for the template tests: the
 * functions' zips are placeholders (the tests read the template, never the code), made once.
 */
final class StackSynth {

  private final Path dir;
  private final Map<String, Path> zips;

  StackSynth() throws IOException {
    dir = Files.createTempDirectory("signal-hub-zips");
    zips =
        Map.of(
            "fanout", placeholder(dir, "fanout"),
            "embedder", placeholder(dir, "embedder"),
            "status", placeholder(dir, "status"));
  }

  /** The template of a deployment with {@code context} (the {@code -c} flags). */
  Template template(Map<String, String> context) {
    App app = new App();
    context.forEach((key, value) -> app.getNode().setContext(key, value));
    SignalHubStack stack =
        new SignalHubStack(
            app,
            "Test",
            StackProps.builder().build(),
            StackSettings.from(key -> app.getNode().tryGetContext(key)),
            zips,
            dir);
    return Template.fromStack(stack);
  }

  private static Path placeholder(Path dir, String name) throws IOException {
    Path zip = dir.resolve(name + ".zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("placeholder.txt"));
      out.write(name.getBytes());
    }
    return zip;
  }
}
