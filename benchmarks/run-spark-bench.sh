#!/usr/bin/env bash
# Runs a Spark benchmark of io.tessera.bench.spark on local[2], on the classpath of benchmarks
# plus spark-connector's dependencies (Spark is kept out of benchmarks.jar).
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE slow OpenBLAS on this machine: unset here only.
# Usage: benchmarks/run-spark-bench.sh io.tessera.bench.spark.DistributedMatmul [args...]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests -pl benchmarks -am package
CP_FILE=benchmarks/target/spark-classpath.txt
mvn -B -q -o -pl benchmarks dependency:build-classpath -Dmdep.includeScope=provided \
  -Dmdep.outputFile="$PWD/$CP_FILE" >/dev/null
# this checkout's modules, not whatever snapshot jars ~/.m2 holds
DEPS=$(tr ':' '\n' < "$CP_FILE" | grep -v -e '/io/tessera/' -e 'slf4j-nop' | paste -sd: -)
CP="benchmarks/target/classes:chunked-array/target/classes:arrow-io/target/classes"
CP="$CP:spark-connector/target/classes:$DEPS"
MAIN="$1"
shift
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java \
  -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED \
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true \
  -Xmx6g -XX:MaxDirectMemorySize=8g \
  -cp "$CP" "$MAIN" "$@"
