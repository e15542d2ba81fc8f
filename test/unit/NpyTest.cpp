//===- NpyTest.cpp - Reading and writing NumPy .npy files -----------------===//
#include "runtime/Npy.h"
#include "gtest/gtest.h"
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>

using namespace irc::rt;

namespace {

// Files written by numpy 1.24 (np.save, or write_array with an explicit
// version), embedded so the tests need no Python.
/// NumpyF32x2x3
const unsigned char NumpyF32x2x3[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00, 0x7b, 0x27,
    0x64, 0x65, 0x73, 0x63, 0x72, 0x27, 0x3a, 0x20, 0x27, 0x3c, 0x66, 0x34,
    0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74, 0x72, 0x61, 0x6e, 0x5f,
    0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61, 0x6c, 0x73,
    0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27, 0x3a, 0x20,
    0x28, 0x32, 0x2c, 0x20, 0x33, 0x29, 0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0xc0, 0x3f,
    0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x20, 0x40,
};
/// NumpyI64x3
const unsigned char NumpyI64x3[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00, 0x7b, 0x27,
    0x64, 0x65, 0x73, 0x63, 0x72, 0x27, 0x3a, 0x20, 0x27, 0x3c, 0x69, 0x38,
    0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74, 0x72, 0x61, 0x6e, 0x5f,
    0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61, 0x6c, 0x73,
    0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27, 0x3a, 0x20,
    0x28, 0x33, 0x2c, 0x29, 0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
};
/// NumpyBoolScalar
const unsigned char NumpyBoolScalar[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00, 0x7b, 0x27,
    0x64, 0x65, 0x73, 0x63, 0x72, 0x27, 0x3a, 0x20, 0x27, 0x7c, 0x62, 0x31,
    0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74, 0x72, 0x61, 0x6e, 0x5f,
    0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61, 0x6c, 0x73,
    0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27, 0x3a, 0x20,
    0x28, 0x29, 0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a, 0x01,
};
/// NumpyF16x2
const unsigned char NumpyF16x2[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00, 0x7b, 0x27,
    0x64, 0x65, 0x73, 0x63, 0x72, 0x27, 0x3a, 0x20, 0x27, 0x3c, 0x66, 0x32,
    0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74, 0x72, 0x61, 0x6e, 0x5f,
    0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61, 0x6c, 0x73,
    0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27, 0x3a, 0x20,
    0x28, 0x32, 0x2c, 0x29, 0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a, 0x00, 0x3c, 0x00, 0xc1,
};
/// NumpyU8x0x4
const unsigned char NumpyU8x0x4[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00, 0x7b, 0x27,
    0x64, 0x65, 0x73, 0x63, 0x72, 0x27, 0x3a, 0x20, 0x27, 0x7c, 0x75, 0x31,
    0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74, 0x72, 0x61, 0x6e, 0x5f,
    0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61, 0x6c, 0x73,
    0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27, 0x3a, 0x20,
    0x28, 0x30, 0x2c, 0x20, 0x34, 0x29, 0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a,
};
/// NumpyI8x2V2
const unsigned char NumpyI8x2V2[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x02, 0x00, 0x74, 0x00, 0x00, 0x00,
    0x7b, 0x27, 0x64, 0x65, 0x73, 0x63, 0x72, 0x27, 0x3a, 0x20, 0x27, 0x7c,
    0x69, 0x31, 0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74, 0x72, 0x61,
    0x6e, 0x5f, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61,
    0x6c, 0x73, 0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27,
    0x3a, 0x20, 0x28, 0x32, 0x2c, 0x29, 0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a, 0x80, 0x7f,
};
/// NumpyF64x1V3
const unsigned char NumpyF64x1V3[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x03, 0x00, 0x74, 0x00, 0x00, 0x00,
    0x7b, 0x27, 0x64, 0x65, 0x73, 0x63, 0x72, 0x27, 0x3a, 0x20, 0x27, 0x3c,
    0x66, 0x38, 0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74, 0x72, 0x61,
    0x6e, 0x5f, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61,
    0x6c, 0x73, 0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27,
    0x3a, 0x20, 0x28, 0x31, 0x2c, 0x29, 0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x0a, 0x40,
};

template <size_t N> std::string bytesOf(const unsigned char (&a)[N]) {
  return std::string(reinterpret_cast<const char *>(a), N);
}

/// A .npy file with `header` taken verbatim.
std::string npyFile(const std::string &header, const std::string &data,
                    int major = 1, int minor = 0) {
  std::string s = "\x93NUMPY";
  s += char(major);
  s += char(minor);
  size_t n = header.size();
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i)
    s += char((n >> (8 * i)) & 0xff);
  return s + header + data;
}

