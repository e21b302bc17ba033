using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace ArrowQuant {

/// <summary>Progress of a model-level call, on the calling thread after each tensor. Return false to cancel
/// (the call then throws AqCancelledException and leaves nothing under the output name); an exception thrown
/// here also cancels the call and is rethrown to its caller.</summary>
public delegate bool ProgressHandler(ulong tensorsDone, ulong tensorsTotal, ulong bytesDone, ulong bytesTotal);

/// <summary>The C signature of aq_progress_fn.</summary>
[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
internal delegate int AqNativeProgress(IntPtr userData, ulong tensorsDone, ulong tensorsTotal, ulong bytesDone,
                                       ulong bytesTotal);

/// <summary>Adapts a ProgressHandler to the native callback. An exception must not cross the native frames, so
/// it is caught here, the call is cancelled, and Finish rethrows it after the call returned.</summary>
internal sealed class ProgressBridge {
  private readonly ProgressHandler handler;
  private Exception error;
  internal readonly AqNativeProgress Native;

  private ProgressBridge(ProgressHandler handler) {
    this.handler = handler;
    Native = Invoke;
  }

  internal static ProgressBridge Create(ProgressHandler handler) {
    return handler == null ? null : new ProgressBridge(handler);
  }

  private int Invoke(IntPtr userData, ulong done, ulong total, ulong bytesDone, ulong bytesTotal) {
    if (error != null) return 1;
    try {
      return handler(done, total, bytesDone, bytesTotal) ? 0 : 1;
    } catch (Exception e) {
      error = e;
      return 1;
    }
  }

  internal static void Finish(ProgressBridge bridge) {
    if (bridge == null) return;
    GC.KeepAlive(bridge.Native);
    if (bridge.error != null) {
      ArrowQuantNativePINVOKE.SWIGPendingException.Retrieve(); // drop the AqCancelledException it caused
      ExceptionDispatchInfo.Capture(bridge.error).Throw();
    }
  }
}

/// <summary>Pins an array for one native call; Desc is {address, count} as the C side reads it.</summary>
internal sealed class Pinned : IDisposable {
  private GCHandle handle;
  internal readonly ulong[] Desc = new ulong[2];

  private Pinned(Array array, bool bytes) {
    if (array == null) return;
    handle = GCHandle.Alloc(array, GCHandleType.Pinned);
    Desc[0] = (ulong)handle.AddrOfPinnedObject().ToInt64();
    Desc[1] = bytes ? (ulong)Buffer.ByteLength(array) : (ulong)array.LongLength;
  }

  /// <summary>Byte length (src/dst buffers of any blittable element type).</summary>
  internal static Pinned Bytes(Array array) {
    return new Pinned(array, true);
  }

  /// <summary>Element count (typed arrays).</summary>
  internal static Pinned Elements(Array array) {
    return new Pinned(array, false);
  }

  public void Dispose() {
    if (handle.IsAllocated) handle.Free();
  }
}

/// <summary>Copies of views and native strings.</summary>
internal static class AqMarshal {
  internal static string Utf8(IntPtr p) {
    if (p == IntPtr.Zero) return null;
    int n = 0;
    while (Marshal.ReadByte(p, n) != 0) n++;
    byte[] b = new byte[n];
    Marshal.Copy(p, b, 0, n);
    return System.Text.Encoding.UTF8.GetString(b);
  }

  private static IntPtr Ptr(ulong[] v) {
    return new IntPtr((long)v[0]);
  }

  internal static string Text(ulong[] v) {
    if (v[0] == 0) return v[1] == 0 ? "" : null;
    byte[] b = Bytes(v);
    return System.Text.Encoding.UTF8.GetString(b);
  }

  internal static byte[] Bytes(ulong[] v) {
    byte[] a = new byte[v[1]];
    if (v[1] > 0) Marshal.Copy(Ptr(v), a, 0, a.Length);
    return a;
  }

  internal static float[] Floats(ulong[] v) {
    float[] a = new float[v[1]];
    if (v[1] > 0) Marshal.Copy(Ptr(v), a, 0, a.Length);
    return a;
  }

  internal static double[] Doubles(ulong[] v) {
    double[] a = new double[v[1]];
    if (v[1] > 0) Marshal.Copy(Ptr(v), a, 0, a.Length);
    return a;
  }

  internal static long[] Longs(ulong[] v) {
    long[] a = new long[v[1]];
    if (v[1] > 0) Marshal.Copy(Ptr(v), a, 0, a.Length);
    return a;
  }

  internal static ulong[] ULongs(ulong[] v) {
    long[] l = Longs(v);
    ulong[] a = new ulong[l.Length];
    Buffer.BlockCopy(l, 0, a, 0, l.Length * 8);
    return a;
  }

  internal static int[] Ints(ulong[] v) {
    int[] a = new int[v[1]];
    if (v[1] > 0) Marshal.Copy(Ptr(v), a, 0, a.Length);
    return a;
  }

  internal static uint[] UInts(ulong[] v) {
    int[] i = Ints(v);
    uint[] a = new uint[i.Length];
    Buffer.BlockCopy(i, 0, a, 0, i.Length * 4);
    return a;
  }
}

/// <summary>Owned handle objects by native address, so that a view can keep the object that owns its parent
/// alive (the C side reports the parent's address).</summary>
internal static class AqHandles {
  private static readonly Dictionary<IntPtr, WeakReference> live = new Dictionary<IntPtr, WeakReference>();

  internal static void Register(IntPtr ptr, object handle) {
    lock (live) {
      if (live.Count > 1024) {
        var dead = new List<IntPtr>();
        foreach (var kv in live) if (!kv.Value.IsAlive) dead.Add(kv.Key);
        foreach (var k in dead) live.Remove(k);
      }
      live[ptr] = new WeakReference(handle);
    }
  }

  internal static object Lookup(IntPtr ptr) {
    lock (live) {
      WeakReference w;
      return ptr != IntPtr.Zero && live.TryGetValue(ptr, out w) ? w.Target : null;
    }
  }
}

}
