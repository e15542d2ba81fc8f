//===- Archive.cpp - The zip container of a TorchScript archive -----------===//
#include "frontend/Archive.h"
#include "ir/Location.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"
#include <cstring>
#include <unzip.h>
#include <zlib.h>

using namespace irc;
using llvm::StringRef;

namespace {
/// minizip reads the mapped file through these callbacks, so the bytes it
/// parses are the bytes that records are later served from.
struct MemoryStream {
  llvm::ArrayRef<char> data;
  uint64_t pos = 0;
};

voidpf openStream(voidpf opaque, const void *, int mode) {
  if (mode & ZLIB_FILEFUNC_MODE_WRITE)
    return nullptr;
  static_cast<MemoryStream *>(opaque)->pos = 0;
  return opaque;
}

uLong readStream(voidpf, voidpf stream, void *buf, uLong size) {
  auto *s = static_cast<MemoryStream *>(stream);
  uint64_t n = std::min<uint64_t>(size, s->data.size() - s->pos);
  std::memcpy(buf, s->data.data() + s->pos, n);
  s->pos += n;
  return uLong(n);
}

uLong writeStream(voidpf, voidpf, const void *, uLong) { return 0; }

ZPOS64_T tellStream(voidpf, voidpf stream) {
  return static_cast<MemoryStream *>(stream)->pos;
}

long seekStream(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
  auto *s = static_cast<MemoryStream *>(stream);
  uint64_t base = origin == ZLIB_FILEFUNC_SEEK_SET   ? 0
                  : origin == ZLIB_FILEFUNC_SEEK_CUR ? s->pos
                                                     : s->data.size();
  if (offset > s->data.size() - base)
    return -1;
  s->pos = base + offset;
  return 0;
}

int closeStream(voidpf, voidpf) { return 0; }
int testErrorStream(voidpf, voidpf) { return 0; }

/// Whether `name` is a safe relative record path: no absolute or empty
/// parts, no `..`, no backslashes or NULs.
bool isSafeName(StringRef name) {
  if (name.contains('\\') || name.contains('\0'))
    return false;
  llvm::SmallVector<StringRef, 8> parts;
  name.split(parts, '/');
  return llvm::none_of(parts,
                       [](StringRef p) { return p.empty() || p == ".."; });
}

uint32_t le16(StringRef b, uint64_t at) {
  return uint32_t(uint8_t(b[at])) | uint32_t(uint8_t(b[at + 1])) << 8;
}
uint32_t le32(StringRef b, uint64_t at) {
  return le16(b, at) | le16(b, at + 2) << 16;
}

/// The local header offset that the central directory entry at `cd` gives,
/// reading the ZIP64 extra field when the 32-bit field is saturated.
std::optional<uint64_t> localHeaderOffset(StringRef b, uint64_t cd) {
  if (cd > b.size() || b.size() - cd < 46 || b.substr(cd, 4) != "PK\x01\x02")
    return std::nullopt;
  uint64_t offset = le32(b, cd + 42);
  if (offset != 0xFFFFFFFF)
    return offset;
  uint64_t extra = cd + 46 + le16(b, cd + 28), end = extra + le16(b, cd + 30);
  if (end > b.size())
    return std::nullopt;
  // The ZIP64 field holds, in order, each of these that is saturated.
  unsigned skip =
      (le32(b, cd + 24) == 0xFFFFFFFF) + (le32(b, cd + 20) == 0xFFFFFFFF);
  while (extra + 4 <= end) {
    unsigned id = le16(b, extra), size = le16(b, extra + 2);
    if (extra + 4 + size > end)
      return std::nullopt;
    if (id == 1 && size >= 8 * (skip + 1)) {
      uint64_t at = extra + 4 + 8 * skip;
      return uint64_t(le32(b, at)) | uint64_t(le32(b, at + 4)) << 32;
    }
    extra += 4 + size;
  }
  return std::nullopt;
}

uint32_t crcOf(llvm::ArrayRef<char> data) {
  return uint32_t(
      crc32_z(0, reinterpret_cast<const Bytef *>(data.data()), data.size()));
}

/// An aligned buffer that a WeightStore blob can hold on to.
std::shared_ptr<char> allocateAligned(size_t size) {
  constexpr std::align_val_t align{64};
  return std::shared_ptr<char>(new (align) char[std::max<size_t>(size, 1)],
                               [](char *p) { operator delete[](p, align); });
}
} // namespace

InFlightDiagnostic Archive::emitError() const {
  return InFlightDiagnostic(ctx, getFileLineColLoc(ctx, path, 0, 0),
                            Severity::Error);
}