std::string dict(const std::string &descr, const std::string &shape,
                 const std::string &fortran = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + fortran +
         ", 'shape': " + shape + ", }\n";
}

NpyArray parseOk(const std::string &file) {
  NpyArray a;
  std::string error;
  EXPECT_TRUE(parseNpy(file.data(), file.size(), "x.npy", a, error)) << error;
  return a;
}

std::string parseError(const std::string &file) {
  NpyArray a;
  std::string error;
  EXPECT_FALSE(parseNpy(file.data(), file.size(), "x.npy", a, error));
  return error;
}

template <typename T> std::vector<T> valuesOf(const NpyArray &a) {
  std::vector<T> v(a.data.size() / sizeof(T));
  if (!v.empty())
    std::memcpy(v.data(), a.data.data(), a.data.size());
  return v;
}

std::string serialize(const NpyArray &a) {
  std::vector<char> out;
  std::string error;
  EXPECT_TRUE(serializeNpy(a, "x.npy", out, error)) << error;
  return std::string(out.begin(), out.end());
}

const NpyDType AllDTypes[] = {NpyDType::F32, NpyDType::F64, NpyDType::F16,
                              NpyDType::I64, NpyDType::I32, NpyDType::I16,
                              NpyDType::I8,  NpyDType::U8,  NpyDType::Bool};

//===----------------------------------------------------------------------===//
// Files NumPy wrote
//===----------------------------------------------------------------------===//

TEST(NpyNumpy, ReadsFloat32Matrix) {
  NpyArray a = parseOk(bytesOf(NumpyF32x2x3));
  EXPECT_EQ(a.dtype, NpyDType::F32);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(valuesOf<float>(a),
            (std::vector<float>{0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 2.5f}));
}

TEST(NpyNumpy, ReadsInt64Vector) {
  NpyArray a = parseOk(bytesOf(NumpyI64x3));
  EXPECT_EQ(a.dtype, NpyDType::I64);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(valuesOf<int64_t>(a),
            (std::vector<int64_t>{-1, 0, int64_t(1) << 40}));
}

TEST(NpyNumpy, ReadsBoolScalar) {
  NpyArray a = parseOk(bytesOf(NumpyBoolScalar));
  EXPECT_EQ(a.dtype, NpyDType::Bool);
  EXPECT_TRUE(a.shape.empty());
  EXPECT_EQ(a.numel(), 1);
  EXPECT_EQ(a.data, std::vector<char>{1});
}

TEST(NpyNumpy, ReadsFloat16) {
  NpyArray a = parseOk(bytesOf(NumpyF16x2));
  EXPECT_EQ(a.dtype, NpyDType::F16);
  // 1.0 = 0x3c00, -2.5 = 0xc100.
  EXPECT_EQ(valuesOf<uint16_t>(a), (std::vector<uint16_t>{0x3c00, 0xc100}));
}

TEST(NpyNumpy, ReadsZeroSizeUInt8) {
  NpyArray a = parseOk(bytesOf(NumpyU8x0x4));
  EXPECT_EQ(a.dtype, NpyDType::U8);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{0, 4}));
  EXPECT_TRUE(a.data.empty());
}

TEST(NpyNumpy, ReadsVersion2) {
  NpyArray a = parseOk(bytesOf(NumpyI8x2V2));
  EXPECT_EQ(a.dtype, NpyDType::I8);
  EXPECT_EQ(valuesOf<int8_t>(a), (std::vector<int8_t>{-128, 127}));
}

