package io.tessera.spark;

import io.tessera.spark.kryo.TesseraKryoRegistrator;
import org.apache.spark.SparkConf;

/** Spark configuration for Tessera. */
public final class TesseraSpark {
  private TesseraSpark() {}

  /**
   * Sets Kryo as Spark's serializer with {@link TesseraKryoRegistrator} (appended to any
   * registrators already configured). Returns {@code conf}. Registration stays as configured;
   * Tessera works with {@code spark.kryo.registrationRequired=true}.
   */
  public static SparkConf configure(SparkConf conf) {
    conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    String mine = TesseraKryoRegistrator.class.getName();
    String have = conf.get("spark.kryo.registrator", "").trim();
    if (have.isEmpty()) {
      conf.set("spark.kryo.registrator", mine);
    } else if (!java.util.Arrays.asList(have.split("\\s*,\\s*")).contains(mine)) {
      conf.set("spark.kryo.registrator", have + "," + mine);
    }
    return conf;
  }
}
