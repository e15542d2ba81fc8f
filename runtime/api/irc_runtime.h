/*===- irc_runtime.h - The irc runtime's C API --------------------*- C -*-===*\
 *
 * Loads a compiled model (.ircm, written by irc-compile) and runs it, for
 * apps and foreign-function interfaces (JNI, Swift, Python ctypes). Plain
 * C: no exceptions cross it; every call that returns an irc_status sets the
 * message that irc_last_error() gives on the same thread ("" after a call
 * that succeeded). Calls that return a value instead (the accessors) return
 * NULL, 0 or -1 on a null object or an index out of range and set the
 * message too.
 *
 *   irc_model *model;
 *   if (irc_model_load("mobilenet_v2.ircm", NULL, &model) != IRC_OK)
 *     fprintf(stderr, "%s\n", irc_last_error());
 *   irc_tensor *input, *output;
 *   irc_tensor_load_npy("input.npy", &input);
 *   irc_model_run(model, &input, 1, &output, 1);
 *   const float *scores = irc_tensor_data(output);
 *   irc_tensor_free(input); irc_tensor_free(output);
 *   irc_model_free(model);
 *
 * Runs of one model from several threads take turns (the model holds a
 * lock); load the model once per thread to run in parallel.
 *
\*===----------------------------------------------------------------------===*/
#ifndef IRC_RUNTIME_H
#define IRC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define IRC_API
#elif defined(__GNUC__)
#define IRC_API __attribute__((visibility("default")))
#else
#define IRC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define IRC_RUNTIME_VERSION_MAJOR 0
#define IRC_RUNTIME_VERSION_MINOR 1

typedef enum irc_status {
  IRC_OK = 0,
  /* A null pointer, an index out of range, a bad dtype or size, the wrong
   * number of inputs or outputs, a .npy file that cannot be read. */
  IRC_ERROR_INVALID_ARGUMENT = 1,
  /* The file cannot be read, or is not a model this runtime runs. */
  IRC_ERROR_INVALID_MODEL = 2,
  /* The model raised, or an input did not fit its declared type. */
  IRC_ERROR_RUN = 3,
  IRC_ERROR_OUT_OF_MEMORY = 4,
  /* The model's backend is not here: this build of the library leaves it
   * out, or there is no Vulkan device. */
  IRC_ERROR_UNAVAILABLE = 5,
  /* Makes the enum 32 bits wide, so that any int a caller passes is one. */
  IRC_STATUS_MAX_ENUM = 0x7FFFFFFF
} irc_status;

/* The element types of tensors, with NumPy's sizes. */
typedef enum irc_dtype {
  IRC_DTYPE_UNKNOWN = -1, /* any dtype (irc_model_input_shape), or none */
  IRC_FLOAT32 = 0,
  IRC_FLOAT64 = 1,
  IRC_FLOAT16 = 2,
  IRC_BFLOAT16 = 3,
  IRC_INT64 = 4,
  IRC_INT32 = 5,
  IRC_INT16 = 6,
  IRC_INT8 = 7,
  IRC_UINT8 = 8,
  IRC_BOOL = 9,
  /* Makes the enum 32 bits wide, so that any int a caller passes (checked
   * by the API) is one. */
  IRC_DTYPE_MAX_ENUM = 0x7FFFFFFF
} irc_dtype;

typedef struct irc_model irc_model;
typedef struct irc_tensor irc_tensor;

/* Options for irc_model_load; NULL means the defaults (all zero). */
typedef struct irc_load_options {
  /* XNNPACK threads (0: one per core). */
  uint32_t threads;
} irc_load_options;

/* The message of the last call on this thread that returned a status ("" if
 * it succeeded), or of the last accessor that failed. */
IRC_API const char *irc_last_error(void);

/* Loads `path`: checks the file, maps its weights, binds its kernels and
 * prepares its backend (packs weights, plans memory, creates pipelines). */
IRC_API irc_status irc_model_load(const char *path,
                                  const irc_load_options *options,
                                  irc_model **model);
IRC_API void irc_model_free(irc_model *model);

/* "ref", "xnnpack" or "vulkan". */
IRC_API const char *irc_model_backend(const irc_model *model);

/* The signature of the model's `forward`. Outputs are its results with
 * tuples flattened, in order, as irc_model_run gives them (a list result is
 * one output here but gives its items when run). Strings stay valid while
 * the model lives. */
IRC_API size_t irc_model_num_inputs(const irc_model *model);
IRC_API size_t irc_model_num_outputs(const irc_model *model);
/* The argument's name in the source ("x"), or "". */
IRC_API const char *irc_model_input_name(const irc_model *model, size_t i);
/* The type as irc spells it: "tensor<1x3x224x224xf32>", "i64". */
IRC_API const char *irc_model_input_type(const irc_model *model, size_t i);
IRC_API const char *irc_model_output_type(const irc_model *model, size_t i);

/* The tensor that input (output) `i` takes (gives): its dtype
 * (IRC_DTYPE_UNKNOWN where any is accepted), its rank (-1 where any) and
 * `rank` sizes (-1 where any size is accepted; valid while the model
 * lives). An int, float or bool argument or result is a 0-d int64, float64
 * or bool tensor. Any of dtype, rank and sizes may be NULL. Fails with
 * IRC_ERROR_INVALID_ARGUMENT for an index out of range or a type that no
 * tensor stands for (a str). */
IRC_API irc_status irc_model_input_shape(const irc_model *model, size_t i,
                                         irc_dtype *dtype, int64_t *rank,
                                         const int64_t **sizes);
IRC_API irc_status irc_model_output_shape(const irc_model *model, size_t i,
                                          irc_dtype *dtype, int64_t *rank,
                                          const int64_t **sizes);

/* Runs `forward` on `num_inputs` tensors (which it may modify, as PyTorch
 * does when the model writes into an argument). Tuple and list results are
 * flattened in order into `outputs`, of which there must be `num_outputs`;
 * each is a new tensor for the caller to free. On failure no output is
 * set. */
IRC_API irc_status irc_model_run(irc_model *model, irc_tensor *const *inputs,
                                 size_t num_inputs, irc_tensor **outputs,
                                 size_t num_outputs);

/* A new contiguous tensor of zeros, or a copy of `data` when it is not
 * NULL. `sizes` may be NULL when `rank` is 0. */
IRC_API irc_status irc_tensor_create(irc_dtype dtype, const int64_t *sizes,
                                     size_t rank, const void *data,
                                     irc_tensor **tensor);
/* Reads a NumPy .npy file. */
IRC_API irc_status irc_tensor_load_npy(const char *path, irc_tensor **tensor);
IRC_API void irc_tensor_free(irc_tensor *tensor);
/* IRC_DTYPE_UNKNOWN for a null tensor. */
IRC_API irc_dtype irc_tensor_dtype(const irc_tensor *tensor);
IRC_API size_t irc_tensor_rank(const irc_tensor *tensor);
IRC_API const int64_t *irc_tensor_sizes(const irc_tensor *tensor);
IRC_API int64_t irc_tensor_numel(const irc_tensor *tensor);
/* Contiguous elements, row-major. */
IRC_API const void *irc_tensor_data(const irc_tensor *tensor);
IRC_API void *irc_tensor_mutable_data(irc_tensor *tensor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* IRC_RUNTIME_H */
