//===- WeightStore.cpp ----------------------------------------------------===//
#include "ir/WeightStore.h"
#include "llvm/Support/FileSystem.h"
#include <cstring>
#include <new>

using namespace irc;

void WeightStore::addExternal(llvm::StringRef name, llvm::ArrayRef<char> data,
                              std::shared_ptr<const void> owner) {
  blobs[name] = Blob{data, std::move(owner)};
}

void WeightStore::addCopy(llvm::StringRef name, llvm::ArrayRef<char> data) {
  // Not llvm::allocate_buffer: it honours the alignment only if LLVM itself
  // was compiled with C++17 aligned new, and LLVM 15 builds as C++14.
  constexpr std::align_val_t align{kAlignment};
  size_t size = std::max<size_t>(data.size(), 1);
  char *mem = static_cast<char *>(::operator new(size, align));
  if (!data.empty())
    std::memcpy(mem, data.data(), data.size());
  std::shared_ptr<const void> owner(mem, [align](const void *p) {
    ::operator delete(const_cast<void *>(p), align);
  });
  addExternal(name, {mem, data.size()}, std::move(owner));
}

llvm::Error WeightStore::addMappedFile(llvm::StringRef name,
                                       llvm::StringRef path, uint64_t offset,
                                       uint64_t size) {
  namespace fs = llvm::sys::fs;
  auto fd = fs::openNativeFileForRead(path);
  if (!fd)
    return fd.takeError();
  uint64_t fileSize = 0;
  std::error_code ec = fs::file_size(path, fileSize);
  if (!ec && (offset > fileSize || size > fileSize - offset))
    ec = std::make_error_code(std::errc::invalid_argument);
  if (ec) {
    fs::closeFile(*fd);
    return llvm::createStringError(ec,
                                   "cannot map %llu bytes at offset %llu "
                                   "of '%s'",
                                   (unsigned long long)size,
                                   (unsigned long long)offset,
                                   path.str().c_str());
  }
  if (size == 0) {
    fs::closeFile(*fd);
    addExternal(name, {}, nullptr);
    return llvm::Error::success();
  }
  // mmap offsets must be page aligned: map from the page holding `offset`.
  uint64_t align = fs::mapped_file_region::alignment();
  uint64_t start = offset / align * align;
  auto region = std::make_shared<fs::mapped_file_region>(
      *fd, fs::mapped_file_region::readonly, size + (offset - start), start,
      ec);
  fs::closeFile(*fd);
  if (ec)
    return llvm::createStringError(ec, "cannot map '%s'", path.str().c_str());
  const char *data = region->const_data() + (offset - start);
  addExternal(name, {data, size}, std::move(region));
  return llvm::Error::success();
}

std::optional<llvm::ArrayRef<char>>
WeightStore::lookup(llvm::StringRef name) const {
  auto it = blobs.find(name);
  if (it == blobs.end())
    return std::nullopt;
  return it->second.data;
}

std::shared_ptr<const void>
WeightStore::lookupOwner(llvm::StringRef name) const {
  auto it = blobs.find(name);
  return it == blobs.end() ? nullptr : it->second.owner;
}
