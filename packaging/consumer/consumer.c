/* A program outside the ArrowQuant tree that uses only the installed files (arrowquant.h and
 * libarrowquant.so): tests/install builds it with pkg-config and with find_package(arrowquant), and
 * .ci/packaging.sh builds it against the Debian packages. Exit status 0 only when every check passes. */
#include <arrowquant.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum { ROWS = 4, COLS = 64 };

static int fail(const char* what, aq_status status) {
  fprintf(stderr, "consumer: %s failed: %s: %s\n", what, aq_status_name(status), aq_last_error_message());
  return 1;
}

int main(void) {
  float weights[ROWS * COLS];
  float restored[ROWS * COLS];
  aq_quantized* q = NULL;
  uint64_t rows = 0, cols = 0;
  double cosine = 0.0;
  aq_status status;
  int i;

  printf("arrowquant %s (header %s)\n", aq_version_string(), ARROWQUANT_VERSION_STRING);
  /* The soname pins the major version; within it the library may be newer than the header. */
  if (aq_version_number() / 10000 != ARROWQUANT_VERSION_MAJOR || aq_version_number() < ARROWQUANT_VERSION_NUMBER) {
    fprintf(stderr, "consumer: library version %u does not satisfy header version %d\n", aq_version_number(),
            ARROWQUANT_VERSION_NUMBER);
    return 1;
  }

  for (i = 0; i < ROWS * COLS; ++i) weights[i] = (float)sin(0.37 * i) * (float)(1 + i % 5);
  status = aq_quantize(weights, sizeof weights, AQ_DTYPE_F32, ROWS, COLS, 4, 32, AQ_MODE_RTN, &q);
  if (status != AQ_OK) return fail("aq_quantize", status);
  status = aq_quantized_shape(q, &rows, &cols);
  if (status != AQ_OK) return fail("aq_quantized_shape", status);
  if (rows != ROWS || cols != COLS) {
    fprintf(stderr, "consumer: shape %llu x %llu, expected %d x %d\n", (unsigned long long)rows,
            (unsigned long long)cols, ROWS, COLS);
    return 1;
  }
  status = aq_dequantize(q, AQ_DTYPE_F32, restored, sizeof restored);
  if (status != AQ_OK) return fail("aq_dequantize", status);
  status = aq_quantized_error(q, NULL, NULL, &cosine, NULL, NULL);
  if (status != AQ_OK) return fail("aq_quantized_error", status);
  printf("quantized %dx%d to 4 bits: %.3f bits/weight, cosine %.6f\n", ROWS, COLS,
         aq_quantized_bits_per_weight(q), cosine);
  aq_quantized_free(q);
  /* 4-bit RTN of a smooth signal keeps the direction almost exactly; a broken install would not. */
  if (!(cosine > 0.98)) {
    fprintf(stderr, "consumer: cosine similarity %f is too low\n", cosine);
    return 1;
  }

  /* Errors must come back as a status with a message, never as a crash. */
  status = aq_quantize(weights, sizeof weights - 1, AQ_DTYPE_F32, ROWS, COLS, 4, 32, AQ_MODE_RTN, &q);
  if (status != AQ_ERR_INVALID_ARGUMENT || q != NULL || strlen(aq_last_error_message()) == 0) {
    fprintf(stderr, "consumer: a wrong src_bytes gave %s, expected AQ_ERR_INVALID_ARGUMENT with a message\n",
            aq_status_name(status));
    return 1;
  }
  aq_quantized_free(NULL);
  printf("consumer OK\n");
  return 0;
}