TEST(NpyNumpy, ReadsVersion3) {
  NpyArray a = parseOk(bytesOf(NumpyF64x1V3));
  EXPECT_EQ(a.dtype, NpyDType::F64);
  EXPECT_EQ(valuesOf<double>(a), std::vector<double>{3.25});
}

TEST(NpyNumpy, WriterMatchesNumpyByteForByte) {
  for (const std::string &file :
       {bytesOf(NumpyF32x2x3), bytesOf(NumpyI64x3), bytesOf(NumpyBoolScalar),
        bytesOf(NumpyF16x2), bytesOf(NumpyU8x0x4)})
    EXPECT_EQ(serialize(parseOk(file)), file);
}

//===----------------------------------------------------------------------===//
// Round trips
//===----------------------------------------------------------------------===//

TEST(NpyRoundTrip, EveryDTypeAndShape) {
  const std::vector<std::vector<int64_t>> shapes = {
      {}, {0}, {3}, {2, 3}, {1, 0, 5}, {2, 1, 3, 5}, {123456789012, 0}};
  for (NpyDType dtype : AllDTypes) {
    for (const auto &shape : shapes) {
      NpyArray a;
      a.dtype = dtype;
      a.shape = shape;
      a.data.resize(size_t(a.numel()) * elementSize(dtype));
      for (size_t i = 0; i < a.data.size(); ++i)
        a.data[i] = char(dtype == NpyDType::Bool ? i % 2 : i * 7 + 1);
      std::string file = serialize(a);
      size_t headerEnd = file.find('\n') + 1;
      EXPECT_EQ(headerEnd % 64, 0u) << dtypeName(dtype);
      EXPECT_EQ(file.size(), headerEnd + a.data.size());
      NpyArray b = parseOk(file);
      EXPECT_EQ(b.dtype, dtype);
      EXPECT_EQ(b.shape, shape);
      EXPECT_EQ(b.data, a.data);
    }
  }
}

TEST(NpyRoundTrip, ThroughAFile) {
  char dir[] = "/tmp/npytestXXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/a.npy";
  NpyArray a;
  a.dtype = NpyDType::I32;
  a.shape = {2, 2};
  std::vector<int32_t> v = {1, -2, 3, -4};
  a.data.assign(reinterpret_cast<char *>(v.data()),
                reinterpret_cast<char *>(v.data()) + 16);
  std::string error;
  ASSERT_TRUE(writeNpy(path, a, error)) << error;
  NpyArray b;
  ASSERT_TRUE(readNpy(path, b, error)) << error;
  EXPECT_EQ(b.shape, a.shape);
  EXPECT_EQ(valuesOf<int32_t>(b), v);
  std::remove(path.c_str());
  rmdir(dir);
}

TEST(NpyRoundTrip, NamesAndSizes) {
  const char *names[] = {"float32", "float64", "float16", "int64", "int32",
                         "int16",   "int8",    "uint8",   "bool"};
  const size_t sizes[] = {4, 8, 2, 8, 4, 2, 1, 1, 1};
  for (size_t i = 0; i < 9; ++i) {
    EXPECT_STREQ(dtypeName(AllDTypes[i]), names[i]);
    EXPECT_EQ(elementSize(AllDTypes[i]), sizes[i]);
  }
}

//===----------------------------------------------------------------------===//
// Header forms NumPy or Python accept
//===----------------------------------------------------------------------===//

TEST(NpyHeader, AcceptsPythonDictVariants) {
  std::string four(4, '\0');
  for (const char *header :
       {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n",
        "{\"shape\": (1,), \"descr\": \"<f4\", \"fortran_order\": False}\n",
        "{'fortran_order':False,'shape':(1,),'descr':'<f4'}   \n",
        "  {\n 'descr' : '=f4' ,\n 'fortran_order' : False ,\n 'shape' : ( "
        "1 , ) ,\n }\n",
        "{'descr': 'f4', 'fortran_order': False, 'shape': (1,)}",
        "{'descr': '|f4', 'fortran_order': False, 'shape': (1,), }\t\r\n"}) {
    NpyArray a = parseOk(npyFile(header, four));
    EXPECT_EQ(a.dtype, NpyDType::F32) << header;
    EXPECT_EQ(a.shape, std::vector<int64_t>{1}) << header;
  }
}

