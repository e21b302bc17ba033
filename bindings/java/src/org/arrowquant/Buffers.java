package org.arrowquant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Byte buffers for the src/dst parameters. The native side reads the bytes from a buffer's position to its limit;
 * a direct buffer is passed without a copy, a heap buffer is copied (and, for outputs, copied back).
 * Multi-byte values are in the platform's byte order: use {@link #allocate(long)} or {@code order(nativeOrder())}.
 */
public final class Buffers {
  private Buffers() {}

  /** A direct buffer of the given size in native byte order. */
  public static ByteBuffer allocate(long bytes) {
    if (bytes < 0 || bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("buffer size " + bytes);
    return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
  }

  /** The floats as a direct native-order buffer (the src of an F32 tensor). */
  public static ByteBuffer of(float[] values) {
    ByteBuffer b = allocate(4L * values.length);
    b.asFloatBuffer().put(values);
    return b;
  }

  /** The buffer's remaining bytes as a direct buffer: a zero-copy slice of a direct buffer, else a copy. */
  static ByteBuffer direct(ByteBuffer b) {
    if (b == null) return null;
    if (b.isDirect()) return b.slice();
    ByteBuffer copy = allocate(b.remaining());
    copy.put(b.duplicate());
    copy.flip();
    return copy;
  }

  /** A direct buffer the native side can write: the buffer itself (sliced) or a temporary for a heap buffer. */
  static ByteBuffer writable(ByteBuffer b) {
    if (b == null) return null;
    if (b.isReadOnly()) throw new IllegalArgumentException("dst must not be a read-only buffer");
    return b.isDirect() ? b.slice() : allocate(b.remaining());
  }

  /** After the call: copies a temporary back into the heap buffer it stands for. */
  static void copyBack(ByteBuffer temp, ByteBuffer target) {
    if (temp == null || target == null || target.isDirect()) return;
    target.duplicate().put(temp.duplicate().rewind());
  }
}
