//===- Support.h - Small shared utilities -----------------------*- C++ -*-===//
#ifndef IRC_IR_SUPPORT_H
#define IRC_IR_SUPPORT_H

namespace irc {

/// The result of an operation that reports its errors through diagnostics.
class [[nodiscard]] LogicalResult {
public:
  static LogicalResult success(bool ok = true) { return LogicalResult(ok); }
  static LogicalResult failure(bool fail = true) {
    return LogicalResult(!fail);
  }
  bool succeeded() const { return ok; }
  bool failed() const { return !ok; }

private:
  explicit LogicalResult(bool ok) : ok(ok) {}
  bool ok;
};

inline LogicalResult success(bool ok = true) {
  return LogicalResult::success(ok);
}
inline LogicalResult failure(bool fail = true) {
  return LogicalResult::failure(fail);
}
inline bool succeeded(LogicalResult r) { return r.succeeded(); }
inline bool failed(LogicalResult r) { return r.failed(); }

} // namespace irc

#endif // IRC_IR_SUPPORT_H
