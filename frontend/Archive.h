//===- Archive.h - The zip container of a TorchScript archive ---*- C++ -*-===//
//
// A `.pt` file written by torch.jit.save is a zip whose records all live
// under one top-level folder (named after the file, not always `archive/`).
// Code records are deflated; tensor storages are stored uncompressed at
// 64-byte aligned offsets, so they are used in place in the memory-mapped
// file and never copied. minizip reads the directories (through callbacks
// over the mapped bytes); every offset and size it reports is checked
// against the file before use, and every record's CRC is verified.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_FRONTEND_ARCHIVE_H
#define IRC_FRONTEND_ARCHIVE_H

#include "ir/Context.h"
#include "ir/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace irc {

class Archive {
public:
  struct Record {
    std::string name; ///< Relative to the top-level folder: `data/0`.
    bool compressed;
    uint64_t dataOffset; ///< Of the (possibly compressed) bytes in the file.
    uint64_t compressedSize;
    uint64_t size;
    uint32_t crc;
  };

  /// Opens and checks `path` against the context's input limits (records,
  /// inflated bytes). On error reports one diagnostic naming the file and
  /// returns null.
  static std::unique_ptr<Archive> open(llvm::StringRef path, Context &ctx);

  llvm::StringRef getPath() const { return path; }
  /// The top-level folder, without the slash.
  llvm::StringRef getPrefix() const { return prefix; }
  const std::vector<Record> &getRecords() const { return records; }
  const Record *lookup(llvm::StringRef name) const;
  bool contains(llvm::StringRef name) const { return lookup(name); }

  /// Bytes that stay valid while `owner` lives.
  struct Data {
    llvm::ArrayRef<char> bytes;
    std::shared_ptr<const void> owner;
  };
  /// The bytes of a record, 64-byte aligned: in place in the mapped file
  /// when the record is stored at an aligned offset (as torch.jit.save
  /// writes tensors), else an aligned copy. Reports an error naming the
  /// record when it is missing or corrupt.
  std::optional<Data> getRecordData(llvm::StringRef name);
  /// The bytes of any record as a string (code and pickles).
  std::optional<std::string> readRecord(llvm::StringRef name);
  /// Reports an error about the archive (`model.pt: error: ...`).
  InFlightDiagnostic emitError() const;

private:
  Archive(llvm::StringRef path, Context &ctx,
          std::shared_ptr<llvm::MemoryBuffer> buffer)
      : path(path.str()), ctx(ctx), buffer(std::move(buffer)) {}
  LogicalResult checkEndRecord();
  LogicalResult readDirectory();
  /// Inflates (or copies) a record into `out`, checking size and CRC.
  LogicalResult extract(const Record &r, char *out);

  std::string path;
  Context &ctx;
  std::shared_ptr<llvm::MemoryBuffer> buffer;
  std::string prefix;
  std::vector<Record> records;
  llvm::StringMap<size_t> index;
};

} // namespace irc

#endif // IRC_FRONTEND_ARCHIVE_H
