package io.tessera.spark.io;

import io.tessera.io.zarr.ZarrStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * A {@link ZarrStore} over a directory of any Hadoop {@link FileSystem} ({@code file://}, {@code
 * hdfs://}, {@code s3a://} ...): key {@code "a/b"} is the file {@code root/a/b}, as zarr-python's
 * {@code DirectoryStore} / {@code FSStore}. Serializable (the path and the Hadoop configuration),
 * so executors write and read their own chunks.
 *
 * <p>Writes go to a hidden temporary file next to the key, then are renamed over it: atomic where
 * the file system's rename is (HDFS, local), so a reader sees the old value or the new one. Keys
 * are checked as in {@code LocalZarrStore} (relative, no empty, {@code .} or {@code ..}
 * component). Thread-safe.
 */
public final class HadoopZarrStore implements ZarrStore, Serializable {
  private static final long serialVersionUID = 1L;
  private static final String TMP = ".tmp-";

  private final String root;
  private final HadoopConf conf;

  private HadoopZarrStore(String root, HadoopConf conf) {
    this.root = root;
    this.conf = conf;
  }

  /** A store at {@code root} (a Hadoop path or URI; need not exist before a write). */
  public static HadoopZarrStore of(String root, Configuration conf) {
    Objects.requireNonNull(root, "root");
    String r = root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1)
        : root;
    return new HadoopZarrStore(new Path(r).toString(), new HadoopConf(conf));
  }

  private Path rootPath() {
    return new Path(root);
  }

  private FileSystem fs() {
    return conf.fileSystem(rootPath());
  }

  private Path file(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.indexOf('\\') >= 0
        || key.indexOf('\0') >= 0 || key.indexOf(':') >= 0) {
      throw new IllegalArgumentException("invalid Zarr key '" + key + "' in " + root);
    }
    for (String part : key.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("invalid Zarr key '" + key + "' in " + root);
      }
    }
    return new Path(rootPath(), key);
  }

  @Override
  public byte[] read(String key) throws IOException {
    Path f = file(key);
    FileSystem fs = fs();
    FileStatus st;
    try {
      st = fs.getFileStatus(f);
    } catch (FileNotFoundException e) {
      return null;
    }
    if (!st.isFile()) {
      return null;
    }
    long len = st.getLen();
    if (len > Integer.MAX_VALUE - 8) {
      throw new IOException(f + ": a Zarr value of " + len + " bytes (over 2 GiB)");
    }
    byte[] b = new byte[(int) len];
    try (FSDataInputStream in = fs.open(f)) {
      in.readFully(0, b);
    }
    return b;
  }

  @Override
  public void write(String key, byte[] value) throws IOException {
    Objects.requireNonNull(value, "value");
    Path f = file(key);
    FileSystem fs = fs();
    Path tmp = new Path(f.getParent(), TMP + f.getName() + "-" + UUID.randomUUID());
    try {
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        out.write(value);
      }
      if (fs.exists(f) && !fs.delete(f, false)) {
        throw new IOException("cannot replace " + f);
      }
      if (!fs.rename(tmp, f)) {
        throw new IOException("cannot rename " + tmp + " to " + f);
      }
    } finally {
      if (fs.exists(tmp)) {
        fs.delete(tmp, false);
      }
    }
  }

  @Override
  public boolean exists(String key) throws IOException {
    try {
      return fs().getFileStatus(file(key)).isFile();
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    Objects.requireNonNull(prefix, "prefix");
    FileSystem fs = fs();
    Path r = fs.makeQualified(rootPath());
    if (!fs.exists(r)) {
      return List.of();
    }
    String base = r.toUri().getPath();
    base = base.endsWith("/") ? base : base + "/";
    List<String> out = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(r, true);
    while (it.hasNext()) {
      LocatedFileStatus st = it.next();
      String p = st.getPath().toUri().getPath();
      if (!st.isFile() || !p.startsWith(base) || st.getPath().getName().startsWith(TMP)
          || st.getPath().getName().endsWith(".crc")) {
        continue;
      }
      String key = p.substring(base.length());
      if (key.startsWith(prefix)) {
        out.add(key);
      }
    }
    Collections.sort(out);
    return out;
  }

  @Override
  public void delete(String key) throws IOException {
    Path f = file(key);
    FileSystem fs = fs();
    if (fs.exists(f)) {
      fs.delete(f, false);
    }
  }

  @Override
  public String location() {
    return root;
  }

  @Override
  public String toString() {
    return "HadoopZarrStore[" + root + "]";
  }
}
