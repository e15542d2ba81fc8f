//===- InputLimits.h - Caps on what irc reads from a file -------*- C++ -*-===//
//
// Every reader of untrusted input (the zip container, the unpickler, the
// TorchScript parser, the IR text parser, .npy and .ircm files) checks the
// caps that apply to it and names the flag that raises one it hits. The
// compiler side reads them from the Context; the run side takes them as an
// argument. The tools
// set them from --max-nesting, --max-code-bytes, --max-tensor-bytes and
// --max-inflated-bytes (tools/driver/LimitOptions.h). Header only: the run
// side links no IR.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_INPUTLIMITS_H
#define IRC_IR_INPUTLIMITS_H

#include <cstdint>

namespace irc {

struct InputLimits {
  /// Deepest nesting of code blocks and expressions, pickled containers, and
  /// IR regions, types and attributes. Readers recurse this deep, so it also
  /// bounds their stack. (.ircm files have their own cap of 32.)
  unsigned maxNesting = 256;
  /// Most bytes of TorchScript source: all of an archive's code/ files
  /// together. torchvision's largest model has 0.3 MB of code. (IR text is
  /// bounded by nesting and tensor bytes: it may carry a model's weights.)
  uint64_t maxCodeBytes = uint64_t(64) << 20;
  /// Most bytes of one tensor read from a file (a storage, a .npy array, a
  /// .ircm weight, an IR blob). Whatever the cap, a tensor never has more bytes
  /// than the file holds for it.
  uint64_t maxTensorBytes = uint64_t(4) << 30;
  /// Most bytes an archive's compressed records inflate to, together
  /// (torch.jit.save compresses only code and pickles).
  uint64_t maxInflatedBytes = uint64_t(512) << 20;
  /// Most records in an archive, and most values on a pickle's stack and
  /// memo: each costs memory before anything is checked.
  uint64_t maxRecords = uint64_t(1) << 20;
  uint64_t maxPickleValues = uint64_t(1) << 24;
};

} // namespace irc

#endif // IRC_IR_INPUTLIMITS_H
