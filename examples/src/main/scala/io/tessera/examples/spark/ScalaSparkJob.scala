package io.tessera.examples.spark

import io.tessera.Tessera
import io.tessera.chunk.{Chunks, Outer}
import io.tessera.expr.Expr
import io.tessera.io.npy.NpyWriter
import io.tessera.spark.{DistributedArray, ExecutorMemory, TesseraSpark}
import io.tessera.ufunc.Ufunc
import java.io.PrintStream
import java.nio.file.{Files, Path}
import org.apache.arrow.memory.RootAllocator
import org.apache.spark.SparkConf
import org.apache.spark.api.java.JavaSparkContext
import scala.util.Using

/**
 * The Scala twin of [[SparkJob]]: the same job through the same Java API (DistributedArray is
 * usable from Scala as is), written to the same four-plus-one `.npy` files, so
 * `examples/python/read_results.py` checks its output too.
 *
 * Compiled by the build (scala-maven-plugin, Scala 2.13 = Spark's). Run:
 * `java -cp examples/target/tessera.jar io.tessera.examples.spark.ScalaSparkJob OUT_DIR [N] [M] [CHUNK] [SEED]`
 */
object ScalaSparkJob {

  /** sum(c), mean(c), min(b), max(b) for b = 2x - 1, c = b * b. */
  final case class Stats(sum: Double, mean: Double, min: Double, max: Double)

  def conf(master: String): SparkConf =
    TesseraSpark.configure(new SparkConf()
      .setMaster(master)
      .setAppName("tessera-scala-spark-job")
      .set("spark.ui.enabled", "false")
      .set("spark.driver.host", "127.0.0.1")
      .set("spark.driver.bindAddress", "127.0.0.1"))

  def run(sc: JavaSparkContext, dir: Path, n: Long, m: Int, chunk: Long, seed: Long,
      out: PrintStream): Stats = {
    Files.createDirectories(dir)
    val chunks = Chunks.regular(Array(n), chunk)
    Using.resource(new RootAllocator()) { alloc =>
      val np = Tessera.using(alloc)
      Using.Manager { use =>
        val x = use(DistributedArray.uniform(sc, seed, chunks, 0.0, 1.0))
        val twice = use(x.multiply(2.0))
        val b = use(twice.subtract(1.0))
        val c = use(b.multiply(b))
        val stats = Stats(c.sum().doubleValue(), c.mean().doubleValue(),
          b.min().doubleValue(), b.max().doubleValue())
        out.println(s"scala: x = uniform(seed=$seed, n=$n) in ${x.blockCount()} blocks; $stats")

        val grid = Array.tabulate(m)(j => if (m == 1) 0.0 else j.toDouble / (m - 1))
        val y = sc.broadcast(grid)
        val parts = x.blocks().rdd.map { case (index, block) =>
          val t = ExecutorMemory.tessera()
          Using.Manager { u =>
            val xb = u(block)
            val yb = u(ExecutorMemory.adopt(t.array(y.value)))
            val d = u(ExecutorMemory.adopt(Outer.outerReduce(
              Expr.arg(0).sub(Expr.arg(1)).abs(), Ufunc.MINIMUM, xb, yb, 1)))
            (index.linear(), d.toDoubleArray)
          }.get
        }.collect()
        y.destroy()
        val nearest = new Array[Double](Math.toIntExact(n))
        for ((linear, values) <- parts) {
          val start = chunks.start(0, Math.toIntExact(linear))
          System.arraycopy(values, 0, nearest, Math.toIntExact(start), values.length)
        }
        out.println(f"scala: nearest grid distance: mean ${nearest.sum / n}%.6g, max ${nearest.max}%.6g")

        val xs = use(x.toLocal(np))
        NpyWriter.write(dir.resolve("x.npy"), xs)
        NpyWriter.write(dir.resolve("y.npy"), use(np.array(grid)))
        NpyWriter.write(dir.resolve("nearest.npy"), use(np.array(nearest)))
        NpyWriter.write(dir.resolve("stats.npy"),
          use(np.array(Array(stats.sum, stats.mean, stats.min, stats.max))))
        NpyWriter.write(dir.resolve("blocks.npy"), use(np.array(Array(x.blockCount()))))
        out.println(s"scala: wrote x.npy, y.npy, nearest.npy, stats.npy, blocks.npy to $dir")
        stats
      }.get
    }
  }

  def main(args: Array[String]): Unit = {
    if (args.isEmpty) {
      System.err.println("usage: ScalaSparkJob OUT_DIR [N] [M] [CHUNK] [SEED]")
      sys.exit(2)
    }
    def arg(i: Int, default: Long): Long = if (args.length > i) args(i).toLong else default
    Using.resource(new JavaSparkContext(conf("local[*]"))) { sc =>
      sc.setLogLevel("WARN")
      run(sc, Path.of(args(0)), arg(1, 2000000L), arg(2, 1000L).toInt, arg(3, 250000L),
        arg(4, 42L), System.out)
    }
  }
}