std::unique_ptr<Archive> Archive::open(StringRef path, Context &ctx) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file) {
    InFlightDiagnostic(ctx, getFileLineColLoc(ctx, path, 0, 0), Severity::Error)
        << "cannot read the archive: " << file.getError().message();
    return nullptr;
  }
  std::unique_ptr<Archive> archive(new Archive(
      path, ctx, std::shared_ptr<llvm::MemoryBuffer>(std::move(*file))));
  if (failed(archive->checkEndRecord()) || failed(archive->readDirectory()))
    return nullptr;
  return archive;
}

/// minizip tolerates an end-of-central-directory record that is cut short;
/// find it ourselves so a truncated file is reported as such.
LogicalResult Archive::checkEndRecord() {
  StringRef bytes = buffer->getBuffer();
  constexpr size_t kEndSize = 22;
  bool looksLikeZip = bytes.startswith("PK\x03\x04");
  // The record is within the last 64 KiB + 22 bytes (its comment is at most
  // 65535 bytes); a cut one may start within its first 22 bytes of the end.
  size_t from =
      bytes.size() > 65535 + kEndSize ? bytes.size() - 65535 - kEndSize : 0;
  size_t at = bytes.rfind("PK\x05\x06");
  if (at == StringRef::npos || at < from) {
    if (looksLikeZip)
      return emitError() << "the zip is truncated or corrupt: its end of "
                            "central directory record is missing";
    return emitError() << "not a zip archive";
  }
  if (at + kEndSize > bytes.size())
    return emitError() << "the zip is truncated: its end of central directory "
                          "record is cut short";
  auto u16 = [&](size_t off) {
    return unsigned(uint8_t(bytes[at + off])) |
           unsigned(uint8_t(bytes[at + off + 1])) << 8;
  };
  if (at + kEndSize + u16(20) != bytes.size())
    return emitError() << "the zip is truncated or has trailing bytes (its "
                          "end record does not end the file)";
  if (u16(10) == 0 && u16(8) == 0)
    return emitError() << "the zip has no records";
  return success();
}

LogicalResult Archive::readDirectory() {
  const InputLimits &limits = ctx.getInputLimits();
  MemoryStream stream{
      llvm::ArrayRef<char>(buffer->getBufferStart(), buffer->getBufferSize())};
  zlib_filefunc64_def io = {openStream,      readStream, writeStream,
                            tellStream,      seekStream, closeStream,
                            testErrorStream, &stream};
  unzFile zip = unzOpen2_64(path.c_str(), &io);
  if (!zip)
    return emitError() << "the zip is corrupt: its central directory cannot "
                          "be read";
  auto closeZip = llvm::make_scope_exit([&] { unzClose(zip); });

  unz_global_info64 global;
  if (unzGetGlobalInfo64(zip, &global) != UNZ_OK)
    return emitError() << "cannot read the zip's central directory";
  if (global.number_entry > limits.maxRecords)
    return emitError() << "the zip claims " << global.number_entry
                       << " records (at most " << limits.maxRecords
                       << " are accepted)";

  uint64_t fileSize = buffer->getBufferSize(), inflated = 0;
  int status = unzGoToFirstFile(zip);
  while (status == UNZ_OK) {
    unz_file_info64 info;
    if (unzGetCurrentFileInfo64(zip, &info, nullptr, 0, nullptr, 0, nullptr,
                                0) != UNZ_OK)
      return emitError() << "corrupt central directory entry #"
                         << records.size();
    std::string name(info.size_filename, '\0');
    if (unzGetCurrentFileInfo64(zip, &info, name.data(), name.size(), nullptr,
                                0, nullptr, 0) != UNZ_OK)
      return emitError() << "corrupt central directory entry #"
                         << records.size();
    if (!isSafeName(name))
      return emitError() << "record name '" << llvm::StringRef(name)
                         << "' is not a safe relative path";
    auto [top, rest] = StringRef(name).split('/');
    if (rest.empty())
      return emitError() << "record '" << name
                         << "' is not inside a top-level folder (torch.jit."
                            "save puts every record under one)";
    if (records.empty())
      prefix = top.str();
    if (top != prefix)
      return emitError() << "record '" << name
                         << "' is outside the archive's top-level folder '"
                         << prefix << "/'";
    if (info.flag & 1)
      return emitError() << "record '" << name << "' is encrypted";
    if (info.compression_method != 0 && info.compression_method != Z_DEFLATED)
      return emitError() << "record '" << name
                         << "' uses unsupported compression method "
                         << info.compression_method;
    // Opening the record checks its local header against the central
    // directory and gives the data offset.
    if (unzOpenCurrentFile(zip) != UNZ_OK)
      return emitError() << "record '" << name
                         << "' has a corrupt local header";
    uint64_t offset = unzGetCurrentFileZStreamPos64(zip);
    std::optional<uint64_t> header =
        localHeaderOffset(buffer->getBuffer(), unzGetOffset64(zip));
    unzCloseCurrentFile(zip);
    // minizip compares sizes and methods, not names: the local header must
    // name the same record.
    if (!header || *header > fileSize ||
        fileSize - *header < 30 + name.size() ||
        le16(buffer->getBuffer(), *header + 26) != name.size() ||
        buffer->getBuffer().substr(*header + 30, name.size()) != name)
      return emitError() << "record '" << name
                         << "' has a local header that names another record";
    Record r{name.substr(prefix.size() + 1),
             info.compression_method != 0,
             offset,
             info.compressed_size,
             info.uncompressed_size,
             uint32_t(info.crc)};
    if (offset > fileSize || r.compressedSize > fileSize - offset)
      return emitError() << "record '" << name << "' is truncated (needs "
                         << r.compressedSize << " bytes at offset " << offset
                         << ", the file has " << fileSize << ")";
    if (!r.compressed && r.compressedSize != r.size)
      return emitError() << "stored record '" << name
                         << "' has inconsistent sizes";
    // Deflate expands at most about 1032:1; more is a corrupt size or a bomb.
    if (r.compressed && r.size / 1032 > r.compressedSize + 1)
      return emitError() << "record '" << name << "' claims a size of "
                         << r.size << " bytes inflated from "
                         << r.compressedSize
                         << ", more than deflate can expand";
    if (r.compressed && (inflated += r.size) > limits.maxInflatedBytes)
      return emitError() << "the compressed records inflate to over "
                         << limits.maxInflatedBytes << " bytes, at record '"
                         << name << "' (--max-inflated-bytes)";
    if (!index.try_emplace(r.name, records.size()).second)
      return emitError() << "record '" << name << "' appears twice";
    records.push_back(std::move(r));
    status = unzGoToNextFile(zip);
  }
  if (status != UNZ_END_OF_LIST_OF_FILE)
    return emitError() << "corrupt central directory after record #"
                       << records.size();
  if (records.empty())
    return emitError() << "the zip has no records";
  return success();
}

