/**
 * Arrow IPC files and streams of ndarrays.
 *
 * <p>{@link io.tessera.io.ipc.ArrowIpcWriter} writes tensors as an {@code arrow.fixed_shape_tensor}
 * column (one tensor per row; a Fortran-ordered or transposed array is described by the type's
 * {@code permutation} instead of being reordered) or the columns of a 2-D array as primitive
 * columns, straight from the arrays' buffers. {@link io.tessera.io.ipc.ArrowIpcFile} memory-maps a
 * file in constant time and returns ndarrays that view the mapping; {@link
 * io.tessera.io.ipc.ArrowIpcStreamReader} reads streams. {@link io.tessera.io.ipc.IpcBatch} is one
 * record batch; its methods document exactly when a copy is made (booleans, misaligned buffers,
 * unequally spaced columns, several batches joined) and when not (everything else).
 *
 * <p>Input is untrusted: lengths, offsets and flatbuffers are checked before any memory is
 * touched or allocated, and every fault is an {@link io.tessera.io.ipc.ArrowIpcException} naming
 * the source ({@link io.tessera.io.ipc.CorruptIpcException} for malformed data, {@link
 * io.tessera.io.ipc.UnsupportedIpcException} for valid data an ndarray cannot hold).
 */
package io.tessera.io.ipc;
