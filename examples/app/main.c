/*===- main.c - irc-app: an app that embeds the irc runtime ---------------===*\
 *
 *   irc-app MODEL.ircm INPUT.npy
 *
 * Loads a compiled model (irc-compile's output) through the C API of
 * libirc_runtime.so, prints its signature, runs it on a NumPy input and
 * prints the five highest scores of the first output with their indices
 * (the top-5 classes of a classifier). Exits 1 with the runtime's message
 * when anything fails.
 *
\*===----------------------------------------------------------------------===*/

#include <irc/irc_runtime.h>

#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what) {
  fprintf(stderr, "irc-app: error: %s: %s\n", what, irc_last_error());
  return 1;
}

/* Element `i` of a float tensor as double. */
static double score(const irc_tensor *t, int64_t i) {
  if (irc_tensor_dtype(t) == IRC_FLOAT64)
    return ((const double *)irc_tensor_data(t))[i];
  return ((const float *)irc_tensor_data(t))[i];
}

static void printTop5(const irc_tensor *t) {
  int64_t n = irc_tensor_numel(t), best[5];
  int k, found = 0;
  for (k = 0; k < 5 && k < n; ++k) {
    /* The highest score not taken yet (ties: the lower index). */
    int64_t i, pick = -1;
    for (i = 0; i < n; ++i) {
      int j, taken = 0;
      for (j = 0; j < found; ++j)
        taken |= best[j] == i;
      if (!taken && (pick < 0 || score(t, i) > score(t, pick)))
        pick = i;
    }
    best[found++] = pick;
    printf("#%d class %lld score %.6g\n", k + 1, (long long)pick,
           score(t, pick));
  }
}

int main(int argc, char **argv) {
  irc_model *model = NULL;
  irc_tensor *input = NULL, **outputs = NULL;
  size_t i, numOutputs;
  int status = 1;

  if (argc != 3) {
    fprintf(stderr, "usage: %s MODEL.ircm INPUT.npy\n", argv[0]);
    return 1;
  }
  if (irc_model_load(argv[1], NULL, &model) != IRC_OK)
    return fail("cannot load the model");

  printf("model: %s (%s backend)\n", argv[1], irc_model_backend(model));
  for (i = 0; i < irc_model_num_inputs(model); ++i)
    printf("input %zu '%s': %s\n", i, irc_model_input_name(model, i),
           irc_model_input_type(model, i));
  numOutputs = irc_model_num_outputs(model);
  for (i = 0; i < numOutputs; ++i)
    printf("output %zu: %s\n", i, irc_model_output_type(model, i));

  outputs = calloc(numOutputs ? numOutputs : 1, sizeof *outputs);
  if (!outputs) {
    fprintf(stderr, "irc-app: error: out of memory\n");
    goto done;
  }
  if (irc_tensor_load_npy(argv[2], &input) != IRC_OK) {
    fail("cannot read the input");
    goto done;
  }
  if (irc_model_run(model, &input, 1, outputs, numOutputs) != IRC_OK) {
    fail("the run failed");
    goto done;
  }
  if (numOutputs == 0 || (irc_tensor_dtype(outputs[0]) != IRC_FLOAT32 &&
                          irc_tensor_dtype(outputs[0]) != IRC_FLOAT64)) {
    fprintf(stderr, "irc-app: error: the first output is not a float32 or "
                    "float64 tensor\n");
    goto done;
  }
  printf("top-5 of output 0:\n");
  printTop5(outputs[0]);
  status = 0;

done:
  if (outputs)
    for (i = 0; i < numOutputs; ++i)
      irc_tensor_free(outputs[i]);
  free(outputs);
  irc_tensor_free(input);
  irc_model_free(model);
  return status;
}
