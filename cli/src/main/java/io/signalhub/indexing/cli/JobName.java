package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.pipeline.Keys;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The names an index run gives its job, checked before anything starts: the status API refuses a
 * job id that breaks {@link Keys#isJobId}, which the run would learn only after its upload.
 *
 * @param repository the name the manifest carries (what {@code search --repository} finds)
 * @param inBucket the repository's name in the bucket's keys and the job id's prefix
 * @param jobId e.g. {@code functions-20261124-190442-9bf7}
 */
record JobName(String repository, String inBucket, String jobId) {

  /** What follows the repository in a job id: "-20261124-190442-9bf7". */
  private static final int SUFFIX_LENGTH = 21;

  /**
   * @param repository the {@code --repository} given, or null: the directory's name
   * @throws UsageException if the name cannot start a job id
   */
  static JobName of(String repository, Path directory) {
    String name =
        repository != null
            ? repository
            : directory.toAbsolutePath().normalize().getFileName().toString();
    // characters a key or URL would need escaped become '-'
    String inBucket = name.replaceAll("[^A-Za-z0-9._-]", "-").toLowerCase(Locale.ROOT);
    String jobId =
        inBucket
            + "-"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
            + "-"
            + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    if (!Keys.isJobId(jobId)) {
      throw new UsageException(
          (repository != null
                  ? "--repository '" + name + "'"
                  : "the directory's name '" + name + "'")
              + " is not a valid repository name: "
              + Keys.JOB_ID_CHARACTERS
              + " (others become '-'), at most "
              + (Keys.JOB_ID_MAX_LENGTH - SUFFIX_LENGTH)
              + " characters, since it starts the job id"
              + (repository != null ? "" : "; name one with --repository NAME"));
    }
    return new JobName(name, inBucket, jobId);
  }
}