TEST(NpyHeader, AcceptsAnyByteOrderForSingleBytes) {
  EXPECT_EQ(parseOk(npyFile(dict("<i1", "(1,)"), "x")).dtype, NpyDType::I8);
  EXPECT_EQ(parseOk(npyFile(dict(">u1", "(1,)"), "x")).dtype, NpyDType::U8);
  EXPECT_EQ(parseOk(npyFile(dict("=b1", "(1,)"), "x")).dtype, NpyDType::Bool);
}

TEST(NpyHeader, ScalarAndMinusZero) {
  EXPECT_TRUE(parseOk(npyFile(dict("<i4", "()"), "abcd")).shape.empty());
  EXPECT_EQ(parseOk(npyFile(dict("<i4", "(-0, 2)"), "")).shape,
            (std::vector<int64_t>{0, 2}));
}

//===----------------------------------------------------------------------===//
// What irc refuses, and the exact words it uses
//===----------------------------------------------------------------------===//

TEST(NpyErrors, Magic) {
  EXPECT_EQ(parseError(""),
            "x.npy: not a .npy file: it does not start with \\x93NUMPY");
  EXPECT_EQ(parseError("PK\x03\x04 not numpy"),
            "x.npy: not a .npy file: it does not start with \\x93NUMPY");
  EXPECT_EQ(parseError("\x93NUMP"),
            "x.npy: not a .npy file: it does not start with \\x93NUMPY");
  EXPECT_EQ(parseError("\x93NUMPY\x01"),
            "x.npy: the file ends inside the format version");
}

TEST(NpyErrors, Version) {
  EXPECT_EQ(parseError(npyFile(dict("<f4", "()"), "abcd", 9, 0)),
            "x.npy: unsupported .npy format version 9.0; irc reads 1.0, 2.0 "
            "and 3.0");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "()"), "abcd", 1, 1)),
            "x.npy: unsupported .npy format version 1.1; irc reads 1.0, 2.0 "
            "and 3.0");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "()"), "abcd", 0, 0)),
            "x.npy: unsupported .npy format version 0.0; irc reads 1.0, 2.0 "
            "and 3.0");
}

TEST(NpyErrors, HeaderLength) {
  EXPECT_EQ(parseError(std::string("\x93NUMPY\x01\x00\x10", 9)),
            "x.npy: the file ends inside the header length");
  EXPECT_EQ(parseError(std::string("\x93NUMPY\x02\x00\x10\x00\x00", 11)),
            "x.npy: the file ends inside the header length");
  EXPECT_EQ(
      parseError(std::string("\x93NUMPY\x01\x00\x64\x00", 10) + "{'descr':"),
      "x.npy: the header length is 100 bytes but only 9 bytes follow");
  EXPECT_EQ(
      parseError(std::string("\x93NUMPY\x02\x00\xff\xff\xff\xff", 12) + "{}"),
      "x.npy: the header length 4294967295 is over irc's limit of 1 "
      "MiB");
}

TEST(NpyErrors, NotADict) {
  EXPECT_EQ(parseError(npyFile("[1, 2]\n", "")),
            "x.npy: the header is not a Python dict: expected '{' at offset 0 "
            "of the header, found '['");
  EXPECT_EQ(parseError(npyFile("   \n", "")),
            "x.npy: the header is not a Python dict: the header ends where "
            "'{' was expected");
  EXPECT_EQ(parseError(npyFile("", "")),
            "x.npy: the header is not a Python dict: the header ends where "
            "'{' was expected");
}

TEST(NpyErrors, UnterminatedDict) {
  EXPECT_EQ(
      parseError(npyFile(
          "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), \n", "")),
      "x.npy: the header ends before its dict is closed with '}'");
  EXPECT_EQ(parseError(npyFile("{'descr': '<f4'", "")),
            "x.npy: the header ends before its dict is closed with '}'");
  EXPECT_EQ(parseError(npyFile("{'descr': '<f4' 'shape': ()}\n", "")),
            "x.npy: expected ',' or '}' at offset 16 of the header, found "
            "'''");
  EXPECT_EQ(parseError(npyFile("{'descr' '<f4'}\n", "")),
            "x.npy: expected ':' after a key at offset 9 of the header, found "
            "'''");
  EXPECT_EQ(parseError(npyFile("{descr: '<f4'}\n", "")),
            "x.npy: expected a quoted key or '}' at offset 1 of the header, "
            "found 'd'");
}

