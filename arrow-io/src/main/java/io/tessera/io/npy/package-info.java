/**
 * NumPy's file formats: {@code .npy} (versions 1.0, 2.0, 3.0), {@code .npz} archives, and memory
 * maps like {@code np.memmap} / {@code np.load(mmap_mode=...)}.
 *
 * <pre>{@code
 * try (BufferAllocator alloc = new RootAllocator()) {
 *   try (NDArray a = NpyReader.read(Path.of("x.npy"), alloc)) {      // np.load
 *     NpyWriter.write(Path.of("y.npy"), a);                           // np.save, byte-identical
 *   }
 *   try (NpzFile z = Npz.open(Path.of("data.npz"), alloc);            // np.load of an .npz
 *        NDArray w = z.get("weights")) {
 *     ...
 *   }
 *   try (MemoryMap m = MemoryMap.open(Path.of("big.npy"), MapMode.R_PLUS, alloc)) {
 *     m.array().setDouble(1.0, 0, 0);                                 // writes the file
 *     m.flush();
 *   }
 * }
 * }</pre>
 *
 * <p>Supported dtypes are Tessera's: bool, int8..int64, uint8..uint64, float16, float32, float64,
 * stored little- or big-endian. Everything else NumPy can store (object, strings, structured,
 * complex, datetime) is refused with {@link io.tessera.io.npy.NpyFormatException} ({@code
 * UNSUPPORTED_DTYPE}). Every reader checks the header strictly and every claimed size against
 * the input before allocating; faults are {@link io.tessera.io.npy.NpyFormatException}s naming
 * the file and the fault, and leave nothing allocated or open.
 */
package io.tessera.io.npy;
