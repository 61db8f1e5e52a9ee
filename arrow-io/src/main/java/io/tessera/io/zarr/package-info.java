/**
 * Zarr v2 arrays: Tessera's chunked directory format, which Python's array tools read.
 *
 * <p>{@link io.tessera.io.zarr.Zarr} writes a {@link io.tessera.chunk.ChunkedArray} (or an
 * ndarray) to a {@link io.tessera.io.zarr.ZarrStore} block by block, opens a store as a lazy
 * chunked array, reads the metadata alone ({@link io.tessera.io.zarr.ZarrMetadata}) and describes
 * it. {@link io.tessera.io.zarr.LocalZarrStore} is a local directory; the Spark connector provides
 * a store over Hadoop file systems. What is supported: the twelve dtypes in either byte order,
 * order C and F, compressor none, zlib or gzip, no filters, dimension separator
 * {@code "."} or {@code "/"}, any fill value (NaN and the infinities included). Zarr v3 is not.
 */
package io.tessera.io.zarr;