const Archive::Record *Archive::lookup(StringRef name) const {
  auto it = index.find(name);
  return it == index.end() ? nullptr : &records[it->second];
}

LogicalResult Archive::extract(const Record &r, char *out) {
  std::string full = prefix + "/" + r.name;
  const char *in = buffer->getBufferStart() + r.dataOffset;
  if (!r.compressed) {
    std::memcpy(out, in, r.size);
  } else {
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
      return emitError() << "cannot inflate record '" << full << "'";
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in));
    z.avail_in = uInt(std::min<uint64_t>(r.compressedSize, UINT32_MAX));
    z.next_out = reinterpret_cast<Bytef *>(out);
    z.avail_out = uInt(r.size);
    int status = inflate(&z, Z_FINISH);
    uint64_t produced = z.total_out;
    inflateEnd(&z);
    if (status != Z_STREAM_END || produced != r.size)
      return emitError() << "record '" << full << "' is corrupt (its deflate "
                         << "stream is invalid or does not match its size)";
  }
  if (crcOf(llvm::ArrayRef<char>(out, r.size)) != r.crc)
    return emitError() << "record '" << full << "' is corrupt (CRC mismatch)";
  return success();
}

std::optional<Archive::Data> Archive::getRecordData(StringRef name) {
  const Record *r = lookup(name);
  if (!r) {
    emitError() << "missing record '" << prefix << "/" << name << "'";
    return std::nullopt;
  }
  const char *in = buffer->getBufferStart() + r->dataOffset;
  if (!r->compressed && uintptr_t(in) % 64 == 0) {
    llvm::ArrayRef<char> bytes(in, r->size);
    if (crcOf(bytes) != r->crc) {
      emitError() << "record '" << prefix << "/" << name
                  << "' is corrupt (CRC mismatch)";
      return std::nullopt;
    }
    return Data{bytes, buffer};
  }
  std::shared_ptr<char> copy = allocateAligned(r->size);
  if (failed(extract(*r, copy.get())))
    return std::nullopt;
  return Data{llvm::ArrayRef<char>(copy.get(), r->size), copy};
}

std::optional<std::string> Archive::readRecord(StringRef name) {
  const Record *r = lookup(name);
  if (!r) {
    emitError() << "missing record '" << prefix << "/" << name << "'";
    return std::nullopt;
  }
  std::string out(r->size, '\0');
  if (failed(extract(*r, out.data())))
    return std::nullopt;
  return out;
}
