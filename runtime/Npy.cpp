//===- Npy.cpp - NumPy .npy files for inputs and outputs ------------------===//
//
// The header is a Python dict literal; it is read with a small strict parser
// that knows exactly the three keys NumPy writes, so nothing in a file is ever
// evaluated. Every size is checked against the bytes actually present before
// anything is allocated, so a hostile file costs at most its own size.
//
//===----------------------------------------------------------------------===//

#include "runtime/Npy.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

using namespace irc::rt;

namespace {

constexpr char Magic[] = "\x93NUMPY";
constexpr size_t MagicLen = 6;
/// Longer headers are refused unread; NumPy's own limit is 10000 characters.
constexpr uint64_t MaxHeaderLen = 1 << 20;
/// NumPy aligns the data to this many bytes (numpy.lib.format.ARRAY_ALIGN).
constexpr size_t ArrayAlign = 64;
/// Spare header space NumPy leaves for growing the first axis in place.
constexpr size_t GrowthAxisMaxDigits = 21;

std::string escapeChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f)
    return std::string(1, c);
  char buf[8];
  std::snprintf(buf, sizeof(buf), "\\x%02x", u);
  return buf;
}

std::string escapeString(const std::string &s) {
  std::string out;
  for (char c : s)
    out += escapeChar(c);
  return out;
}

/// Python's repr of a shape tuple: (), (3,), (2, 3).
std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1)
    s += ",";
  return s + ")";
}

uint64_t readLE(const unsigned char *p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

/// Index of the first byte that breaks UTF-8, or npos.
size_t findInvalidUtf8(const unsigned char *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (n - i < len)
      return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80)
        return i;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return i;
    i += len;
  }
  return std::string::npos;
}

/// Maps a descr string to a dtype, or explains why it cannot.
bool parseDescr(const std::string &descr, NpyDType &dtype, std::string &err) {
  std::string code = descr;
  char order = 0;
  if (!code.empty() && std::strchr("<>=|", code[0])) {
    order = code[0];
    code = code.substr(1);
  }
  struct Entry {
    const char *code;
    NpyDType dtype;
  };
  static const Entry Table[] = {
      {"f4", NpyDType::F32}, {"f8", NpyDType::F64},  {"f2", NpyDType::F16},
      {"i8", NpyDType::I64}, {"i4", NpyDType::I32},  {"i2", NpyDType::I16},
      {"i1", NpyDType::I8},  {"u1", NpyDType::U8},   {"b1", NpyDType::Bool},
      {"c8", NpyDType::C64}, {"c16", NpyDType::C128}};
  for (const Entry &e : Table) {
    if (code != e.code)
      continue;
    if (order == '>' && elementSize(e.dtype) > 1) {
      err = "dtype '" + descr + "' (" + dtypeName(e.dtype) +
            ") is big-endian; irc reads little-endian data";
      return false;
    }
    dtype = e.dtype;
    return true;
  }
  std::string kind;
  switch (code.empty() ? 0 : code[0]) {
  case 'c':
    kind = "complex of this size";
    break;
  case 'O':
    kind = "Python objects";
    break;
  case 'U':
    kind = "unicode strings";
    break;
  case 'S':
  case 'a':
    kind = "byte strings";
    break;
  case 'V':
    kind = "raw void";
    break;
  case 'M':
    kind = "datetime64";
    break;
  case 'm':
    kind = "timedelta64";
    break;
  case 'f':
    kind = "floating point of this size";
    break;
  case 'i':
  case 'u':
    kind = "integer of this size";
    break;
  default:
    kind = "unknown";
    break;
  }
  err = "dtype '" + escapeString(descr) + "' (" + kind +
        ") is not supported; irc reads float16, float32, float64, int8, "
        "int16, int32, int64, uint8, bool, complex64 and complex128";
  return false;
}

/// Parses the header dict. Python's grammar, restricted to what NumPy
/// writes: string keys, a string descr, a bool and a tuple of ints.
class HeaderParser {
public:
  HeaderParser(const char *begin, const char *end)
      : begin(begin), cur(begin), end(end) {}

  bool parse(std::string &descr, bool &fortranOrder,
             std::vector<int64_t> &shape, std::string &err);

private:
  const char *begin, *cur, *end;