TEST(NpyErrors, Keys) {
  EXPECT_EQ(parseError(npyFile("{'descr': '<f4', 'fortran_order': False, "
                               "'shape': (), 'order': 'C'}\n",
                               "abcd")),
            "x.npy: unknown key 'order' in the header; expected 'descr', "
            "'fortran_order' and 'shape'");
  EXPECT_EQ(
      parseError(npyFile("{'descr': '<f4', 'fortran_order': False}\n", "abcd")),
      "x.npy: the header has no 'shape' key");
  EXPECT_EQ(
      parseError(npyFile("{'shape': (), 'fortran_order': False}\n", "abcd")),
      "x.npy: the header has no 'descr' key");
  EXPECT_EQ(parseError(npyFile("{'descr': '<f4', 'shape': ()}\n", "abcd")),
            "x.npy: the header has no 'fortran_order' key");
  EXPECT_EQ(parseError(npyFile("{}\n", "")),
            "x.npy: the header has no 'descr' key");
  EXPECT_EQ(parseError(npyFile("{'descr': '<f4', 'descr': '<f4'}\n", "")),
            "x.npy: the header has key 'descr' twice");
}

TEST(NpyErrors, Strings) {
  EXPECT_EQ(parseError(npyFile("{'descr': '<f4}\n", "")),
            "x.npy: unterminated string in the header");
  EXPECT_EQ(parseError(npyFile("{'descr\": \"<f4\"}", "")),
            "x.npy: unterminated string in the header");
  EXPECT_EQ(parseError(npyFile("{'descr': '<\\x66\\x34'}\n", "")),
            "x.npy: escape sequences in header strings are not supported "
            "(offset 12)");
  EXPECT_EQ(parseError(npyFile("{'descr': 5, 'fortran_order': False}\n", "")),
            "x.npy: 'descr' must be a string such as '<f4'; expected a quote "
            "at offset 10 of the header, found '5'");
}

TEST(NpyErrors, Shape) {
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(2, x)"), "")),
            "x.npy: 'shape' must be a tuple of ints such as (2, 3), not '(2, "
            "x)'");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(3)"), "")),
            "x.npy: 'shape' must be a tuple of ints such as (2, 3), not "
            "'(3)'");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "[2, 3]"), "")),
            "x.npy: 'shape' must be a tuple of ints such as (2, 3), not '[2, "
            "3]'");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(2 3)"), "")),
            "x.npy: 'shape' must be a tuple of ints such as (2, 3), not '(2 "
            "3)'");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(,)"), "")),
            "x.npy: 'shape' must be a tuple of ints such as (2, 3), not "
            "'(,)'");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(2.5,)"), "")),
            "x.npy: 'shape' must be a tuple of ints such as (2, 3), not "
            "'(2.5,)'");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "4"), "")),
            "x.npy: 'shape' must be a tuple of ints such as (2, 3), not '4'");
  EXPECT_EQ(parseError(npyFile("{'descr': '<f4', 'fortran_order': False, "
                               "'shape': (2, ",
                               "")),
            "x.npy: 'shape' must be a tuple of ints such as (2, 3), not '(2, "
            "'");
}

