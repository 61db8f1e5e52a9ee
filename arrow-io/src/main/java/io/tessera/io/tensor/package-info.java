/**
 * Arrow's canonical {@code arrow.fixed_shape_tensor} extension type for Arrow Java ({@link
 * io.tessera.io.tensor.FixedShapeTensorType}, {@link io.tessera.io.tensor.FixedShapeTensorVector}),
 * the mapping between dtypes and Arrow types, and the shape algebra between strided ndarray
 * layouts and the type's physical shape plus permutation.
 */
package io.tessera.io.tensor;
