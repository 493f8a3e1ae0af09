package io.signalhub.indexing.bench;

/**
 * One part of {@code scripts/bench}: measures something and adds its rows to the run. A new
 * scenario is one class implementing this and one line in {@link Bench#SCENARIOS}.
 */
interface Scenario {

  /** Runs the scenario (smaller when {@link BenchRun#quick()}) and adds its rows to {@code run}. */
  void run(BenchRun run) throws Exception;
}
