//===- ModelFile.h - Compiled models (.ircm) --------------------*- C++ -*-===//
//
// An .ircm file is a Plan that needs no compiler to run: a fixed prefix
// (magic, version, sizes, a CRC-32 over everything after it), a protobuf
// header (runtime/ircm.proto: functions, instructions with their kernels by
// op name, regions, constants, the backend and the signature) and a weights
// section of 64-byte aligned tensor bytes that loading maps instead of
// reading. docs/ModelFile.md has the layout.
//
// Files are untrusted: loading checks the magic, the version, the checksum
// and every offset, size, index and register against what the file and the
// plan hold before anything runs, and reports the first problem as one
// Error naming the file.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_RUNTIME_MODELFILE_H
#define IRC_RUNTIME_MODELFILE_H

#include "ir/InputLimits.h"
#include "runtime/Plan.h"

#include <string>

namespace irc::rt {

/// The version this runtime writes and reads.
constexpr uint32_t ModelFileVersion = 1;

struct ModelFileInfo {
  std::string producer; // "irc-compile"
  std::string source;   // the model it was compiled from
};

/// Writes `plan` to `path`. Throws Error if the plan holds what a file
/// cannot (a kernel without an op name) or the file cannot be written.
void saveModelFile(const Plan &plan, const std::string &path,
                   const ModelFileInfo &info);

/// What loadModelFile throws for a model compiled for a backend that this
/// runtime was built without (no kernel registered for it at all).
class BackendUnavailable : public Error {
public:
  using Error::Error;
};

/// Whether `path` starts with the .ircm magic (false if it cannot be read).
bool isModelFile(const std::string &path);

/// Loads `path`, binding each op to its kernel on the file's backend in
/// `registry`. Tensor constants view the mapped file, which the plan keeps
/// alive. Throws Error ("model.ircm: ...") on anything wrong with the file,
/// or an op without a kernel in this runtime, or a tensor over
/// `limits.maxTensorBytes`.
Plan loadModelFile(const std::string &path, const KernelRegistry &registry,
                   ModelFileInfo *info = nullptr,
                   const InputLimits &limits = {});

} // namespace irc::rt

#endif // IRC_RUNTIME_MODELFILE_H
