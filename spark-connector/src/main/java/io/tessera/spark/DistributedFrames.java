package io.tessera.spark;

import io.tessera.chunk.Chunks;
import io.tessera.dtype.DType;
import io.tessera.errors.ClosedArrayException;
import io.tessera.ndarray.NDArray;
import io.tessera.shape.Shapes;
import io.tessera.spark.internal.Jobs;
import io.tessera.spark.internal.PartialKey;
import io.tessera.spark.internal.Plan;
import io.tessera.spark.io.FrameRows;
import io.tessera.spark.io.SparkIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Distributed arrays from and to Spark DataFrames.
 *
 * <p><b>In</b> ({@link #fromColumn}): a column of numeric arrays ({@code array<double>}, {@code
 * array<float>}, {@code array<bigint>}, {@code array<int>}, {@code array<smallint>}, {@code
 * array<tinyint>}, {@code array<boolean>}) becomes the {@code (n, d)} array of its rows, in the
 * DataFrame's row order; a plain numeric column becomes {@code (n,)}. Blocks are {@code
 * rowsPerChunk} rows by all {@code d} columns. The column's type is checked before any job; one
 * aggregate job then counts the rows and checks that every row has the same length and no nulls
 * (ragged rows and nulls are refused before the conversion runs); the conversion numbers the rows
 * ({@code zipWithIndex}) and shuffles them, sorted, to their blocks' partitions.
 *
 * <p><b>Out</b> ({@link #toDataFrame}): a 1-D or 2-D array (one chunk along axis 1) becomes a
 * DataFrame {@code (index: bigint, <column>: <type> or array<type>)}, one row per row of the
 * array, lazily: it reads the array's blocks when the DataFrame is evaluated, so keep the array
 * open while you use it.
 */
public final class DistributedFrames {
  private DistributedFrames() {}

  /** The dtype of a Spark SQL numeric type, or null. */
  static DType dtypeOf(DataType t) {
    if (t.equals(DataTypes.DoubleType)) {
      return DType.FLOAT64;
    } else if (t.equals(DataTypes.FloatType)) {
      return DType.FLOAT32;
    } else if (t.equals(DataTypes.LongType)) {
      return DType.INT64;
    } else if (t.equals(DataTypes.IntegerType)) {
      return DType.INT32;
    } else if (t.equals(DataTypes.ShortType)) {
      return DType.INT16;
    } else if (t.equals(DataTypes.ByteType)) {
      return DType.INT8;
    } else if (t.equals(DataTypes.BooleanType)) {
      return DType.BOOL;
    }
    return null;
  }

  /** The Spark SQL type of a dtype, or null. */
  static DataType sqlTypeOf(DType t) {
    switch (t) {
      case FLOAT64: return DataTypes.DoubleType;
      case FLOAT32: return DataTypes.FloatType;
      case INT64: return DataTypes.LongType;
      case INT32: return DataTypes.IntegerType;
      case INT16: return DataTypes.ShortType;
      case INT8: return DataTypes.ByteType;
      case BOOL: return DataTypes.BooleanType;
      default: return null;
    }
  }

  /** {@link #fromColumn(Dataset, String, long)} with blocks of about 128 MiB. */
  public static DistributedArray fromColumn(Dataset<Row> df, String column) {
    return fromColumn(df, column, -1);
  }

  /**
   * The rows of {@code column} as an {@code (n, d)} (array column) or {@code (n,)} (numeric
   * column) distributed array, in blocks of {@code rowsPerChunk} rows ({@code -1}: about 128 MiB
   * per block).
   *
   * @throws SparkIOException before any job if the column is missing or not numeric (arrays);
   *     after the aggregate job, before the conversion, if rows are ragged or null
   */
  public static DistributedArray fromColumn(Dataset<Row> df, String column, long rowsPerChunk) {
    String op = "fromDataFrame";
    StructType schema = df.schema();
    int at;
    try {
      at = schema.fieldIndex(column);
    } catch (IllegalArgumentException e) {
      throw new SparkIOException(op, column, "no such column (columns: "
          + Arrays.toString(schema.fieldNames()) + ")", e);
    }
    DataType type = schema.fields()[at].dataType();
    boolean isArray = type instanceof ArrayType;
    DType dt = dtypeOf(isArray ? ((ArrayType) type).elementType() : type);
    if (dt == null) {
      throw new SparkIOException(op, column, "has type " + type.simpleString() + "; expected "
          + "a numeric type or an array of one (double, float, bigint, int, smallint, tinyint, "
          + "boolean)");
    }
    String q = "`" + column.replace("`", "``") + "`";
    Dataset<Row> one = df.select(functions.col(q).as("v"));
    Row stats;
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
    String check = "tessera fromDataFrame " + column + ": count rows, check lengths and nulls";
    if (isArray) {
      stats = Jobs.action(sc, check, () -> one.agg(functions.count(functions.lit(1)),
          functions.min(functions.size(functions.col("v"))),
          functions.max(functions.size(functions.col("v"))),
          functions.sum(functions.when(functions.col("v").isNull(), 1).otherwise(0)),
          functions.sum(functions.when(functions.expr("exists(v, x -> x is null)"), 1)
              .otherwise(0))).first());
    } else {
      stats = Jobs.action(sc, check, () -> one.agg(functions.count(functions.lit(1)),
          functions.lit(0), functions.lit(0),
          functions.sum(functions.when(functions.col("v").isNull(), 1).otherwise(0)),
          functions.lit(0L)).first());
    }
    long n = stats.getLong(0);
    long nulls = stats.isNullAt(3) ? 0 : ((Number) stats.get(3)).longValue();
    long nullElements = stats.isNullAt(4) ? 0 : ((Number) stats.get(4)).longValue();
    if (nulls > 0) {
      throw new SparkIOException(op, column, nulls + " of " + n + " rows are null");
    }
    if (nullElements > 0) {
      throw new SparkIOException(op, column, nullElements + " rows hold null elements");
    }
    int d = -1;
    if (isArray) {
      int lo = n == 0 ? 0 : ((Number) stats.get(1)).intValue();
      int hi = n == 0 ? 0 : ((Number) stats.get(2)).intValue();
      if (lo != hi) {
        throw new SparkIOException(op, column, "ragged rows: between " + lo + " and " + hi
            + " elements (an (n, d) array needs every row of length d)");
      }
      d = lo;
    }
    long[] shape = isArray ? new long[] {n, d} : new long[] {n};
    long rows = rowsPerChunk;
    if (rows <= 0) {
      long rowBytes = (long) dt.itemsize() * Math.max(d, 1);
      rows = Math.max(1, Chunks.targetBytes() / rowBytes);
    }
    long[] sizes = isArray ? new long[] {Math.max(1, Math.min(rows, Math.max(n, 1))), -1}
        : new long[] {Math.max(1, Math.min(rows, Math.max(n, 1)))};
    Chunks chunks = Chunks.regular(shape, sizes);
    long blocks = chunks.blockCount();
    int parts = (int) Math.max(1, Math.min(blocks, sc.defaultParallelism()));
    String label = "tessera fromDataFrame " + column + " -> " + DistributedArray.describe(dt,
        chunks);
    FrameRows.ToBytes toBytes = new FrameRows.ToBytes(dt, d, chunks.chunkSize()[0], column);
    FrameRows.Assemble assemble = new FrameRows.Assemble(chunks, dt);
    JavaPairRDD<BlockIndex, NDArray> rdd = Jobs.building(sc, label, () -> one.javaRDD()
        .zipWithIndex()
        .mapToPair(toBytes)
        .repartitionAndSortWithinPartitions(new PartialKey.ByOutputBlock(blocks, parts),
            new PartialKey.Order())
        .mapPartitionsToPair(assemble, true));
    Plan plan = new Plan("fromDataFrame " + column + " (" + type.simpleString() + ") -> "
        + DistributedArray.describe(dt, chunks) + " in chunks of "
        + Shapes.format(chunks.chunkSize()) + " (" + blocks + " blocks), " + parts
        + " partitions", chunks.largestBlockBytes(dt), chunks.largestBlockBytes(dt))
        .note("rows numbered (zipWithIndex) and SHUFFLED, sorted, to their block's partition; "
            + "a task fills one block at a time");
    return DistributedArray.derived(sc, dt, chunks, parts, rdd, plan, label, List.of(),
        List.of());
  }

  /**
   * {@code a} (1-D or 2-D with one chunk along axis 1) as a DataFrame {@code (index, column)}.
   *
   * @throws SparkIOException before any job for other ranks, several chunks along axis 1, or a
   *     dtype without a Spark SQL type (unsigned integers, float16: {@code astype} first)
   */
  public static Dataset<Row> toDataFrame(SparkSession spark, DistributedArray a, String column) {
    String op = "toDataFrame";
    if (!a.isOpen()) {
      throw new ClosedArrayException(op, op + ": distributed array "
          + DistributedArray.describe(a.dtype(), a.chunks()) + " is closed");
    }
    String what = DistributedArray.describe(a.dtype(), a.chunks());
    if (a.ndim() != 1 && a.ndim() != 2) {
      throw new SparkIOException(op, column, "a DataFrame holds 1-D or 2-D arrays, not " + what);
    }
    if (a.ndim() == 2 && a.chunks().numBlocks(1) != 1) {
      throw new SparkIOException(op, column, what + " has " + a.chunks().numBlocks(1)
          + " chunks along axis 1; rechunk to one (rows are whole)");
    }
    DataType t = sqlTypeOf(a.dtype());
    if (t == null) {
      throw new SparkIOException(op, column, "no Spark SQL type for " + a.dtype()
          + " (astype to a signed integer or float type first)");
    }
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("index", DataTypes.LongType, false),
        DataTypes.createStructField(column, a.ndim() == 1 ? t
            : DataTypes.createArrayType(t, false), false)});
    JavaRDD<Row> rows = a.blocks().mapPartitions(new FrameRows.ToRows(a.chunks()));
    return spark.createDataFrame(rows, schema);
  }
}
