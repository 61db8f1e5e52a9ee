package io.tessera.examples.cli;

import io.tessera.examples.topics.Topic;
import io.tessera.examples.topics.Topics;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tessera tour}: runs the examples, one per topic of the guide, in the guide's order. */
@Command(name = "tour", mixinStandardHelpOptions = true,
    header = "Run the examples of the guide, topic by topic.",
    description = {"Run the examples, one per topic of the NumPy memory and performance guide, "
        + "in the guide's order: shapes, strides, flags, views versus copies, memory maps, "
        + "chunking, vectorization, einsum, the pitfalls and the debug report."})
final class TourCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--list", description = "List the topics (name, guide section, title) and exit.")
  boolean list;

  @Option(names = {"--only", "--topic"}, paramLabel = "NAME", split = ",",
      description = "Run only these topics (names from --list; repeat or separate with commas).")
  List<String> only = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Topic> all = Topics.all();
    if (list) {
      int w = all.stream().mapToInt(t -> t.name().length()).max().orElse(0);
      int s = all.stream().mapToInt(t -> t.section().length()).max().orElse(0);
      for (Topic t : all) {
        out.printf("%-" + w + "s  %-" + s + "s  %s%n", t.name(), t.section(), t.title());
      }
      return 0;
    }
    List<Topic> run = new ArrayList<>();
    for (String name : only) {
      Topic t = Topics.find(name.trim()).orElseThrow(() -> new CliException("unknown topic '"
          + name.trim() + "' (topics: " + all.stream().map(Topic::name)
          .collect(Collectors.joining(", ")) + ")", Errors.USAGE, null));
      run.add(t);
    }
    if (run.isEmpty()) {
      run = all;
    }
    try (PrintStream ps = WriterStream.over(out)) {
      for (Topic t : run) {
        t.run(ps);
        ps.println();
      }
    }
    out.flush();
    return 0;
  }
}
