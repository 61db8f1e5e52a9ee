package io.tessera.examples.topics;

import io.tessera.Tessera;
import io.tessera.dtype.DType;
import io.tessera.expr.Expr;
import io.tessera.linalg.Einsum;
import io.tessera.memory.MemoryBudget;
import io.tessera.memory.MemoryReport;
import io.tessera.ndarray.NDArray;
import io.tessera.ufunc.Ufunc;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Guide 3.3: {@code (a + b) * (c + d)} allocates two full-size temporaries; an {@link Expr}
 * evaluates the same ufunc calls block by block (4096 elements) into the output, bit-identical
 * and with a few small scratch buffers. {@code a*b + c*d} likewise, and {@code einsum} computes
 * an outer product {@code 'i,j,k->ijk'} in one pass.
 */
public final class FewerTemporaries {
  private FewerTemporaries() {}

  public static void main(String[] args) {
    run(System.out);
  }

  public static void run(PrintStream out) {
    run(out, 1_000_000);
  }

  public static void run(PrintStream out, int n) {
    try (BufferAllocator alloc = new RootAllocator()) {
      Tessera np = Tessera.using(alloc);
      try (NDArray a = np.linspace(0, 1, n);
          NDArray b = np.linspace(1, 2, n);
          NDArray c = np.linspace(2, 3, n);
          NDArray d = np.linspace(3, 4, n);
          NDArray unfused = np.empty(DType.FLOAT64, n);
          NDArray fused = np.empty(DType.FLOAT64, n)) {
        out.println("four float64 operands of " + n + " elements (" + Print.mb(8L * n) + " each)");
        Expr e = Expr.of(a).add(b).mul(Expr.of(c).add(d));
        out.println("Expr.of(a).add(b).mul(Expr.of(c).add(d)): planned scratch "
            + MemoryBudget.formatBytes(e.peakBytes()));
        MemoryReport expr = MemoryReport.measure(alloc, null, () -> e.into(fused));
        out.println("e.into(out): measured peak +" + MemoryBudget.formatBytes(expr.peakIncrease())
            + " (" + expr.method() + ")");
        MemoryReport plain = MemoryReport.measure(alloc, null, () -> {
          try (NDArray t1 = a.add(b);
              NDArray t2 = c.add(d)) {
            Ufunc.MULTIPLY.apply(t1, t2, unfused);
          }
        });
        out.println("t1 = a + b; t2 = c + d; multiply(t1, t2, out): peak +"
            + MemoryBudget.formatBytes(plain.peakIncrease()) + " (two temporaries)");
        try (NDArray eq = Ufunc.EQUAL.apply(unfused, fused);
            NDArray same = eq.all()) {
          out.println("bit-identical to the unfused calls: " + same.getBoolean());
        }
        try (NDArray s = Expr.of(a).mul(b).add(Expr.of(c).mul(d)).sum()) {
          out.println("a*b + c*d summed without materializing it: " + s.getDouble());
        }
      }
      try (NDArray a = np.linspace(1, 2, 50);
          NDArray b = np.linspace(2, 3, 60);
          NDArray c = np.linspace(3, 4, 70);
          NDArray abc = Einsum.einsum("i,j,k->ijk", a, b, c);
          NDArray a3 = a.reshape(50, 1, 1);
          NDArray b3 = b.reshape(1, 60, 1);
          NDArray c3 = c.reshape(1, 1, 70);
          NDArray ab = a3.mul(b3);
          NDArray ref = ab.mul(c3);
          NDArray eq = Ufunc.EQUAL.apply(abc, ref);
          NDArray same = eq.all()) {
        out.println("einsum(\"i,j,k->ijk\", a, b, c): shape " + Print.tuple(abc.shape())
            + ", equals a[:, None, None] * b[None, :, None] * c: " + same.getBoolean());
      }
    }
  }
}