TEST(NpyErrors, Dims) {
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(2, -1)"), "")),
            "x.npy: negative dimension -1 in 'shape'");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(99999999999999999999,)"), "")),
            "x.npy: dimension 99999999999999999999 in 'shape' is too large");
  EXPECT_EQ(
      parseError(npyFile(dict("<f4", "(1099511627776, 1099511627776)"), "")),
      "x.npy: shape (1099511627776, 1099511627776) of float32 is too large");
  // Large but not overflowing int64 in elements; overflowing in bytes.
  EXPECT_EQ(parseError(npyFile(dict("<f8", "(2305843009213693952,)"), "")),
            "x.npy: shape (2305843009213693952,) of float64 is too large");
  // A zero dim does not excuse the others.
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(4294967296, 4294967296, 0)"), "")),
            "x.npy: shape (4294967296, 4294967296, 0) of float32 is too large");
  std::string many = "(" + std::string(65 * 3, ' ') + ")";
  for (int i = 0; i < 65; ++i)
    many.replace(1 + 3 * i, 2, "1,");
  EXPECT_EQ(parseError(npyFile(dict("<f4", many), "")),
            "x.npy: 'shape' has more than 64 dimensions");
}

TEST(NpyErrors, DTypes) {
  const char *supported = "; irc reads float16, float32, float64, int8, "
                          "int16, int32, int64, uint8, bool, complex64 and "
                          "complex128";
  EXPECT_EQ(parseError(npyFile(dict(">f4", "()"), "abcd")),
            "x.npy: dtype '>f4' (float32) is big-endian; irc reads "
            "little-endian data");
  EXPECT_EQ(parseError(npyFile(dict(">i8", "()"), "abcdefgh")),
            "x.npy: dtype '>i8' (int64) is big-endian; irc reads "
            "little-endian data");
  EXPECT_EQ(parseError(npyFile(dict("<c4", "()"), "abcd")),
            std::string("x.npy: dtype '<c4' (complex of this size) is not "
                        "supported") +
                supported);
  EXPECT_EQ(parseError(npyFile(dict("|O", "()"), "abcdefgh")),
            std::string("x.npy: dtype '|O' (Python objects) is not "
                        "supported") +
                supported);
  EXPECT_EQ(parseError(npyFile(dict("<U5", "()"), "")),
            std::string("x.npy: dtype '<U5' (unicode strings) is not "
                        "supported") +
                supported);
  EXPECT_EQ(parseError(npyFile(dict("<u2", "()"), "ab")),
            std::string("x.npy: dtype '<u2' (integer of this size) is not "
                        "supported") +
                supported);
  EXPECT_EQ(parseError(npyFile(dict("<M8[ns]", "()"), "")),
            std::string("x.npy: dtype '<M8[ns]' (datetime64) is not "
                        "supported") +
                supported);
  EXPECT_EQ(parseError(npyFile(dict("", "()"), "")),
            std::string("x.npy: dtype '' (unknown) is not supported") +
                supported);
  EXPECT_EQ(parseError(npyFile("{'descr': [('a', '<f4')], 'fortran_order': "
                               "False, 'shape': (), }\n",
                               "abcd")),
            "x.npy: structured dtypes are not supported ('descr' is a list)");
}

TEST(NpyErrors, FortranOrder) {
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(1,)", "True"), "abcd")),
            "x.npy: the array is in Fortran order; irc reads C order");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(1,)", "1"), "abcd")),
            "x.npy: 'fortran_order' must be True or False; expected True or "
            "False at offset 34 of the header, found '1'");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(1,)", "Falsey"), "abcd")),
            "x.npy: 'fortran_order' must be True or False; expected True or "
            "False at offset 34 of the header, found 'F'");
}

TEST(NpyErrors, DataSize) {
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(2, 3)"), std::string(20, 'a'))),
            "x.npy: header declares 24 bytes of data but the file has 20");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(2, 3)"), std::string(28, 'a'))),
            "x.npy: header declares 24 bytes of data but the file has 28");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "(0,)"), "a")),
            "x.npy: header declares 0 bytes of data but the file has 1");
  EXPECT_EQ(parseError(npyFile(dict("<f4", "()"), "")),
            "x.npy: header declares 4 bytes of data but the file has 0");
}

