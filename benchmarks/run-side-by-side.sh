#!/usr/bin/env bash
# Side-by-side benchmark: the same workloads in Tessera and NumPy, interleaved in one run.
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE slow OpenBLAS (both sides) on this machine: unset here only.
# Usage: benchmarks/run-side-by-side.sh [--rounds R] [--reps N] [--only REGEX] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl benchmarks -am package
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java \
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-modules=jdk.incubator.vector -Xmx8g \
  -cp benchmarks/target/benchmarks.jar io.tessera.bench.sbs.SideBySide "$@"
