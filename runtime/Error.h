//===- Error.h - Run-time errors --------------------------------*- C++ -*-===//
//
// Kernels report bad inputs (mismatched shapes, wrong dtypes, a model's own
// `raise`) by throwing Error with one sentence. The executor catches it and
// prefixes the op and its source location, so a kernel never needs to know
// where it was called from.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_RUNTIME_ERROR_H
#define IRC_RUNTIME_ERROR_H

#include <stdexcept>
#include <string>

namespace irc::rt {

class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message) : std::runtime_error(message) {}
};

/// Throws Error(message) unless `condition` holds.
inline void check(bool condition, const std::string &message) {
  if (!condition)
    throw Error(message);
}

} // namespace irc::rt

#endif // IRC_RUNTIME_ERROR_H
