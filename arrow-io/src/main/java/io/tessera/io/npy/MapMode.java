package io.tessera.io.npy;

import java.nio.channels.FileChannel;

/** The modes of {@code np.memmap} and {@code np.load(mmap_mode=...)}. */
public enum MapMode {
  /** {@code 'r'}: read-only; the array is not writeable (and cannot be made so). */
  R("r", FileChannel.MapMode.READ_ONLY),
  /** {@code 'r+'}: read and write an existing file; writes go to the file. */
  R_PLUS("r+", FileChannel.MapMode.READ_WRITE),
  /** {@code 'w+'}: create or overwrite the file, then read and write it. */
  W_PLUS("w+", FileChannel.MapMode.READ_WRITE),
  /**
   * {@code 'c'}: copy-on-write ({@link FileChannel.MapMode#PRIVATE}): the array is writeable but
   * writes stay in memory and never reach the file.
   */
  C("c", FileChannel.MapMode.PRIVATE);

  private final String code;
  private final FileChannel.MapMode channelMode;

  MapMode(String code, FileChannel.MapMode channelMode) {
    this.code = code;
    this.channelMode = channelMode;
  }

  /** NumPy's spelling: {@code "r"}, {@code "r+"}, {@code "w+"} or {@code "c"}. */
  public String code() {
    return code;
  }

  FileChannel.MapMode channelMode() {
    return channelMode;
  }

  /** Writes through the mapping reach the file. */
  public boolean writesThrough() {
    return channelMode == FileChannel.MapMode.READ_WRITE;
  }

  /** Parses NumPy's mode names, including the long forms {@code readonly}, {@code readwrite}, {@code write}, {@code copyonwrite}. */
  public static MapMode of(String s) {
    switch (s) {
      case "r": case "readonly": return R;
      case "r+": case "readwrite": return R_PLUS;
      case "w+": case "write": return W_PLUS;
      case "c": case "copyonwrite": return C;
      default:
        throw new IllegalArgumentException("mode must be one of ['r', 'c', 'r+', 'w+', 'readonly', "
            + "'copyonwrite', 'readwrite', 'write'] (got '" + s + "')");
    }
  }

  @Override
  public String toString() {
    return code;
  }
}