  void skipSpace() {
    while (cur != end && std::strchr(" \t\n\r\f", *cur) && *cur)
      ++cur;
  }
  bool atEnd() const { return cur == end; }
  std::string where() const { return std::to_string(cur - begin); }
  std::string unexpected(const char *what) const {
    if (atEnd())
      return std::string("the header ends where ") + what + " was expected";
    return std::string("expected ") + what + " at offset " + where() +
           " of the header, found '" + escapeChar(*cur) + "'";
  }
  bool parseString(std::string &s, std::string &err);
  bool parseShape(std::vector<int64_t> &shape, std::string &err);
};

bool HeaderParser::parseString(std::string &s, std::string &err) {
  char quote = *cur++;
  s.clear();
  while (true) {
    if (cur == end || *cur == '\n') {
      err = "unterminated string in the header";
      return false;
    }
    if (*cur == '\\') {
      err = "escape sequences in header strings are not supported (offset " +
            where() + ")";
      return false;
    }
    if (*cur == quote)
      break;
    s += *cur++;
  }
  ++cur;
  return true;
}

bool HeaderParser::parseShape(std::vector<int64_t> &shape, std::string &err) {
  const char *start = cur;
  auto bad = [&]() {
    // Quote the value up to its closing bracket, or to the next ',' or '}'.
    const char *stop = start;
    int depth = 0;
    for (; stop != end && *stop != '\n' && stop - start < 60; ++stop) {
      if (*stop == '(' || *stop == '[') {
        ++depth;
      } else if (*stop == ')' || *stop == ']') {
        if (--depth <= 0) {
          ++stop;
          break;
        }
      } else if (depth == 0 && (*stop == ',' || *stop == '}')) {
        break;
      }
    }
    err = "'shape' must be a tuple of ints such as (2, 3), not '" +
          escapeString(std::string(start, stop)) + "'";
    return false;
  };
  if (atEnd() || *cur != '(')
    return bad();
  ++cur;
  shape.clear();
  bool sawComma = false;
  while (true) {
    skipSpace();
    if (atEnd())
      return bad();
    if (*cur == ')') {
      // (3) is an int in Python, not a tuple.
      if (shape.size() == 1 && !sawComma)
        return bad();
      ++cur;
      return true;
    }
    if (!shape.empty() && !sawComma)
      return bad();
    bool negative = false;
    if (*cur == '-') {
      negative = true;
      ++cur;
    }
    if (atEnd() || *cur < '0' || *cur > '9')
      return bad();
    const char *digits = cur;
    int64_t v = 0;
    bool tooBig = false;
    for (; !atEnd() && *cur >= '0' && *cur <= '9'; ++cur) {
      int d = *cur - '0';
      if (v > (std::numeric_limits<int64_t>::max() - d) / 10)
        tooBig = true;
      else
        v = v * 10 + d;
    }
    std::string text =
        std::string(negative ? "-" : "") + std::string(digits, cur);
    if (negative && text != "-0") {
      err = "negative dimension " + text + " in 'shape'";
      return false;
    }
    if (tooBig) {
      err = "dimension " + text + " in 'shape' is too large";
      return false;
    }
    shape.push_back(v);
    skipSpace();
    sawComma = false;
    if (!atEnd() && *cur == ',') {
      sawComma = true;
      ++cur;
    }
    // Python allows no more than 32 dims in NumPy; keep hostile tuples short.
    if (shape.size() > 64) {
      err = "'shape' has more than 64 dimensions";
      return false;
    }
  }
}

