//===- WeightStoreTest.cpp - Mapped, copied and external blobs ------------===//
#include "ir/WeightStore.h"
#include "ir/Attributes.h"
#include "ir/Context.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"
#include <cstring>

using namespace irc;
namespace fs = llvm::sys::fs;

namespace {

/// A temporary file of `size` bytes with a recognizable pattern, removed at
/// the end of the test.
class TempFile {
public:
  explicit TempFile(size_t size) {
    int fd;
    std::error_code ec =
        fs::createTemporaryFile("irc-weights", "bin", fd, path);
    EXPECT_FALSE(ec) << ec.message();
    bytes.resize(size);
    for (size_t i = 0; i < size; ++i)
      bytes[i] = char((i * 131 + i / 4096) & 0xff);
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os.write(bytes.data(), bytes.size());
  }
  ~TempFile() { fs::remove(path); }
  std::string str() const { return std::string(path.str()); }

  llvm::SmallString<128> path;
  std::vector<char> bytes;
};

std::string errorText(llvm::Error e) { return llvm::toString(std::move(e)); }

const size_t kPage = fs::mapped_file_region::alignment();

TEST(WeightStore, MappedFileHasTheFileBytes) {
  TempFile file(3 * kPage + 100);
  WeightStore store;
  ASSERT_EQ(
      errorText(store.addMappedFile("all", file.str(), 0, file.bytes.size())),
      "");
  auto data = store.lookup("all");
  ASSERT_TRUE(data);
  ASSERT_EQ(data->size(), file.bytes.size());
  EXPECT_EQ(std::memcmp(data->data(), file.bytes.data(), data->size()), 0);
  // One mapping, seen the same way by every lookup.
  EXPECT_EQ(store.lookup("all")->data(), data->data());
  EXPECT_TRUE(store.contains("all"));
  EXPECT_EQ(store.size(), 1u);
  // A whole-file mapping starts on a page.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(data->data()) % kPage, 0u);
}

TEST(WeightStore, UnalignedOffsetsAreHandled) {
  TempFile file(3 * kPage);
  WeightStore store;
  const uint64_t offsets[] = {1,     123,       kPage - 1,
                              kPage, kPage + 1, 2 * kPage + 7};
  for (uint64_t offset : offsets) {
    SCOPED_TRACE(offset);
    uint64_t size = std::min<uint64_t>(1000, file.bytes.size() - offset);
    std::string name = "w" + std::to_string(offset);
    ASSERT_EQ(errorText(store.addMappedFile(name, file.str(), offset, size)),
              "");
    auto data = store.lookup(name);
    ASSERT_TRUE(data);
    ASSERT_EQ(data->size(), size);
    EXPECT_EQ(std::memcmp(data->data(), file.bytes.data() + offset, size), 0);
    // The view starts at `offset` within a page-aligned mapping.
    EXPECT_EQ(reinterpret_cast<uintptr_t>(data->data()) % kPage,
              offset % kPage);
  }
}

TEST(WeightStore, MappedBytesAreTheFileNotACopy) {
  TempFile file(2 * kPage);
  WeightStore store;
  ASSERT_EQ(errorText(store.addMappedFile("w", file.str(), kPage + 10, 64)),
            "");
  const char *seen = store.lookup("w")->data();
  char before = seen[5];
  {
    // Write the file through a second, shared, writable mapping.
    int fd;
    ASSERT_FALSE(fs::openFileForReadWrite(file.path, fd, fs::CD_OpenExisting,
                                          fs::OF_None));
    fs::file_t handle = fs::convertFDToNativeFile(fd);
    std::error_code ec;
    {
      fs::mapped_file_region rw(handle, fs::mapped_file_region::readwrite,
                                2 * kPage, 0, ec);
      ASSERT_FALSE(ec) << ec.message();
      rw.data()[kPage + 10 + 5] = char(~before);
    }
    fs::closeFile(handle);
  }
  EXPECT_EQ(store.lookup("w")->data()[5], char(~before));
}

TEST(WeightStore, MappingOutlivesTheFileName) {
  TempFile file(kPage + 1);
  WeightStore store;
  ASSERT_EQ(errorText(store.addMappedFile("w", file.str(), 1, kPage)), "");
  ASSERT_FALSE(fs::remove(file.path));
  auto data = store.lookup("w");
  ASSERT_TRUE(data);
  EXPECT_EQ(std::memcmp(data->data(), file.bytes.data() + 1, kPage), 0);
}

TEST(WeightStore, RangePastTheEndIsAnError) {
  TempFile file(1000);
  WeightStore store;
  std::string err = errorText(store.addMappedFile("w", file.str(), 900, 101));
  EXPECT_NE(err.find("cannot map 101 bytes at offset 900"), std::string::npos)
      << err;
  EXPECT_FALSE(store.contains("w"));
  // Offset itself past the end; and an offset + size that would wrap.
  EXPECT_NE(errorText(store.addMappedFile("w", file.str(), 1001, 0)), "");
  EXPECT_NE(errorText(store.addMappedFile("w", file.str(), 10, UINT64_MAX)),
            "");
  EXPECT_FALSE(store.contains("w"));
  // Exactly up to the end is fine.
  EXPECT_EQ(errorText(store.addMappedFile("w", file.str(), 900, 100)), "");
  EXPECT_EQ(store.lookup("w")->size(), 100u);
  EXPECT_EQ(store.lookup("w")->back(), file.bytes.back());
}

TEST(WeightStore, MissingFileIsAnError) {
  WeightStore store;
  EXPECT_NE(
      errorText(store.addMappedFile("w", "/nonexistent/irc/weights.bin", 0, 4)),
      "");
  EXPECT_FALSE(store.contains("w"));
}

TEST(WeightStore, EmptyRange) {
  TempFile file(10);
  WeightStore store;
  ASSERT_EQ(errorText(store.addMappedFile("w", file.str(), 10, 0)), "");
  ASSERT_TRUE(store.lookup("w"));
  EXPECT_TRUE(store.lookup("w")->empty());
}

TEST(WeightStore, CopiesAreAlignedAndIndependent) {
  WeightStore store;
  for (size_t size : {0, 1, 3, 63, 64, 65, 1000, 4099}) {
    SCOPED_TRACE(size);
    std::vector<char> src(size);
    for (size_t i = 0; i < size; ++i)
      src[i] = char(i * 7);
    std::string name = "c" + std::to_string(size);
    store.addCopy(name, src);
    auto data = store.lookup(name);
    ASSERT_TRUE(data);
    ASSERT_EQ(data->size(), size);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(data->data()) %
                  WeightStore::kAlignment,
              0u);
    EXPECT_NE(data->data(), src.data());
    if (size) {
      EXPECT_EQ(std::memcmp(data->data(), src.data(), size), 0);
      src[0] = char(src[0] + 1);
      EXPECT_NE(data->data()[0], src[0]);
    }
  }
}

