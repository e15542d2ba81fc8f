//===- ProcStatus.h - Resident memory of this process -----------*- C++ -*-===//
#ifndef IRC_BENCH_PROCSTATUS_H
#define IRC_BENCH_PROCSTATUS_H

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace irc::bench {

/// A field of /proc/self/status in bytes (`VmRSS:`, `VmHWM:`), or -1.
inline int64_t procStatus(const char *field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field, 0) == 0)
      return std::atoll(line.c_str() + std::strlen(field) + 1) * 1024;
  return -1;
}

} // namespace irc::bench

#endif // IRC_BENCH_PROCSTATUS_H
