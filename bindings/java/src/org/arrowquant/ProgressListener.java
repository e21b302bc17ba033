package org.arrowquant;

/**
 * Progress of a model-level call, called on the calling thread after each tensor. Return false to cancel (the
 * call then throws AqCancelledException and leaves nothing under the output name); an exception thrown here also
 * cancels the call and propagates to its caller.
 */
@FunctionalInterface
public interface ProgressListener {
  boolean onProgress(long tensorsDone, long tensorsTotal, long bytesDone, long bytesTotal);
}
