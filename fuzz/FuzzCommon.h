//===- FuzzCommon.h - What irc's fuzz targets share -------------*- C++ -*-===//
//
// Each fuzz target is one LLVMFuzzerTestOneInput over one reader of
// untrusted bytes. The readers report problems as diagnostics or
// rt::Error; a crash, a sanitizer report, a leak or a hang is the bug.
// Plain C++ (the .ircm and .npy targets link no LLVM); FuzzContext.h adds
// what the compiler-side targets need.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_FUZZ_FUZZCOMMON_H
#define IRC_FUZZ_FUZZCOMMON_H

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <unistd.h>

namespace irc::fuzz {

/// Writes `bytes` to this process's scratch file, for readers that take a
/// path (they map the file), and returns its path.
inline const std::string &scratchFile(const void *bytes, size_t size,
                                      const char *suffix) {
  static const std::string path = "/tmp/irc-fuzz-" + std::to_string(getpid());
  static std::string file;
  file = path + suffix;
  std::FILE *f = std::fopen(file.c_str(), "wb");
  if (f) {
    if (size)
      std::fwrite(bytes, 1, size, f);
    std::fclose(f);
  }
  return file;
}

/// A zip file of stored (uncompressed) records, as the archive fuzzers
/// need to put their bytes inside a well-formed container.
class StoredZip {
public:
  void add(const std::string &name, const std::string &data) {
    uint32_t crc = uint32_t(crc32(
        0L, reinterpret_cast<const Bytef *>(data.data()), uInt(data.size())));
    uint32_t offset = uint32_t(out.size());
    u32(0x04034b50), u16(20), u16(0), u16(0), u16(0), u16(0);
    u32(crc), u32(uint32_t(data.size())), u32(uint32_t(data.size()));
    u16(uint16_t(name.size())), u16(0);
    out += name;
    out += data;
    std::string &c = central;
    auto cu16 = [&](uint16_t v) { c += char(v & 0xFF), c += char(v >> 8); };
    auto cu32 = [&](uint32_t v) {
      cu16(uint16_t(v & 0xFFFF)), cu16(uint16_t(v >> 16));
    };
    cu32(0x02014b50), cu16(20), cu16(20), cu16(0), cu16(0), cu16(0), cu16(0);
    cu32(crc), cu32(uint32_t(data.size())), cu32(uint32_t(data.size()));
    cu16(uint16_t(name.size())), cu16(0), cu16(0), cu16(0), cu16(0);
    cu32(0), cu32(offset);
    c += name;
    ++entries;
  }
  std::string finish() {
    uint32_t start = uint32_t(out.size());
    out += central;
    u32(0x06054b50), u16(0), u16(0), u16(entries), u16(entries);
    u32(uint32_t(central.size())), u32(start), u16(0);
    return out;
  }

private:
  void u16(uint16_t v) { out += char(v & 0xFF), out += char(v >> 8); }
  void u32(uint32_t v) { u16(uint16_t(v & 0xFFFF)), u16(uint16_t(v >> 16)); }
  std::string out, central;
  uint16_t entries = 0;
};

/// The records of the smallest scripted module (`class M` whose forward
/// returns `x + 1`), as torch.jit.save wrote them; the targets replace one.
inline constexpr char MinimalDataPklBytes[] =
    "\x80\x02"
    "c__torch__\nM\nq\x00)\x81}(X\x08\x00\x00\x00trainingq\x01\x88"
    "X\x16\x00\x00\x00_is_full_backward_hookq\x02Nubq\x03.";
static_assert(sizeof(MinimalDataPklBytes) == 73, "torch wrote 72 bytes");
inline std::string minimalDataPkl() {
  return std::string(MinimalDataPklBytes, sizeof(MinimalDataPklBytes) - 1);
}
inline const char *const MinimalCode =
    "class M(Module):\n  __parameters__ = []\n  __buffers__ = []\n"
    "  training : bool\n  _is_full_backward_hook : Optional[bool]\n"
    "  def forward(self: __torch__.M,\n    x: Tensor) -> Tensor:\n"
    "    return torch.add(x, 1)\n";

/// An archive holding the minimal module with `code` as its code file
/// (or `dataPkl` as its data.pkl).
inline std::string minimalArchive(const std::string &code,
                                  const std::string &dataPkl) {
  StoredZip zip;
  zip.add("archive/data.pkl", dataPkl);
  zip.add("archive/code/__torch__.py", code);
  zip.add("archive/constants.pkl", std::string("\x80\x02).", 4));
  zip.add("archive/version", "3\n");
  return zip.finish();
}

} // namespace irc::fuzz

#endif // IRC_FUZZ_FUZZCOMMON_H
