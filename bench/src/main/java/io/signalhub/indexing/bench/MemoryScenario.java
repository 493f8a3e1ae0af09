package io.signalhub.indexing.bench;

/** 4. Memory: the fan-out and the library under a small heap, each in a child JVM. */
final class MemoryScenario implements Scenario {

  @Override
  public void run(BenchRun run) throws Exception {
    int files = run.quick() ? 100_000 : 1_000_000;
    run.add(MemoryProbe.runChild("fanout", files));
    run.add(MemoryProbe.runChild("library", run.quick() ? 30_000 : 100_000));
  }
}