TEST(WeightStore, ExternalBlobsKeepTheirOwnerAlive) {
  auto owner = std::make_shared<std::vector<char>>(16, 'x');
  std::weak_ptr<std::vector<char>> weak = owner;
  {
    WeightStore store;
    store.addExternal("e", *owner, owner);
    EXPECT_EQ(store.lookup("e")->data(), owner->data());
    owner.reset();
    EXPECT_FALSE(weak.expired());
    EXPECT_EQ(store.lookup("e")->front(), 'x');
    // Replacing the entry releases the old owner.
    store.addCopy("e", llvm::ArrayRef<char>("yz", 2));
    EXPECT_TRUE(weak.expired());
    EXPECT_EQ(store.lookup("e")->front(), 'y');
  }
}

TEST(WeightStore, MissingNameIsNullopt) {
  WeightStore store;
  EXPECT_EQ(store.lookup("nope"), std::nullopt);
  EXPECT_FALSE(store.contains("nope"));
}

TEST(WeightStore, BlobAttributeReadsMappedBytes) {
  TempFile file(kPage + 64);
  Context ctx;
  Type t = getTensorType(ctx, {4}, DType::F32);
  Attribute blob = getBlobAttr(t, "layer1.weight", 8);
  EXPECT_EQ(blob.getRawData(), std::nullopt);
  ASSERT_EQ(errorText(ctx.getWeightStore().addMappedFile(
                "layer1.weight", file.str(), kPage, 64)),
            "");
  auto raw = blob.getRawData();
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->size(), 16u);
  EXPECT_EQ(std::memcmp(raw->data(), file.bytes.data() + kPage + 8, 16), 0);
  EXPECT_EQ(raw->data(),
            ctx.getWeightStore().lookup("layer1.weight")->data() + 8);
  // 64 bytes hold 16 floats at offset 0 but not 4 floats at offset 56.
  EXPECT_EQ(getBlobAttr(t, "layer1.weight", 56).getRawData(), std::nullopt);
  EXPECT_TRUE(getBlobAttr(t, "layer1.weight", 48).getRawData());
}

} // namespace
