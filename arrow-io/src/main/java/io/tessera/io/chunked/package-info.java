/**
 * Chunked arrays ({@link io.tessera.chunk.ChunkedArray}) to and from single-file formats, in
 * memory bounded by one band of blocks: {@link io.tessera.io.chunked.ChunkedNpy} ({@code .npy},
 * byte-identical to {@code np.save}) and {@link io.tessera.io.chunked.ChunkedIpc} (Arrow IPC
 * with {@code arrow.fixed_shape_tensor} rows, one record batch per band). The chunked directory
 * format is Zarr ({@link io.tessera.io.zarr}).
 */
package io.tessera.io.chunked;
