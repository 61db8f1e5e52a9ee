/**
 * Kryo serializers for Tessera's Spark connector: {@link
 * io.tessera.spark.kryo.TesseraKryoRegistrator} registers them all; {@link
 * io.tessera.spark.kryo.NDArraySerializer} ships arrays as a small header plus raw C-order bytes,
 * copied in bulk between Arrow memory and Kryo's buffers ({@link io.tessera.spark.kryo.RawIO}).
 */
package io.tessera.spark.kryo;
