package io.signalhub.indexing.infra;

import java.nio.file.Path;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/** The CDK app: one stack, the function zips from their modules' target directories. */
public final class SignalHubApp {

  /** The stack's name, and its template's: {@code <outdir>/SignalHubIndexing.template.json}. */
  public static final String STACK = "SignalHubIndexing";

  public static void main(String[] args) {
    App app = new App();
    build(app, Path.of(System.getProperty("signal-hub.root", "..")));
    app.synth();
  }

  /**
   * Synthesizes the stack into {@code outdir}, as {@code scripts/synth} does, with {@code context}
   * as CDK context ({@code provider=openai}, ...).
   *
   * @return the template
   */
  public static Path synth(Path root, Path outdir, Map<String, String> context) {
    App app =
        new App(AppProps.builder().outdir(outdir.toString()).context(Map.copyOf(context)).build());
    build(app, root);
    app.synth();
    return outdir.resolve(STACK + ".template.json");
  }

  private static void build(App app, Path root) {
    Map<String, Path> zips =
        Map.of(
            "fanout", root.resolve("functions/fanout/target/function.zip"),
            "embedder", root.resolve("functions/embedder/target/function.zip"),
            "status", root.resolve("functions/status/target/function.zip"));
    zips.forEach(
        (name, zip) -> {
          if (!zip.toFile().isFile()) {
            throw new IllegalStateException(
                "Missing " + zip + ": build the functions first (scripts/synth does)");
          }
        });
    Object account = System.getenv("CDK_DEFAULT_ACCOUNT");
    Object region = System.getenv("CDK_DEFAULT_REGION");
    new SignalHubStack(
        app,
        STACK,
        StackProps.builder()
            .description(
                "Signal Hub Indexing: batch embedding pipeline (S3, Lambda, SQS, DynamoDB, HTTP API)")
            .env(
                account == null
                    ? null
                    : Environment.builder()
                        .account(account.toString())
                        .region(region == null ? null : region.toString())
                        .build())
            .build(),
        StackSettings.from(key -> app.getNode().tryGetContext(key)),
        zips,
        root.resolve("functions/embedder/target/model"));
  }
}
