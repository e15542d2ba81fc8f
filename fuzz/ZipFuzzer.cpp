//===- ZipFuzzer.cpp - The archive's zip reader ---------------------------===//
//
// Opens the input as a TorchScript archive's zip container (directory,
// ZIP64 records, names, limits) and extracts every record (inflating, CRC).
//
//===----------------------------------------------------------------------===//
#include "FuzzContext.h"
#include "frontend/Archive.h"

using namespace irc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto ctx = fuzz::quietContext();
  const std::string &path = fuzz::scratchFile(data, size, ".pt");
  std::unique_ptr<Archive> archive = Archive::open(path, *ctx);
  if (!archive)
    return 0;
  for (const Archive::Record &r : archive->getRecords())
    if (r.name.rfind("data/", 0) == 0)
      archive->getRecordData(r.name);
    else
      archive->readRecord(r.name);
  return 0;
}
