package io.signalhub.indexing.local.services;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local (Amazon's engine), ElasticMQ (SQS) and s3proxy (S3, here publishing ObjectCreated
 * events) in this JVM, on loopback ports: real AWS protocols without Docker or an account. With a
 * data directory, DynamoDB and S3 keep their state across restarts; queues are in memory (the local
 * runtime re-sends what a restart lost, from the job markers).
 */
public final class EmbeddedAwsServices implements AutoCloseable {

  public static final String REGION = "us-east-1";

  private final DynamoDBProxyServer dynamo;
  private final ActorSystem sqsActors;
  private final SQSRestServer sqs;
  private final S3Proxy s3;
  private final int dynamoPort;
  private final int sqsPort;
  private final int s3Port;

  private final List<S3Notification> notifications = new CopyOnWriteArrayList<>();

  private EmbeddedAwsServices(Ports ports, Path dataDir) throws Exception {
    this.dynamoPort = ports.dynamo() > 0 ? ports.dynamo() : freePort();
    this.sqsPort = ports.sqs() > 0 ? ports.sqs() : freePort();
    this.s3Port = ports.s3() > 0 ? ports.s3() : freePort();
    String[] dynamoArgs =
        dataDir == null
            // -sharedDb: one database whatever the access key (DynamoDB Local otherwise keeps one
            // per key, and the as-deployed stack gives every function its own)
            ? new String[] {
              "-inMemory", "-sharedDb", "-port", Integer.toString(dynamoPort), "-disableTelemetry"
            }
            : new String[] {
              "-sharedDb",
              "-dbPath",
              Files.createDirectories(dataDir.resolve("dynamodb")).toString(),
              "-port",
              Integer.toString(dynamoPort),
              "-disableTelemetry"
            };
    this.dynamo = ServerRunner.createServerFromCommandLineArgs(dynamoArgs);
    dynamo.start();
    // no JVM shutdown hooks of Pekko's: close() stops ElasticMQ, and one added while the JVM is
    // already stopping (a stack closed by a shutdown hook) is refused with a WARN on stderr
    this.sqsActors =
        ActorSystem.create(
            "elasticmq",
            ConfigFactory.parseMap(
                    Map.of(
                        "pekko.jvm-shutdown-hooks", "off",
                        "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off"))
                .withFallback(ConfigFactory.load()));
    this.sqs =
        SQSRestServerBuilder.withActorSystem(sqsActors)
            .withInterface("127.0.0.1")
            .withPort(sqsPort)
            .withServerAddress(new NodeAddress("http", "127.0.0.1", sqsPort, ""))
            .withAWSRegion(REGION)
            .start();
    sqs.waitUntilStarted();
    Properties properties = new Properties();
    properties.setProperty("jclouds.identity", "test");
    properties.setProperty("jclouds.credential", "test");
    String provider = dataDir == null ? "transient-nio2" : "filesystem-nio2";
    if (dataDir != null) {
      properties.setProperty(
          "jclouds.filesystem.basedir", Files.createDirectories(dataDir.resolve("s3")).toString());
    }
    this.s3 =
        S3Proxy.builder()
            .blobStore(
                new S3EventPublishingBlobStore(
                    BlobStores.create(provider, properties), REGION, notifications))
            .endpoint(URI.create("http://127.0.0.1:" + s3Port))
            .awsAuthentication(AuthenticationType.NONE, "", "")
            // s3proxy answers 501 to any x-amz-* header it does not know, x-amz-security-token
            // included: that header comes with temporary credentials (every Lambda, every SSO
            // or assumed-role shell). Authentication is off, so there is nothing to check it
            // against.
            .ignoreUnknownHeaders(true)
            .build();
    s3.start();
    while (!"STARTED".equals(s3.getState())) {
      Thread.onSpinWait();
    }
  }

  /** Runs with stdout captured; what was printed is shown only if the action fails. */
  private static <T> T quietly(java.util.concurrent.Callable<T> action) throws Exception {
    java.io.PrintStream out = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      return action.call();
    } catch (Exception e) {
      System.err.print(captured.toString(java.nio.charset.StandardCharsets.UTF_8));
      throw e;
    } finally {
      System.setOut(out);
    }
  }

  /** Ports to listen on; 0 picks a free one. */
  public record Ports(int s3, int sqs, int dynamo) {
    public static final Ports ANY = new Ports(0, 0, 0);
  }

  /**
   * Starts all three. No write is announced until a notification is added.
   *
   * @param dataDir where DynamoDB and S3 keep state, or null for memory only
   */
  public static EmbeddedAwsServices start(Ports ports, Path dataDir) throws Exception {
    // DynamoDB Local and s3proxy print their settings on stdout, which belongs to the CLI's JSON
    return quietly(() -> new EmbeddedAwsServices(ports, dataDir));
  }

  /**
   * Configures a bucket's event notification, as PutBucketNotificationConfiguration does: from now
   * on, writes it matches are announced to its target.
   */
  public void addNotification(S3Notification notification) {
    notifications.add(notification);
  }

  public URI s3Endpoint() {
    return URI.create("http://127.0.0.1:" + s3Port);
  }

  public URI sqsEndpoint() {
    return URI.create("http://127.0.0.1:" + sqsPort);
  }

  public URI dynamoEndpoint() {
    return URI.create("http://127.0.0.1:" + dynamoPort);
  }

  /** What an {@link EdgeGateway} in front of these services routes where. */
  public Map<EdgeGateway.Service, URI> edgeRoutes() {
    return Map.of(
        EdgeGateway.Service.S3, s3Endpoint(),
        EdgeGateway.Service.SQS, sqsEndpoint(),
        EdgeGateway.Service.DYNAMODB, dynamoEndpoint());
  }

  @Override
  public void close() throws Exception {
    s3.stop();
    sqs.stopAndWait();
    sqsActors.terminate();
    sqsActors.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    dynamo.stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
