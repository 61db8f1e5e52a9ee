package io.tessera.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tessera tour}: prints the memory-model tour. */
@Command(name = "tour", mixinStandardHelpOptions = true,
    description = "Print a tour of the memory model: shapes, strides, flags, views versus copies.")
final class TourCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    MemoryModelTour.run(spec.commandLine().getOut());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
