/**
 * Spark examples: {@link io.tessera.examples.spark.SparkJob} (a batch job that generates a
 * distributed array, runs elementwise operations, reductions and a streamed outer reduction, and
 * writes {@code .npy} results that {@code examples/python/read_results.py} checks with NumPy), its
 * Scala twin {@code ScalaSparkJob} (examples/src/main/scala), and {@link
 * io.tessera.examples.spark.SparkQuickStart}, the README's quick start.
 */
package io.tessera.examples.spark;
