//===- UnpickleFuzzer.cpp - The restricted unpickler ----------------------===//
//
// Unpickles the input as a data.pkl: only the globals TorchScript writes
// may be named, nothing is executed, storages come from a loader that
// serves 64 zero bytes for any record name.
//
//===----------------------------------------------------------------------===//
#include "FuzzContext.h"
#include "frontend/Unpickler.h"
#include "ir/Location.h"

using namespace irc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto ctx = fuzz::quietContext();
  static const std::shared_ptr<const void> owner =
      std::make_shared<std::string>(64, '\0');
  auto loader = [&](llvm::StringRef) -> std::optional<Archive::Data> {
    const auto *bytes = static_cast<const std::string *>(owner.get());
    return Archive::Data{llvm::ArrayRef<char>(bytes->data(), bytes->size()),
                         owner};
  };
  unpickle(llvm::StringRef(reinterpret_cast<const char *>(data), size),
           "data.pkl", getUnknownLoc(*ctx), *ctx, loader);
  return 0;
}
