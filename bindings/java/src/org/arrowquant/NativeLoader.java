package org.arrowquant;

/**
 * Loads the JNI library once: the file named by the system property {@code arrowquant.jni.library} if set,
 * else {@code libarrowquant_jni.so} from {@code java.library.path}. It depends on libarrowquant.so.0, which the
 * dynamic linker finds through its rpath or LD_LIBRARY_PATH.
 */
final class NativeLoader {
  private static boolean loaded;

  private NativeLoader() {}

  static synchronized void load() {
    if (loaded) return;
    String path = System.getProperty("arrowquant.jni.library");
    if (path != null && !path.isEmpty()) {
      System.load(path);
    } else {
      System.loadLibrary("arrowquant_jni");
    }
    loaded = true;
  }
}