TEST(NpyErrors, Encoding) {
  std::string h = "{'descr': '<f4', 'fortran_order': False, 'shape': (), "
                  "'\xff': 1}\n";
  EXPECT_EQ(parseError(npyFile(h, "abcd", 3, 0)),
            "x.npy: the header is not valid UTF-8 (byte 0xff at offset 55)");
  // Overlong encoding of '/'.
  EXPECT_EQ(parseError(npyFile("{'\xc0\xaf': 1}\n", "", 3, 0)),
            "x.npy: the header is not valid UTF-8 (byte 0xc0 at offset 2)");
  // In a version 1.0 (latin-1) header the byte is read, then refused.
  EXPECT_EQ(parseError(npyFile("{\xe9}\n", "")),
            "x.npy: expected a quoted key or '}' at offset 1 of the header, "
            "found '\\xe9'");
  EXPECT_EQ(parseError(npyFile(dict("<f4\xe9", "()"), "abcd", 3, 0)),
            "x.npy: the header is not valid UTF-8 (byte 0xe9 at offset 14)");
  // Valid UTF-8 in a 3.0 header is only refused where it does not belong.
  EXPECT_EQ(parseError(npyFile(dict("<f4\xc3\xa9", "()"), "abcd", 3, 0)),
            std::string("x.npy: dtype '<f4\\xc3\\xa9' (floating point of "
                        "this size) is not supported; irc reads float16, "
                        "float32, float64, int8, int16, int32, int64, uint8, "
                        "bool, complex64 and complex128"));
}

TEST(NpyErrors, TextAfterDict) {
  EXPECT_EQ(parseError(npyFile("{'descr': '<f4', 'fortran_order': False, "
                               "'shape': (), } x\n",
                               "abcd")),
            "x.npy: unexpected text after the header dict at offset 56");
  EXPECT_EQ(parseError(npyFile(std::string("{'descr': '<f4', "
                                           "'fortran_order': False, "
                                           "'shape': ()}\0\n",
                                           55),
                               "abcd")),
            "x.npy: unexpected text after the header dict at offset 53");
}

TEST(NpyErrors, HostileBytesNeverCrash) {
  // Every truncation and every one-byte change of a real file either parses
  // or fails with a message naming the file.
  std::string good = bytesOf(NumpyF32x2x3);
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_EQ(parseError(good.substr(0, n)).rfind("x.npy: ", 0), 0u);
  for (size_t i = 0; i < 128; ++i) {
    for (int v : {0x00, 0x0a, 0x20, 0x27, 0x28, 0x29, 0x2c, 0x7d, 0xff}) {
      std::string bad = good;
      bad[i] = char(v);
      NpyArray a;
      std::string error;
      if (!parseNpy(bad.data(), bad.size(), "x.npy", a, error))
        EXPECT_EQ(error.rfind("x.npy: ", 0), 0u);
      else
        EXPECT_EQ(a.data.size(), size_t(a.numel()) * elementSize(a.dtype));
    }
  }
}

TEST(NpyErrors, Files) {
  NpyArray a;
  std::string error;
  EXPECT_FALSE(readNpy("/nonexistent/x.npy", a, error));
  EXPECT_EQ(error, "/nonexistent/x.npy: cannot open: No such file or "
                   "directory");
  a.dtype = NpyDType::F32;
  a.shape = {2};
  a.data.resize(8);
  EXPECT_FALSE(writeNpy("/nonexistent/x.npy", a, error));
  EXPECT_EQ(error, "/nonexistent/x.npy: cannot open for writing: No such "
                   "file or directory");
}

TEST(NpyErrors, WriterChecksTheArray) {
  NpyArray a;
  a.dtype = NpyDType::F32;
  a.shape = {2, 3};
  a.data.resize(20);
  std::vector<char> out;
  std::string error;
  EXPECT_FALSE(serializeNpy(a, "y.npy", out, error));
  EXPECT_EQ(error, "y.npy: shape (2, 3) of float32 needs 24 bytes of data but "
                   "the array has 20");
  a.shape = {2, -3};
  EXPECT_FALSE(serializeNpy(a, "y.npy", out, error));
  EXPECT_EQ(error, "y.npy: negative dimension in shape (2, -3)");
  a.shape = {int64_t(1) << 62, 4};
  EXPECT_FALSE(serializeNpy(a, "y.npy", out, error));
  EXPECT_EQ(error, "y.npy: shape (4611686018427387904, 4) of float32 is too "
                   "large");
}

} // namespace
