package io.tessera.ndarray;

/**
 * The fields of NumPy's {@code __array_interface__} (version 3): shape, typestr, data as (address,
 * read-only), and strides ({@code null} for a C-contiguous array, as NumPy reports).
 */
public record ArrayInterface(long[] shape, String typestr, long dataAddress, boolean readOnly,
    long[] strides, int version) {

  @Override
  public String toString() {
    return "{'data': (" + dataAddress + ", " + (readOnly ? "True" : "False") + "), 'strides': "
        + (strides == null ? "None" : io.tessera.shape.Shapes.format(strides))
        + ", 'descr': [('', '" + typestr + "')], 'typestr': '" + typestr + "', 'shape': "
        + io.tessera.shape.Shapes.format(shape) + ", 'version': " + version + "}";
  }
}