bool HeaderParser::parse(std::string &descr, bool &fortranOrder,
                         std::vector<int64_t> &shape, std::string &err) {
  bool haveDescr = false, haveFortran = false, haveShape = false;
  skipSpace();
  if (atEnd() || *cur != '{') {
    err = "the header is not a Python dict: " + unexpected("'{'");
    return false;
  }
  ++cur;
  while (true) {
    skipSpace();
    if (atEnd()) {
      err = "the header ends before its dict is closed with '}'";
      return false;
    }
    if (*cur == '}') {
      ++cur;
      break;
    }
    if (*cur != '\'' && *cur != '"') {
      err = unexpected("a quoted key or '}'");
      return false;
    }
    std::string key;
    if (!parseString(key, err))
      return false;
    bool *have = key == "descr"           ? &haveDescr
                 : key == "fortran_order" ? &haveFortran
                 : key == "shape"         ? &haveShape
                                          : nullptr;
    if (!have) {
      err = "unknown key '" + escapeString(key) +
            "' in the header; expected 'descr', 'fortran_order' and 'shape'";
      return false;
    }
    if (*have) {
      err = "the header has key '" + key + "' twice";
      return false;
    }
    *have = true;
    skipSpace();
    if (atEnd() || *cur != ':') {
      err = unexpected("':' after a key");
      return false;
    }
    ++cur;
    skipSpace();
    if (key == "descr") {
      if (!atEnd() && *cur == '[') {
        err = "structured dtypes are not supported ('descr' is a list)";
        return false;
      }
      if (atEnd() || (*cur != '\'' && *cur != '"')) {
        err =
            "'descr' must be a string such as '<f4'; " + unexpected("a quote");
        return false;
      }
      if (!parseString(descr, err))
        return false;
    } else if (key == "fortran_order") {
      auto startsWith = [&](const char *word) {
        size_t n = std::strlen(word);
        return size_t(end - cur) >= n && std::memcmp(cur, word, n) == 0 &&
               (size_t(end - cur) == n ||
                !(std::isalnum(static_cast<unsigned char>(cur[n])) ||
                  cur[n] == '_'));
      };
      if (startsWith("True")) {
        fortranOrder = true;
        cur += 4;
      } else if (startsWith("False")) {
        fortranOrder = false;
        cur += 5;
      } else {
        err = "'fortran_order' must be True or False; " +
              unexpected("True or False");
        return false;
      }
    } else if (!parseShape(shape, err)) {
      return false;
    }
    skipSpace();
    if (atEnd()) {
      err = "the header ends before its dict is closed with '}'";
      return false;
    }
    if (*cur == ',') {
      ++cur;
      continue;
    }
    if (*cur != '}') {
      err = unexpected("',' or '}'");
      return false;
    }
  }
  skipSpace();
  if (!atEnd()) {
    err = "unexpected text after the header dict at offset " + where();
    return false;
  }
  const char *missing = !haveDescr     ? "descr"
                        : !haveFortran ? "fortran_order"
                        : !haveShape   ? "shape"
                                       : nullptr;
  if (missing) {
    err = std::string("the header has no '") + missing + "' key";
    return false;
  }
  return true;
}

/// Byte count of the data for `shape` and `dtype`, or false on overflow.
bool dataBytes(const std::vector<int64_t> &shape, NpyDType dtype,
               uint64_t &bytes) {
  // Overflow is judged on the non-zero dims so (2^62, 2^62, 0) is refused
  // rather than accepted as empty.
  const uint64_t limit = std::numeric_limits<int64_t>::max();
  uint64_t product = 1;
  bool zero = false;
  for (int64_t d : shape) {
    if (d == 0) {
      zero = true;
      continue;
    }
    if (product > limit / uint64_t(d))
      return false;
    product *= uint64_t(d);
  }
  if (product > limit / elementSize(dtype))
    return false;
  bytes = zero ? 0 : product * elementSize(dtype);
  return true;
}

} // namespace

int64_t NpyArray::numel() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

size_t irc::rt::elementSize(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::C128:
    return 16;
  case NpyDType::F64:
  case NpyDType::I64:
  case NpyDType::C64:
    return 8;
  case NpyDType::F32:
  case NpyDType::I32:
    return 4;
  case NpyDType::F16:
  case NpyDType::I16:
    return 2;
  case NpyDType::I8:
  case NpyDType::U8:
  case NpyDType::Bool:
    return 1;
  }
  return 1;
}

const char *irc::rt::dtypeName(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::F32:
    return "float32";
  case NpyDType::F64:
    return "float64";
  case NpyDType::F16:
    return "float16";
  case NpyDType::I64:
    return "int64";
  case NpyDType::I32:
    return "int32";
  case NpyDType::I16:
    return "int16";
  case NpyDType::I8:
    return "int8";
  case NpyDType::U8:
    return "uint8";
  case NpyDType::Bool:
    return "bool";
  case NpyDType::C64:
    return "complex64";
  case NpyDType::C128:
    return "complex128";
  }
  return "?";
}

