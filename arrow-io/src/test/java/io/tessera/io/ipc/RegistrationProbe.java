package io.tessera.io.ipc;

import org.apache.arrow.vector.types.pojo.ExtensionTypeRegistry;

/** Run in a fresh JVM: the type is unknown to Arrow until one of our IPC classes is loaded. */
public final class RegistrationProbe {
  private RegistrationProbe() {}

  public static void main(String[] args) throws Exception {
    if (ExtensionTypeRegistry.lookup("arrow.fixed_shape_tensor") != null) {
      System.out.println("registered before loading " + args[0]);
      System.exit(2);
    }
    Class.forName(args[0], true, RegistrationProbe.class.getClassLoader());
    if (ExtensionTypeRegistry.lookup("arrow.fixed_shape_tensor") == null) {
      System.out.println("not registered after loading " + args[0]);
      System.exit(3);
    }
    System.out.println("ok");
  }
}
