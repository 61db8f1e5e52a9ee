package io.tessera.spark.io;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A Hadoop {@link Configuration} that travels in Spark closures (written with its own {@code
 * Writable} form), so executors open file systems with the driver's settings, and the file
 * system of a path.
 */
public final class HadoopConf implements Serializable {
  private static final long serialVersionUID = 1L;

  private transient Configuration conf;

  public HadoopConf(Configuration conf) {
    this.conf = new Configuration(conf);
  }

  public Configuration get() {
    return conf;
  }

  /** The file system holding {@code path} (cached by Hadoop per scheme and authority). */
  public FileSystem fileSystem(Path path) {
    try {
      return path.getFileSystem(conf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the file system of " + path, e);
    }
  }

  /** The file system of a URI string. */
  public FileSystem fileSystem(String uri) {
    return fileSystem(new Path(URI.create(uri)));
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    conf.write(out);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    conf = new Configuration(false);
    conf.readFields(in);
  }
}