const char *irc::rt::dtypeDescr(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::F32:
    return "<f4";
  case NpyDType::F64:
    return "<f8";
  case NpyDType::F16:
    return "<f2";
  case NpyDType::I64:
    return "<i8";
  case NpyDType::I32:
    return "<i4";
  case NpyDType::I16:
    return "<i2";
  case NpyDType::I8:
    return "|i1";
  case NpyDType::U8:
    return "|u1";
  case NpyDType::Bool:
    return "|b1";
  case NpyDType::C64:
    return "<c8";
  case NpyDType::C128:
    return "<c16";
  }
  return "?";
}

bool irc::rt::parseNpy(const char *data, size_t size, const std::string &name,
                       NpyArray &out, std::string &error,
                       const InputLimits &limits) {
  auto fail = [&](const std::string &what) {
    error = name + ": " + what;
    return false;
  };
  const auto *bytes = reinterpret_cast<const unsigned char *>(data);
  if (size < MagicLen || std::memcmp(data, Magic, MagicLen) != 0)
    return fail("not a .npy file: it does not start with \\x93NUMPY");
  if (size < MagicLen + 2)
    return fail("the file ends inside the format version");
  unsigned major = bytes[6], minor = bytes[7];
  if (minor != 0 || major < 1 || major > 3)
    return fail("unsupported .npy format version " + std::to_string(major) +
                "." + std::to_string(minor) + "; irc reads 1.0, 2.0 and 3.0");
  size_t lenBytes = major == 1 ? 2 : 4;
  size_t prefix = MagicLen + 2 + lenBytes;
  if (size < prefix)
    return fail("the file ends inside the header length");
  uint64_t headerLen = readLE(bytes + MagicLen + 2, lenBytes);
  if (headerLen > MaxHeaderLen)
    return fail("the header length " + std::to_string(headerLen) +
                " is over irc's limit of 1 MiB");
  if (headerLen > size - prefix)
    return fail("the header length is " + std::to_string(headerLen) +
                " bytes but only " + std::to_string(size - prefix) +
                " bytes follow");
  const char *header = data + prefix;
  if (major == 3) {
    size_t bad = findInvalidUtf8(bytes + prefix, headerLen);
    if (bad != std::string::npos)
      return fail("the header is not valid UTF-8 (byte 0x" +
                  escapeChar(header[bad]).substr(2) + " at offset " +
                  std::to_string(bad) + ")");
  }

  std::string descr, err;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
  if (!HeaderParser(header, header + headerLen)
           .parse(descr, fortranOrder, shape, err))
    return fail(err);
  NpyDType dtype;
  if (!parseDescr(descr, dtype, err))
    return fail(err);
  if (fortranOrder)
    return fail("the array is in Fortran order; irc reads C order");
  uint64_t expected;
  if (!dataBytes(shape, dtype, expected))
    return fail("shape " + shapeText(shape) + " of " + dtypeName(dtype) +
                " is too large");
  if (expected > limits.maxTensorBytes)
    return fail("the array has " + std::to_string(expected) +
                " bytes, over the limit of " +
                std::to_string(limits.maxTensorBytes) +
                " (--max-tensor-bytes)");
  uint64_t actual = size - prefix - headerLen;
  if (expected != actual)
    return fail("header declares " + std::to_string(expected) +
                " bytes of data but the file has " + std::to_string(actual));

  out.dtype = dtype;
  out.shape = std::move(shape);
  const char *payload = header + headerLen;
  out.data.assign(payload, payload + actual);
  return true;
}

bool irc::rt::readNpy(const std::string &path, NpyArray &out,
                      std::string &error, const InputLimits &limits) {
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  // Reads at most one byte more than the largest array and its header, so
  // that a huge file is refused without reading it all.
  const uint64_t maxHeader = MagicLen + 2 + 4 + MaxHeaderLen;
  const uint64_t maxSize =
      std::min(limits.maxTensorBytes, UINT64_MAX - maxHeader) + maxHeader;
  std::vector<char> buf;
  char chunk[1 << 16];
  size_t n;
  while (buf.size() <= maxSize &&
         (n = std::fread(chunk, 1, sizeof(chunk), f)) > 0)
    buf.insert(buf.end(), chunk, chunk + n);
  bool readError = std::ferror(f);
  std::fclose(f);
  if (readError) {
    error = path + ": read error";
    return false;
  }
  if (buf.size() > maxSize) {
    error = path + ": the file is larger than an array of " +
            std::to_string(limits.maxTensorBytes) +
            " bytes can be (--max-tensor-bytes)";
    return false;
  }
  return parseNpy(buf.data(), buf.size(), path, out, error, limits);
}

