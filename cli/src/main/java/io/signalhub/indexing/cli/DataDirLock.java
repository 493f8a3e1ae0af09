package io.signalhub.indexing.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One owner per data directory: the process that runs a local stack on it holds an exclusive lock
 * on {@code <data>/.lock} (an OS file lock, released when the process ends, however it ends), and
 * writes who it is there so others can say whom they wait for. DynamoDB Local's SQLite files and
 * the S3 store cannot be shared by two stacks ("database is locked", and one stack's recovery would
 * take over the other's live jobs).
 */
final class DataDirLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock, if no other process holds it; {@code owner} is written into the file. */
  static Optional<DataDirLock> tryAcquire(Path dataDir, String owner) throws IOException {
    Files.createDirectories(dataDir);
    FileChannel channel =
        FileChannel.open(
            file(dataDir),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException heldByThisProcess) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      return Optional.empty();
    }
    channel.truncate(0);
    channel.write(
        ByteBuffer.wrap(
            (owner + " (pid " + ProcessHandle.current().pid() + ")\n")
                .getBytes(StandardCharsets.UTF_8)));
    channel.force(false);
    return Optional.of(new DataDirLock(channel, lock));
  }

  /** Who holds (or last held) the lock, as it wrote itself, e.g. "scripts/index (pid 4242)". */
  static String holder(Path dataDir) {
    try {
      String text = Files.readString(file(dataDir)).trim();
      return text.isEmpty() ? "another signal-hub command" : text;
    } catch (IOException e) {
      return "another signal-hub command";
    }
  }

  private static Path file(Path dataDir) {
    return dataDir.resolve(".lock");
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
