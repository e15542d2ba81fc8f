//===- UnpicklerTest.cpp - The restricted unpickler -----------------------===//
#include "frontend/Unpickler.h"
#include "ir/Location.h"
#include "test/unit/TestUtils.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"
#include <cstring>

using namespace irc;
using Kind = PickleValue::Kind;

namespace {
/// Writes protocol-2 pickles opcode by opcode.
struct P {
  std::string s = "\x80\x02";
  P &op(char c) {
    s += c;
    return *this;
  }
  P &raw(llvm::StringRef r) {
    s += r.str();
    return *this;
  }
  P &global(llvm::StringRef module, llvm::StringRef name) {
    return op('c').raw(module).raw("\n").raw(name).raw("\n");
  }
  P &i(int32_t v) {
    op('J');
    s.append(reinterpret_cast<const char *>(&v), 4);
    return *this;
  }
  P &f(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    op('G');
    for (int k = 7; k >= 0; --k)
      s += char(bits >> (8 * k));
    return *this;
  }
  P &str(llvm::StringRef v) {
    op('X');
    uint32_t n = v.size();
    s.append(reinterpret_cast<const char *>(&n), 4);
    return raw(v);
  }
  P &mark() { return op('('); }
  P &tuple() { return op('t'); }
  P &emptyTuple() { return op(')'); }
  P &put(uint8_t k) { return op('q').raw(std::string(1, char(k))); }
  P &get(uint8_t k) { return op('h').raw(std::string(1, char(k))); }
  P &stop() { return op('.'); }
  /// ('storage', torch.<cls>, key, 'cpu', numel) BINPERSID
  P &storage(llvm::StringRef cls, llvm::StringRef key, int32_t numel) {
    return mark()
        .str("storage")
        .global("torch", cls)
        .str(key)
        .str("cpu")
        .i(numel)
        .tuple()
        .op('Q');
  }
  /// _rebuild_tensor_v2(storage, offset, sizes, strides, False, OrderedDict())
  P &tensor(llvm::StringRef key, int32_t numel, int32_t offset,
            std::vector<int32_t> sizes, std::vector<int32_t> strides,
            llvm::StringRef cls = "FloatStorage") {
    global("torch._utils", "_rebuild_tensor_v2").mark();
    storage(cls, key, numel).i(offset).mark();
    for (int32_t v : sizes)
      i(v);
    tuple().mark();
    for (int32_t v : strides)
      i(v);
    tuple().op('\x89').global("collections", "OrderedDict");
    return emptyTuple().op('R').tuple().op('R');
  }
};

/// Storages `data/<k>` of 64 zero bytes each; `data/short` has 3 bytes and
/// `data/q` 6.
struct Storages {
  std::string zeros = std::string(64, '\0');
  std::vector<std::string> loaded;
  StorageLoader loader() {
    return [this](llvm::StringRef record) -> std::optional<Archive::Data> {
      loaded.push_back(record.str());
      size_t size = record == "data/short" ? 3 : record == "data/q" ? 6 : 64;
      return Archive::Data{llvm::ArrayRef<char>(zeros.data(), size), nullptr};
    };
  }
};

struct Unpickled {
  PickleValuePtr value;
  std::string error;
};

Unpickled run(const P &p) {
  Context ctx;
  test::DiagCapture diags(ctx);
  Storages storages;
  PickleValuePtr v =
      unpickle(p.s, "data.pkl", getFileLineColLoc(ctx, "m.pt", 0, 0), ctx,
               storages.loader());
  return {v, diags.str()};
}

std::string show(const PickleValuePtr &v) {
  std::string out;
  llvm::raw_string_ostream os(out);
  printPickleValue(*v, os);
  return out;
}

TEST(Unpickler, Scalars) {
  P p;
  p.mark().i(-7).i(1 << 20).f(0.5).f(6).str("héllo").op('N').op('\x88');
  p.op('K').raw("\xff").op('M').raw(std::string("\x34\x12", 2));
  p.op('\x8a').raw(std::string("\x06\x00\x00\x00\x00\x00\x01", 7)); // 2**40
  p.op('\x8a').raw(std::string("\x01\xf9", 2));                     // -7
  p.tuple().stop();
  Unpickled u = run(p);
  ASSERT_TRUE(u.value) << u.error;
  EXPECT_EQ(show(u.value), "(-7, 1048576, 0.5, 6.0, \"héllo\", None, True, "
                           "255, 4660, 1099511627776, -7)");
}

TEST(Unpickler, ContainersMemoAndTypeTags) {
  P p;
  p.mark();
  // A List[int] via build_intlist, memoized and used twice.
  p.global("torch.jit._pickle", "build_intlist").op(']').mark().i(1).i(2);
  p.op('e').op('\x85').op('R').put(3).get(3);
  // A Dict[str, int] via restore_type_tag.
  p.global("torch.jit._pickle", "restore_type_tag").op('}').mark();
  p.str("a").i(1).str("b").i(2).op('u').str("Dict[str, int]").op('\x86');
  p.op('R');
  p.global("torch", "device").str("cpu").op('\x85').op('R');
  p.tuple().stop();
  Unpickled u = run(p);
  ASSERT_TRUE(u.value) << u.error;
  EXPECT_EQ(show(u.value), "(List[int][1, 2], List[int][1, 2], "
                           "Dict[str, int]{\"a\": 1, \"b\": 2}, "
                           "device(\"cpu\"))");
  // The memo shares the list.
  EXPECT_EQ(u.value->items[0].get(), u.value->items[1].get());
}

/// Every 32-bit memo index is valid, the two a hash map may reserve
/// included (the fuzzer found LONG_BINPUT 0xFFFFFFFF tripping one).
TEST(Unpickler, MemoIndicesOfAll32Bits) {
  for (uint32_t index : {0xFFFFFFFFu, 0xFFFFFFFEu, 0u}) {
    P p;
    p.op(']').op('r');
    p.s.append(reinterpret_cast<const char *>(&index), 4);
    p.op('j');
    p.s.append(reinterpret_cast<const char *>(&index), 4);
    p.op('\x86').stop();
    Unpickled u = run(p);
    ASSERT_TRUE(u.value) << index << ": " << u.error;
    EXPECT_EQ(u.value->items[0].get(), u.value->items[1].get());
  }
}

TEST(Unpickler, ModulesAndTensorViewsShareStorage) {
  P p;
  p.global("__torch__.m.___torch_mangle_3", "Net").emptyTuple().op('\x81');
  p.op('}').mark();
  p.str("weight").tensor("0", 16, 0, {2, 3}, {3, 1});
  p.str("view").tensor("0", 16, 4, {3, 2}, {1, 3});
  p.str("training").op('\x89');
  p.op('u').op('b').stop();
  Storages storages;
  Context ctx;
  test::DiagCapture diags(ctx);
  PickleValuePtr v =
      unpickle(p.s, "data.pkl", getFileLineColLoc(ctx, "m.pt", 0, 0), ctx,
               storages.loader());
  ASSERT_TRUE(v) << diags.str();
  EXPECT_EQ(show(v), "__torch__.m.___torch_mangle_3.Net {\n"
                     "  \"weight\": tensor<2x3xf32> @data/0\n"
                     "  \"view\": tensor<3x2xf32> @data/0+4 strides [1, 3]\n"
                     "  \"training\": False\n}");
  // One storage, loaded once, shared by both views.
  EXPECT_EQ(storages.loaded, std::vector<std::string>{"data/0"});
  EXPECT_EQ(v->lookup("weight")->tensor->storage,
            v->lookup("view")->tensor->storage);
  EXPECT_TRUE(v->lookup("weight")->tensor->isContiguous());
  EXPECT_FALSE(v->lookup("view")->tensor->isContiguous());
}

TEST(Unpickler, QuantizedTensor) {
  P p;
  p.global("torch._utils", "_rebuild_qtensor").mark();
  p.storage("QInt8Storage", "q", 6).i(0).mark().i(2).i(3).tuple();
  p.mark().i(3).i(1).tuple();
  p.global("torch", "per_tensor_affine").f(0.25).i(-3).op('\x87');
  p.op('\x89').global("collections", "OrderedDict").emptyTuple().op('R');
  p.tuple().op('R').stop();
  Unpickled u = run(p);
  ASSERT_TRUE(u.value) << u.error;
  EXPECT_EQ(show(u.value), "tensor<2x3xqi8> @data/q scale 0.25 zero_point -3");
}

/// A hostile or broken pickle and the error it must give.
struct BadPickle {
  const char *name;
  std::function<void(P &)> build;
  const char *error;
};

void PrintTo(const BadPickle &b, std::ostream *os) { *os << b.name; }

class UnpicklerErrors : public ::testing::TestWithParam<BadPickle> {};

TEST_P(UnpicklerErrors, ReportOneError) {
  P p;
  GetParam().build(p);
  Unpickled u = run(p);
  EXPECT_FALSE(u.value);
  EXPECT_NE(u.error.find(GetParam().error), std::string::npos) << u.error;
  EXPECT_EQ(u.error.rfind("m.pt: error: data.pkl at byte ", 0), 0u) << u.error;
  // Exactly one diagnostic.
  EXPECT_EQ(u.error.find("error:"), u.error.rfind("error:")) << u.error;
}

P &tensorArgs(P &p, int32_t numel, int32_t offset, std::vector<int32_t> sizes,
              std::vector<int32_t> strides) {
  return p.tensor("0", numel, offset, sizes, strides).stop();
}

INSTANTIATE_TEST_SUITE_P(
    , UnpicklerErrors,
    ::testing::Values(
        BadPickle{"os_system",
                  [](P &p) {
                    p.global("os", "system").str("ls").op('\x85').op('R').stop();
                  },
                  "global 'os system' is not allowed"},
        BadPickle{"builtins_eval",
                  [](P &p) { p.global("builtins", "eval").stop(); },
                  "global 'builtins eval' is not allowed"},
        BadPickle{"torch_load",
                  [](P &p) { p.global("torch.serialization", "_load").stop(); },
                  "is not allowed"},
        BadPickle{"class_with_bad_name",
                  [](P &p) { p.global("__torch__.a b", "C").stop(); },
                  "is not allowed"},
        BadPickle{"reduce_class",
                  [](P &p) {
                    p.global("__torch__", "M").emptyTuple().op('R').stop();
                  },
                  "REDUCE of '__torch__.M' is not allowed"},
        BadPickle{"reduce_value",
                  [](P &p) { p.i(1).emptyTuple().op('R').stop(); },
                  "REDUCE of a value that is not a function"},
        BadPickle{"reduce_storage_class",
                  [](P &p) {
                    p.global("torch", "FloatStorage").emptyTuple().op('R').stop();
                  },
                  "REDUCE of 'torch FloatStorage' is not allowed"},
        BadPickle{"newobj_of_function",
                  [](P &p) {
                    p.global("torch", "device").emptyTuple().op('\x81').stop();
                  },
                  "NEWOBJ of something that is not a __torch__ class"},
        BadPickle{"newobj_with_args",
                  [](P &p) {
                    p.global("__torch__", "M").i(1).op('\x85').op('\x81').stop();
                  },
                  "with arguments"},
        BadPickle{"build_twice",
                  [](P &p) {
                    p.global("__torch__", "M").emptyTuple().op('\x81');
                    p.op('}').op('b').op('}').op('b').stop();
                  },
                  "built twice"},
        BadPickle{"unknown_opcode", [](P &p) { p.op('\xfe'); },
                  "unsupported pickle opcode 0xfe"},
        BadPickle{"protocol_5",
                  [](P &p) { p.s = "\x80\x05N."; },
                  "pickle protocol 5"},
        BadPickle{"no_stop", [](P &p) { p.op('N'); }, "no STOP opcode"},
        BadPickle{"empty", [](P &p) { p.s.clear(); }, "no STOP opcode"},
        BadPickle{"trailing_bytes", [](P &p) { p.op('N').stop().op('N'); },
                  "after the STOP opcode"},
        BadPickle{"two_values", [](P &p) { p.op('N').op('N').stop(); },
                  "exactly one value"},
        BadPickle{"stack_underflow", [](P &p) { p.op('\x85').stop(); },
                  "pickle stack underflow"},
        BadPickle{"appends_without_mark", [](P &p) { p.op(']').op('e'); },
                  "no MARK"},
        BadPickle{"setitems_odd",
                  [](P &p) { p.op('}').mark().i(1).op('u').stop(); },
                  "odd number"},
        BadPickle{"append_to_dict",
                  [](P &p) { p.op('}').i(1).op('a').stop(); },
                  "APPEND to a value that is not a list"},
        // A list appended to itself (found while fuzzing .ircm files,
        // whose loader had the same cycle): it leaked.
        BadPickle{"list_holds_itself",
                  [](P &p) { p.op(']').put(0).get(0).op('a').stop(); },
                  "a pickled container holds itself"},
        BadPickle{"dict_holds_itself",
                  [](P &p) { p.op('}').put(0).i(1).get(0).op('s').stop(); },
                  "a pickled container holds itself"},
        BadPickle{"binget_unset", [](P &p) { p.get(7).stop(); },
                  "memo entry 7 is read before it is set"},
        BadPickle{"truncated_int", [](P &p) { p.op('J').raw("\x01"); },
                  "truncated pickle"},
        BadPickle{"truncated_global",
                  [](P &p) { p.op('c').raw("torch\n_uti"); },
                  "unterminated GLOBAL"},
        BadPickle{"huge_unicode",
                  [](P &p) { p.op('X').raw("\xff\xff\xff\x7f").raw("ab"); },
                  "truncated pickle"},
        BadPickle{"bad_utf8", [](P &p) { p.str("\xff\xfe").stop(); },
                  "not valid UTF-8"},
        BadPickle{"long1_too_long",
                  [](P &p) {
                    p.op('\x8a').raw("\x10").raw(std::string(16, '\1')).stop();
                  },
                  "does not fit in int64"},
        BadPickle{"cycle",
                  [](P &p) {
                    // l = []; t = (l,); l.append(t) would make a cycle.
                    p.op(']').put(0).op('\x85').put(1).get(0).get(1).op('a');
                  },
                  "modifies a container after using it"},
        BadPickle{"deep_nesting",
                  [](P &p) {
                    for (int k = 0; k < 1000; ++k)
                      p.op(']');
                    for (int k = 0; k < 999; ++k)
                      p.op('a');
                    p.stop();
                  },
                  "nesting deeper than 256 (--max-nesting)"},
        BadPickle{"many_marks",
                  [](P &p) {
                    for (int k = 0; k < 100000; ++k)
                      p.mark();
                  },
                  "nesting deeper than 256 (--max-nesting)"},
        BadPickle{"global_in_list",
                  [](P &p) {
                    p.op(']').global("torch", "device").op('a').stop();
                  },
                  "global 'torch device' used as a value"},
        BadPickle{"malformed_pid",
                  [](P &p) { p.str("storage").op('\x85').op('Q').stop(); },
                  "malformed persistent id"},
        BadPickle{"unknown_storage_class",
                  [](P &p) { p.storage("EvilStorage", "0", 1).stop(); },
                  "global 'torch EvilStorage' is not allowed"},
        BadPickle{"storage_key_path",
                  [](P &p) { p.storage("FloatStorage", "../x", 1).stop(); },
                  "is not a record name"},
        BadPickle{"storage_too_short",
                  [](P &p) { p.storage("FloatStorage", "short", 1).stop(); },
                  "holds 3 bytes, but 1 f32 elements need 4"},
        BadPickle{"storage_negative_numel",
                  [](P &p) { p.storage("FloatStorage", "0", -1).stop(); },
                  "invalid size -1"},
        BadPickle{"storage_retyped",
                  [](P &p) {
                    p.mark().storage("FloatStorage", "0", 16);
                    p.storage("DoubleStorage", "0", 8).tuple().stop();
                  },
                  "referenced with different types or sizes"},
        BadPickle{"offset_beyond_storage",
                  [](P &p) { tensorArgs(p, 16, 16, {1}, {1}); },
                  "tensor reads element 16 of storage 'data/0', which has 16"},
        BadPickle{"view_beyond_storage",
                  [](P &p) { tensorArgs(p, 16, 0, {4, 5}, {5, 1}); },
                  "tensor reads element 19"},
        BadPickle{"negative_offset",
                  [](P &p) { tensorArgs(p, 16, -1, {1}, {1}); },
                  "negative storage offset"},
        BadPickle{"negative_stride",
                  [](P &p) { tensorArgs(p, 16, 8, {2}, {-1}); },
                  "invalid stride -1"},
        BadPickle{"negative_size",
                  [](P &p) { tensorArgs(p, 16, 0, {-2}, {1}); },
                  "invalid size -2"},
        BadPickle{"huge_dim",
                  [](P &p) {
                    // 2**62 as LONG1 in the sizes tuple.
                    p.global("torch._utils", "_rebuild_tensor_v2").mark();
                    p.storage("FloatStorage", "0", 16).i(0).mark();
                    p.op('\x8a').raw(std::string("\x08\0\0\0\0\0\0\0\x40", 9));
                    p.tuple().mark().i(1).tuple().op('\x89');
                    p.global("collections", "OrderedDict").emptyTuple();
                    p.op('R').tuple().op('R').stop();
                  },
                  "invalid size 4611686018427387904"},
        BadPickle{"sizes_overflow",
                  [](P &p) {
                    tensorArgs(p, 16, 0, {1 << 20, 1 << 20, 1 << 20},
                               {0, 0, 0});
                  },
                  "tensor sizes overflow"},
        BadPickle{"rank_100",
                  [](P &p) {
                    tensorArgs(p, 16, 0, std::vector<int32_t>(100, 1),
                               std::vector<int32_t>(100, 1));
                  },
                  "rank 100"},
        BadPickle{"sizes_strides_mismatch",
                  [](P &p) { tensorArgs(p, 16, 0, {2, 2}, {1}); },
                  "2 sizes but 1 strides"},
        BadPickle{"rebuild_tensor_bad_args",
                  [](P &p) {
                    p.global("torch._utils", "_rebuild_tensor_v2").i(1);
                    p.op('\x85').op('R').stop();
                  },
                  "_rebuild_tensor_v2 expects"},
        BadPickle{"intlist_of_strings",
                  [](P &p) {
                    p.global("torch.jit._pickle", "build_intlist").op(']');
                    p.str("x").op('a').op('\x85').op('R').stop();
                  },
                  "of a list holding other values"},
        BadPickle{"type_tag_on_int",
                  [](P &p) {
                    p.global("torch.jit._pickle", "restore_type_tag").i(1);
                    p.str("int").op('\x86').op('R').stop();
                  },
                  "expects a list or dict and a type string"}));

} // namespace
