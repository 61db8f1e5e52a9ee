package io.tessera.ndarray;

/** The requirements of NumPy's {@code np.require}: 'C', 'F', 'A', 'W', 'O'. */
public enum Requirement {
  C_CONTIGUOUS,
  F_CONTIGUOUS,
  ALIGNED,
  WRITEABLE,
  OWNDATA
}
