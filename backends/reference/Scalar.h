//===- Scalar.h - TorchScript's printing of values --------------*- C++ -*-===//
//
// How TorchScript turns a value into text (`str(v)`, `"{}".format(v)`,
// `print(v)`, `KeyError: k`): c10's operator<<(ostream, IValue), which is
// C++ stream printing, not Python's repr. Floats print as `1.` or with 17
// significant digits (`0.10000000000000001`), strings unquoted (also inside
// lists: `[a, b]`), tensors as ATen's C++ printer does
// (` 1.5000\n 2.0000\n[ CPUFloatType{2} ]`). Also Python's slice index
// adjustment. Defined in Scalar.cpp and used by Container.cpp too.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_BACKENDS_REFERENCE_SCALAR_H
#define IRC_BACKENDS_REFERENCE_SCALAR_H

#include "runtime/Value.h"

#include <string>

namespace irc::rt::ref {

/// TorchScript's `str(v)`: c10's `ostream << IValue`.
std::string formatValue(const Value &v);
/// Appends formatValue(v) to `out`.
void appendFormattedValue(std::string &out, const Value &v);
/// ATen's C++ tensor printer (at::print with a line width of 80).
std::string formatTensor(const Tensor &t);
/// A float as c10 prints it: `1.`, `-3.`, `0.5`, `0.10000000000000001`,
/// `1e+20`, `inf`, `nan`.
std::string formatDouble(double d);

/// Python's slice adjustment (PySlice_AdjustIndices, as TorchScript's
/// slice_indices_adjust does it) for `[start:end:step]` of a sequence of
/// `length`: `start` and `end` are None or ints. Returns the number of
/// elements and sets `first` to the first index. Error for a zero step.
int64_t adjustSlice(int64_t length, const Value &start, const Value &end,
                    int64_t step, int64_t &first);

} // namespace irc::rt::ref

#endif // IRC_BACKENDS_REFERENCE_SCALAR_H
