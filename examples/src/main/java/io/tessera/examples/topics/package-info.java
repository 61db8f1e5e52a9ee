/**
 * One runnable example per topic of the NumPy memory and performance guide the project follows,
 * each a class with a {@code main} and a {@code run(PrintStream)} that prints what it shows (the
 * timed ones also take a size). {@link io.tessera.examples.topics.Topics} lists them in the
 * guide's order for {@code tessera tour}; {@code docs/examples.md} maps every guide section to its
 * example. {@link io.tessera.examples.topics.InterchangeRecipe} is the README's Python recipe.
 */
package io.tessera.examples.topics;
