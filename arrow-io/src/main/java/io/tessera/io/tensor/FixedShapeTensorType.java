package io.tessera.io.tensor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.ExtensionTypeRegistry;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Arrow's canonical extension type {@code arrow.fixed_shape_tensor}
 * (https://arrow.apache.org/docs/format/CanonicalExtensions.html), which Arrow Java 19 lacks.
 *
 * <p>Storage is {@code FixedSizeList<value_type>[list_size]} with {@code list_size} the product of
 * {@link #shape()}; each list element is one tensor, stored row-major (C order). The parameters
 * follow the specification word for word:
 *
 * <ul>
 *   <li>{@code shape}: the <em>physical</em> shape, i.e. the row-major shape of each stored tensor;
 *   <li>{@code dim_names} (optional): names of the physical dimensions, one per dimension;
 *   <li>{@code permutation} (optional): logical dimension {@code i} is physical dimension {@code
 *       permutation[i]}, so the logical shape is {@code shape[permutation[i]]} (NumPy's {@code
 *       physical.transpose(permutation)}). {@code {"shape": [100, 200, 500], "permutation": [2, 0,
 *       1]}} is a logical {@code [500, 100, 200]} tensor.
 * </ul>
 *
 * <p>Serialized metadata is the JSON object the specification shows, keys in the order {@code
 * shape}, {@code dim_names}, {@code permutation}, absent optional keys left out, e.g. {@code
 * {"shape":[2,5]}}. Deserialization accepts any JSON object with those keys (unknown keys are
 * ignored, as the spec allows future keys) and rejects malformed ones with {@link
 * TensorMetadataException}; it also checks that the storage's {@code list_size} equals the product
 * of the shape.
 *
 * <p>The value type is not part of this type (Arrow Java passes only the {@code FixedSizeList}
 * storage type to {@link #deserialize}): it is the type of the storage's single child field. Use
 * {@link #field} to build a complete field.
 *
 * <p>The type registers itself with {@link ExtensionTypeRegistry} when this class is initialized
 * (Tessera's IPC readers and writers initialize it), so Arrow Java's own readers ({@code
 * ArrowFileReader}, {@code ArrowStreamReader}) produce {@link FixedShapeTensorVector}s.
 */
public final class FixedShapeTensorType extends ArrowType.ExtensionType {
  /** The extension name, {@code arrow.fixed_shape_tensor}. */
  public static final String EXTENSION_NAME = "arrow.fixed_shape_tensor";
  /** Most dimensions accepted (NumPy's limit). */
  public static final int MAX_DIMS = 64;
  /** Longest metadata string accepted when deserializing. */
  public static final int MAX_METADATA_CHARS = 1 << 20;

  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  static {
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(16).maxNumberLength(40).maxStringLength(MAX_METADATA_CHARS).build());
    ExtensionTypeRegistry.register(new FixedShapeTensorType(new long[0], null, null));
  }

  private final long[] shape;
  private final java.util.List<String> dimNames;
  private final int[] permutation;
  private final int listSize;

  /** A tensor type of (physical = logical) {@code shape}, no names, no permutation. */
  public FixedShapeTensorType(long... shape) {
    this(shape, null, null);
  }

  /**
   * @param shape the physical (row-major) shape; every dimension non-negative, the product of the
   *     nonzero ones at most {@link Integer#MAX_VALUE} (Arrow's {@code list_size} is an int32;
   *     the bound also holds for shapes with a zero dimension, so no stride can overflow)
   * @param dimNames names of the physical dimensions, or {@code null}
   * @param permutation logical-to-physical dimension map, or {@code null} (identity)
   * @throws TensorMetadataException if the parameters are inconsistent
   */
  public FixedShapeTensorType(long[] shape, java.util.List<String> dimNames, int[] permutation) {
    Objects.requireNonNull(shape, "shape");
    if (shape.length > MAX_DIMS) {
      throw new TensorMetadataException("fixed_shape_tensor: " + shape.length
          + " dimensions, more than the " + MAX_DIMS + " supported");
    }
    this.shape = shape.clone();
    this.listSize = listSizeOf(this.shape);
    if (dimNames != null) {
      if (dimNames.size() != shape.length) {
        throw new TensorMetadataException("fixed_shape_tensor: " + dimNames.size()
            + " dim_names for " + shape.length + " dimensions");
      }
      for (String n : dimNames) {
        if (n == null) {
          throw new TensorMetadataException("fixed_shape_tensor: dim_names contains null");
        }
      }
      this.dimNames = Collections.unmodifiableList(new ArrayList<>(dimNames));
    } else {
      this.dimNames = null;
    }
    if (permutation != null) {
      checkPermutation(permutation, shape.length);
      this.permutation = permutation.clone();
    } else {
      this.permutation = null;
    }
  }

  /** Makes sure the type is registered with Arrow Java's {@link ExtensionTypeRegistry}. */
  public static void ensureRegistered() {
    if (ExtensionTypeRegistry.lookup(EXTENSION_NAME) == null) {
      ExtensionTypeRegistry.register(new FixedShapeTensorType(new long[0], null, null));
    }
  }

  /**
   * A complete non-nullable field of this type: storage {@code FixedSizeList} with one
   * non-nullable child named {@code item} of {@code valueType}.
   */
  public Field field(String name, ArrowType valueType) {
    Field item = new Field("item", FieldType.notNullable(valueType), null);
    return new Field(name, FieldType.notNullable(this), java.util.List.of(item));
  }

  private static int listSizeOf(long[] shape) {
    for (long d : shape) {
      if (d < 0) {
        throw new TensorMetadataException("fixed_shape_tensor: negative dimension in shape "
            + Arrays.toString(shape));
      }
    }
    boolean empty = false;
    long n = 1;
    for (long d : shape) {
      if (d == 0) {
        empty = true;
        continue;
      }
      if (n > Integer.MAX_VALUE / d) {
        throw new TensorMetadataException("fixed_shape_tensor: shape " + Arrays.toString(shape)
            + " has more than 2^31-1 elements (not counting zero dimensions), beyond a "
            + "FixedSizeList's int32 list_size");
      }
      n *= d;
    }
    return empty ? 0 : (int) n;
  }

  private static void checkPermutation(int[] p, int n) {
    if (p.length != n) {
      throw new TensorMetadataException("fixed_shape_tensor: permutation "
          + Arrays.toString(p) + " has " + p.length + " entries for " + n + " dimensions");
    }
    boolean[] seen = new boolean[n];
    for (int v : p) {
      if (v < 0 || v >= n || seen[v]) {
        throw new TensorMetadataException("fixed_shape_tensor: " + Arrays.toString(p)
            + " is not a permutation of [0, " + n + ")");
      }
      seen[v] = true;
    }
  }

  // ------------------------------------------------------------------ parameters

  /** The physical (row-major) shape: {@code "shape"} in the metadata. A copy. */
  public long[] shape() {
    return shape.clone();
  }

  /** The logical shape: {@code shape[permutation[i]]}. A copy. */
  public long[] logicalShape() {
    return TensorLayouts.logicalShape(shape, permutation);
  }

  public int ndim() {
    return shape.length;
  }

  /** Names of the physical dimensions, or {@code null} when absent. */
  public java.util.List<String> dimNames() {
    return dimNames;
  }

  /** Names of the logical dimensions ({@code dimNames[permutation[i]]}), or {@code null}. */
  public java.util.List<String> logicalDimNames() {
    if (dimNames == null) {
      return null;
    }
    java.util.List<String> out = new ArrayList<>(dimNames.size());
    for (int i = 0; i < dimNames.size(); i++) {
      out.add(dimNames.get(permutation == null ? i : permutation[i]));
    }
    return Collections.unmodifiableList(out);
  }

  /** The permutation as written, or {@code null} when absent (identity). A copy. */
  public int[] permutation() {
    return permutation == null ? null : permutation.clone();
  }

  /** The permutation, the identity when absent. */
  public int[] permutationOrIdentity() {
    return permutation == null ? TensorLayouts.identity(shape.length) : permutation.clone();
  }

  /** Elements per tensor: the storage {@code FixedSizeList}'s list_size. */
  public int listSize() {
    return listSize;
  }

  // ------------------------------------------------------------------ ExtensionType

  @Override
  public ArrowType storageType() {
    return new ArrowType.FixedSizeList(listSize);
  }

  @Override
  public String extensionName() {
    return EXTENSION_NAME;
  }

  /**
   * Equal when shape, dimension names and permutation are equal; an absent permutation equals the
   * identity (the spec says the identity "can be left out").
   */
  @Override
  public boolean extensionEquals(ArrowType.ExtensionType other) {
    if (!(other instanceof FixedShapeTensorType)) {
      return false;
    }
    FixedShapeTensorType o = (FixedShapeTensorType) other;
    return Arrays.equals(shape, o.shape) && Objects.equals(dimNames, o.dimNames)
        && Arrays.equals(permutationOrIdentity(), o.permutationOrIdentity());
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof FixedShapeTensorType && extensionEquals((FixedShapeTensorType) obj);
  }

  @Override
  public int hashCode() {
    return Objects.hash(EXTENSION_NAME, Arrays.hashCode(shape), dimNames,
        Arrays.hashCode(permutationOrIdentity()));
  }

  /** The metadata JSON: {@code {"shape":[...]}} plus {@code dim_names}/{@code permutation} if set. */
  @Override
  public String serialize() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode s = root.putArray("shape");
    for (long d : shape) {
      s.add(d);
    }
    if (dimNames != null) {
      ArrayNode n = root.putArray("dim_names");
      for (String name : dimNames) {
        n.add(name);
      }
    }
    if (permutation != null) {
      ArrayNode p = root.putArray("permutation");
      for (int v : permutation) {
        p.add(v);
      }
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new TensorMetadataException("fixed_shape_tensor: cannot serialize metadata", e);
    }
  }

  /**
   * Parses the metadata JSON of a field whose storage is {@code storageType}.
   *
   * @throws TensorMetadataException for malformed JSON or parameters, or a storage type that is
   *     not a {@code FixedSizeList} whose list_size is the product of the shape
   */
  @Override
  public ArrowType deserialize(ArrowType storageType, String serializedData) {
    return parse(storageType, serializedData);
  }

  /** As {@link #deserialize}, statically. */
  public static FixedShapeTensorType parse(ArrowType storageType, String json) {
    if (!(storageType instanceof ArrowType.FixedSizeList)) {
      throw new TensorMetadataException("fixed_shape_tensor: storage type must be FixedSizeList, "
          + "got " + storageType);
    }
    FixedShapeTensorType t = parseMetadata(json);
    int storageSize = ((ArrowType.FixedSizeList) storageType).getListSize();
    if (storageSize != t.listSize) {
      throw new TensorMetadataException("fixed_shape_tensor: storage list_size " + storageSize
          + " is not the product " + t.listSize + " of shape " + Arrays.toString(t.shape));
    }
    return t;
  }

  /** Parses metadata JSON alone (no storage check). */
  public static FixedShapeTensorType parseMetadata(String json) {
    if (json == null || json.isEmpty()) {
      throw new TensorMetadataException("fixed_shape_tensor: metadata is empty; it must be a JSON "
          + "object with a \"shape\" array");
    }
    if (json.length() > MAX_METADATA_CHARS) {
      throw new TensorMetadataException("fixed_shape_tensor: metadata of " + json.length()
          + " characters is too long");
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new TensorMetadataException("fixed_shape_tensor: metadata is not valid JSON: "
          + abbreviate(json) + " (" + e.getClass().getSimpleName() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new TensorMetadataException("fixed_shape_tensor: metadata must be a JSON object, got "
          + abbreviate(json));
    }
    JsonNode s = root.get("shape");
    if (s == null || !s.isArray()) {
      throw new TensorMetadataException("fixed_shape_tensor: metadata has no \"shape\" array: "
          + abbreviate(json));
    }
    if (s.size() > MAX_DIMS) {
      throw new TensorMetadataException("fixed_shape_tensor: shape has " + s.size()
          + " dimensions, more than " + MAX_DIMS);
    }
    long[] shape = new long[s.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = s.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
        throw new TensorMetadataException("fixed_shape_tensor: shape entries must be non-negative "
            + "integers, got " + abbreviate(s.toString()));
      }
      shape[i] = d.asLong();
    }
    java.util.List<String> names = null;
    JsonNode n = root.get("dim_names");
    if (n != null && !n.isNull()) {
      if (!n.isArray()) {
        throw new TensorMetadataException("fixed_shape_tensor: \"dim_names\" must be an array");
      }
      names = new ArrayList<>();
      for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
        JsonNode e = it.next();
        if (!e.isTextual()) {
          throw new TensorMetadataException("fixed_shape_tensor: \"dim_names\" entries must be "
              + "strings, got " + abbreviate(n.toString()));
        }
        names.add(e.asText());
      }
    }
    int[] perm = null;
    JsonNode p = root.get("permutation");
    if (p != null && !p.isNull()) {
      if (!p.isArray() || p.size() > MAX_DIMS) {
        throw new TensorMetadataException("fixed_shape_tensor: \"permutation\" must be an array "
            + "of at most " + MAX_DIMS + " integers");
      }
      perm = new int[p.size()];
      for (int i = 0; i < perm.length; i++) {
        JsonNode e = p.get(i);
        if (!e.isIntegralNumber() || !e.canConvertToInt()) {
          throw new TensorMetadataException("fixed_shape_tensor: \"permutation\" entries must be "
              + "integers, got " + abbreviate(p.toString()));
        }
        perm[i] = e.asInt();
      }
    }
    return new FixedShapeTensorType(shape, names, perm);
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  @Override
  public FieldVector getNewVector(String name, FieldType fieldType, BufferAllocator allocator) {
    return new FixedShapeTensorVector(name, fieldType, allocator);
  }

  @Override
  public String toString() {
    return "FixedShapeTensor" + serialize();
  }

  /** Extension metadata entries for a field of this type (name and serialized metadata). */
  public java.util.Map<String, String> extensionMetadata() {
    return java.util.Map.of(EXTENSION_METADATA_KEY_NAME, EXTENSION_NAME,
        EXTENSION_METADATA_KEY_METADATA, serialize());
  }
}
