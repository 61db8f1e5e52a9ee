package io.tessera.examples.topics;

import java.io.PrintStream;
import java.util.Objects;

/**
 * One topic of the tour: a short name (for {@code tessera tour --topic NAME}), a title, the
 * section of the NumPy memory and performance guide it follows, and the example that runs it.
 *
 * @param name short kebab-case name, unique in {@link Topics#all()}
 * @param title one-line title
 * @param section the guide's section number(s), e.g. {@code "1.2.3"} or {@code "2.3, 2.4"}
 * @param example prints the topic
 */
public record Topic(String name, String title, String section, Example example) {
  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(example, "example");
  }

  /** Prints a header line with the section and title, then runs the example. */
  public void run(PrintStream out) {
    Print.header(out, section + " " + title);
    example.run(out);
  }
}
