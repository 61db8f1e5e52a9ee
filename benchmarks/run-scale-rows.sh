#!/usr/bin/env bash
# Spark scale rows (io.tessera.bench.spark.ScaleRows): reductions and an elementwise op over a
# generated distributed float64 array on local[2] and on local-clusters of 1 and 2 executor JVMs,
# run through run-spark-bench.sh (Maven-resolved Spark, no Spark download). The local-cluster
# Workers need SPARK_HOME (a folder with an empty jars/; executor logs go to its work/) and
# SPARK_LOCAL_IP (bind to loopback) in the driver's environment: set here.
# Usage: benchmarks/run-scale-rows.sh [--gib 32] [--block-mib 64] [--modes local,cluster1,cluster2]
#                                     [--executor-memory 2g] [--jobs generate,sum,mean,min,max,ew]
set -euo pipefail
cd "$(dirname "$0")/.."
home="$PWD/benchmarks/target/fake-spark-home"
mkdir -p "$home/jars"
export SPARK_HOME="$home" SPARK_LOCAL_IP=127.0.0.1
exec benchmarks/run-spark-bench.sh io.tessera.bench.spark.ScaleRows "$@"
