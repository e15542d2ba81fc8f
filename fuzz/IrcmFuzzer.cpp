//===- IrcmFuzzer.cpp - The compiled-model (.ircm) loader -----------------===//
//
// Loads the input as an .ircm file. The fuzzer mostly meets the checksum;
// the target also loads the input with its prefix's CRC-32 recomputed, so
// that the header and the checks behind the checksum are reached. What
// loads for the xnnpack backend is prepared too (its partitions compiled).
//
//===----------------------------------------------------------------------===//
#include "FuzzCommon.h"
#include "backends/reference/ReferenceKernels.h"
#include "backends/xnnpack/XnnpackKernels.h"
#include "runtime/ModelFile.h"

#include <cstring>

using namespace irc;

namespace {
void load(const std::string &bytes) {
  static const rt::KernelRegistry registry = [] {
    rt::KernelRegistry r;
    rt::ref::registerKernels(r);
    rt::xnnpack::registerKernels(r);
    return r;
  }();
  const std::string &path =
      fuzz::scratchFile(bytes.data(), bytes.size(), ".ircm");
  try {
    rt::Plan plan = rt::loadModelFile(path, registry);
    if (plan.backend == rt::xnnpack::Backend)
      rt::xnnpack::preparePlan(plan, {1});
  } catch (const rt::Error &) {
  }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  load(bytes);
  if (size >= 40) { // the format's CRC-32: bytes [0, 32) and [40, end)
    uLong crc = crc32(0L, data, 32);
    crc = crc32(crc, data + 40, uInt(size - 40));
    for (int i = 0; i < 4; ++i)
      bytes[32 + size_t(i)] = char(uint32_t(crc) >> (8 * i));
    load(bytes);
  }
  return 0;
}