bool irc::rt::serializeNpy(const NpyArray &a, const std::string &name,
                           std::vector<char> &out, std::string &error) {
  for (int64_t d : a.shape) {
    if (d < 0) {
      error = name + ": negative dimension in shape " + shapeText(a.shape);
      return false;
    }
  }
  uint64_t expected;
  if (!dataBytes(a.shape, a.dtype, expected)) {
    error = name + ": shape " + shapeText(a.shape) + " of " +
            dtypeName(a.dtype) + " is too large";
    return false;
  }
  if (expected != a.data.size()) {
    error = name + ": shape " + shapeText(a.shape) + " of " +
            dtypeName(a.dtype) + " needs " + std::to_string(expected) +
            " bytes of data but the array has " + std::to_string(a.data.size());
    return false;
  }
  // Byte for byte what numpy.save writes.
  std::string header =
      std::string("{'descr': '") + dtypeDescr(a.dtype) +
      "', 'fortran_order': False, 'shape': " + shapeText(a.shape) + ", }";
  if (!a.shape.empty())
    header.append(GrowthAxisMaxDigits - std::to_string(a.shape[0]).size(), ' ');
  size_t hlen = header.size() + 1;
  size_t lenBytes = 2;
  size_t pad = ArrayAlign - (MagicLen + 2 + lenBytes + hlen) % ArrayAlign;
  if (hlen + pad > 0xffff) {
    lenBytes = 4;
    pad = ArrayAlign - (MagicLen + 2 + lenBytes + hlen) % ArrayAlign;
  }
  header.append(pad, ' ');
  header += '\n';
  out.clear();
  out.reserve(MagicLen + 2 + lenBytes + header.size() + a.data.size());
  out.insert(out.end(), Magic, Magic + MagicLen);
  out.push_back(lenBytes == 2 ? 1 : 2);
  out.push_back(0);
  for (size_t i = 0; i < lenBytes; ++i)
    out.push_back(char((header.size() >> (8 * i)) & 0xff));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), a.data.begin(), a.data.end());
  return true;
}

bool irc::rt::writeNpy(const std::string &path, const NpyArray &a,
                       std::string &error) {
  std::vector<char> bytes;
  if (!serializeNpy(a, path, bytes, error))
    return false;
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    error = path + ": cannot open for writing: " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    error = path + ": cannot write the file: " + std::strerror(errno);
    return false;
  }
  return true;
}

std::optional<DType> irc::rt::fromNpyDType(NpyDType d) {
  switch (d) {
  case NpyDType::F32:
    return DType::F32;
  case NpyDType::F64:
    return DType::F64;
  case NpyDType::F16:
    return DType::F16;
  case NpyDType::I64:
    return DType::I64;
  case NpyDType::I32:
    return DType::I32;
  case NpyDType::I16:
    return DType::I16;
  case NpyDType::I8:
    return DType::I8;
  case NpyDType::U8:
    return DType::U8;
  case NpyDType::Bool:
    return DType::Bool;
  case NpyDType::C64:
    return DType::C64;
  case NpyDType::C128:
    return DType::C128;
  }
  return std::nullopt;
}

std::optional<NpyDType> irc::rt::toNpyDType(DType d) {
  switch (d) {
  case DType::F32:
    return NpyDType::F32;
  case DType::F64:
    return NpyDType::F64;
  case DType::F16:
    return NpyDType::F16;
  case DType::I64:
    return NpyDType::I64;
  case DType::I32:
    return NpyDType::I32;
  case DType::I16:
    return NpyDType::I16;
  case DType::I8:
    return NpyDType::I8;
  case DType::U8:
    return NpyDType::U8;
  case DType::Bool:
    return NpyDType::Bool;
  case DType::C64:
    return NpyDType::C64;
  case DType::C128:
    return NpyDType::C128;
  default:
    return std::nullopt;
  }
}

Tensor irc::rt::tensorFromNpy(const NpyArray &a) {
  Tensor t = Tensor::zeros(*fromNpyDType(a.dtype), a.shape);
  if (!a.data.empty())
    std::memcpy(t.rawMutableData(), a.data.data(), a.data.size());
  return t;
}
