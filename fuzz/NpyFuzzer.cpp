//===- NpyFuzzer.cpp - The .npy reader ------------------------------------===//
//
// Parses the input as a NumPy .npy file; what parses becomes a tensor.
//
//===----------------------------------------------------------------------===//
#include "runtime/Npy.h"

using namespace irc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rt::NpyArray array;
  std::string error;
  if (rt::parseNpy(reinterpret_cast<const char *>(data), size, "input.npy",
                   array, error) &&
      rt::fromNpyDType(array.dtype))
    (void)rt::tensorFromNpy(array);
  return 0;
}
