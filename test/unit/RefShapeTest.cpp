//===- RefShapeTest.cpp - Reference shape and factory kernels
//---------------===//
//
// Semantics the op zoo cannot show (views aliasing their base, in-place
// writes through views, read-only weights, identity of to() results) and
// error paths of the shape, copy, conversion and factory kernels. Expected
// values are small hand-derived cases.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtils.h"

#include <memory>

using namespace irc;
using namespace irc::test;
using rt::DType;
using rt::Tensor;
using rt::Value;

namespace {

//===----------------------------------------------------------------------===//
// Views
//===----------------------------------------------------------------------===//

TEST(RefShapeTest, ViewSharesStorageAndInfersMinusOne) {
  Tensor x = iota({2, 3});
  Tensor v = run1("aten.view", {x, ints({3, -1})});
  EXPECT_EQ(v.sizes(), (rt::Shape{3, 2}));
  EXPECT_TRUE(sameStorage(x, v));
  // In-place copy into a slice of the view writes into x.
  Tensor s =
      run1("aten.slice.Tensor", {v, Value(0), Value(1), none(), Value(1)});
  runKernel("aten.copy_.int", {s, Value(7)});
  EXPECT_EQ(valuesOf(x), (std::vector<double>{0, 1, 7, 7, 7, 7}));
}

TEST(RefShapeTest, ViewErrors) {
  Tensor x = iota({2, 3});
  Tensor xt = run1("aten.t", {x});
  // A transposed tensor cannot be flattened without a copy.
  try {
    runKernel("aten.view", {xt, ints({-1})});
    FAIL() << "expected an error";
  } catch (const rt::Error &e) {
    EXPECT_NE(std::string(e.what()).find("view size is not compatible"),
              std::string::npos);
  }
  // ...but splitting one of its dims is fine.
  EXPECT_NO_THROW(runKernel("aten.view", {xt, ints({3, 2, 1})}));
  EXPECT_THROW(runKernel("aten.view", {x, ints({-1, -1})}), rt::Error);
  EXPECT_THROW(runKernel("aten.view", {x, ints({4, -1})}), rt::Error);
  EXPECT_THROW(runKernel("aten.view", {x, ints({7})}), rt::Error);
  EXPECT_THROW(runKernel("aten.view", {x, ints({-2, 3})}), rt::Error);
  EXPECT_THROW(runKernel("aten.view", {iota({0, 3}), ints({0, -1})}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.view", {Value(3), ints({1})}), rt::Error);
}

TEST(RefShapeTest, ReshapeCopiesOnlyWhenNeeded) {
  Tensor x = iota({2, 3});
  Tensor r = run1("aten.reshape", {x, ints({6})});
  EXPECT_TRUE(sameStorage(x, r));
  Tensor xt = run1("aten.t", {x});
  Tensor rt_ = run1("aten.reshape", {xt, ints({-1})});
  EXPECT_FALSE(sameStorage(x, rt_));
  EXPECT_EQ(valuesOf(rt_), (std::vector<double>{0, 3, 1, 4, 2, 5}));
  Tensor f = run1("aten.flatten.using_ints", {xt, Value(0), Value(-1)});
  EXPECT_EQ(valuesOf(f), (std::vector<double>{0, 3, 1, 4, 2, 5}));
  Tensor s = rt::Tensor::scalar(DType::F32, 3);
  EXPECT_EQ(run1("aten.flatten.using_ints", {s, Value(0), Value(-1)}).sizes(),
            (rt::Shape{1}));
  EXPECT_THROW(runKernel("aten.flatten.using_ints", {x, Value(1), Value(0)}),
               rt::Error);
}

TEST(RefShapeTest, SelectSliceSqueeze) {
  Tensor x = iota({2, 3});
  Tensor c = run1("aten.select.int", {x, Value(1), Value(-1)});
  EXPECT_EQ(valuesOf(c), (std::vector<double>{2, 5}));
  EXPECT_THROW(runKernel("aten.select.int", {x, Value(1), Value(3)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.select.int", {x, Value(2), Value(0)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.select.int",
                         {Tensor::scalar(DType::F32, 1), Value(0), Value(0)}),
               rt::Error);
  // Negative start, end clamped, step 2.
  Tensor s = run1("aten.slice.Tensor",
                  {x, Value(-1), Value(-3), Value(100), Value(2)});
  EXPECT_EQ(valuesOf(s), (std::vector<double>{0, 2, 3, 5}));
  Tensor e =
      run1("aten.slice.Tensor", {x, Value(1), Value(2), Value(1), Value(1)});
  EXPECT_EQ(e.sizes(), (rt::Shape{2, 0}));
  EXPECT_THROW(
      runKernel("aten.slice.Tensor", {x, Value(1), none(), none(), Value(0)}),
      rt::Error);
  EXPECT_THROW(
      runKernel("aten.slice.Tensor", {x, Value(1), none(), none(), Value(-1)}),
      rt::Error);
  Tensor u = run1("aten.unsqueeze", {x, Value(-1)});
  EXPECT_EQ(u.sizes(), (rt::Shape{2, 3, 1}));
  EXPECT_THROW(runKernel("aten.unsqueeze", {x, Value(3)}), rt::Error);
  EXPECT_EQ(run1("aten.squeeze", {u}).sizes(), (rt::Shape{2, 3}));
  EXPECT_EQ(run1("aten.squeeze.dim", {u, Value(0)}).sizes(),
            (rt::Shape{2, 3, 1}));
  EXPECT_EQ(run1("aten.squeeze.dim", {u, Value(2)}).sizes(), (rt::Shape{2, 3}));
  EXPECT_THROW(runKernel("aten.squeeze.dim", {u, Value(3)}), rt::Error);
  EXPECT_THROW(runKernel("aten.t", {iota({1, 2, 3})}), rt::Error);
  EXPECT_THROW(runKernel("aten.transpose.int", {x, Value(0), Value(2)}),
               rt::Error);
}

TEST(RefShapeTest, InPlaceThroughSelectOfTranspose) {
  Tensor x = iota({2, 3});
  Tensor col = run1("aten.select.int",
                    {run1("aten.t", {x}), Value(1), Value(1)}); // x[1, :]
  runKernel("aten.copy_", {col, tensorOf({3}, {9, 8, 7}), Value(false)});
  EXPECT_EQ(valuesOf(x), (std::vector<double>{0, 1, 2, 9, 8, 7}));
}

TEST(RefShapeTest, ChunkUnevenAndErrors) {
  Tensor x = iota({10});
  Value parts = runKernel("aten.chunk", {x, Value(4), Value(0)})[0];
  ASSERT_TRUE(parts.isList());
  std::vector<Tensor> ts = parts.toTensorVector();
  ASSERT_EQ(ts.size(), 4u);
  EXPECT_EQ(ts[3].sizes(), (rt::Shape{1}));
  EXPECT_EQ(valuesOf(ts[1]), (std::vector<double>{3, 4, 5}));
  EXPECT_TRUE(sameStorage(x, ts[2]));
  // 10 into 6 chunks of 2: only 5 chunks.
  EXPECT_EQ(runKernel("aten.chunk", {x, Value(6), Value(0)})[0].items().size(),
            5u);
  // An empty dim still gives `chunks` chunks.
  EXPECT_EQ(runKernel("aten.chunk", {iota({0}), Value(3), Value(0)})[0]
                .items()
                .size(),
            3u);
  EXPECT_THROW(runKernel("aten.chunk", {x, Value(0), Value(0)}), rt::Error);
  EXPECT_THROW(runKernel("aten.chunk",
                         {Tensor::scalar(DType::F32, 1), Value(1), Value(0)}),
               rt::Error);
}

TEST(RefShapeTest, ViewDtypeAliasesReadOnly) {
  Tensor x = tensorOf({2}, {1, -1}, DType::I32);
  Tensor u = run1("aten.view.dtype", {x, code(DType::F32)});
  EXPECT_EQ(u.dtype(), DType::F32);
  // Reads see later writes to the base...
  x.mutableData<int32_t>()[0] = 0;
  EXPECT_EQ(u.data<float>()[0], 0.0f);
  // ...writes through the reinterpreted view are refused.
  EXPECT_THROW(runKernel("aten.copy_.int", {u, Value(1)}), rt::Error);
  Tensor w =
      run1("aten.view.dtype", {iota({2, 3}, DType::I64), code(DType::I32)});
  EXPECT_EQ(w.sizes(), (rt::Shape{2, 6}));
  EXPECT_THROW(runKernel("aten.view.dtype",
                         {iota({2, 3}, DType::I32), code(DType::I64)}),
               rt::Error);
}

//===----------------------------------------------------------------------===//
// Copies
//===----------------------------------------------------------------------===//

TEST(RefShapeTest, CatPromotesAndSkipsLegacyEmpty) {
  Tensor a = tensorOf({1, 2}, {1, 2}, DType::I32);
  Tensor b = tensorOf({2, 2}, {0.5, 1.5, 2.5, 3.5}, DType::F64);
  Tensor legacy = iota({0}, DType::F32);
  Tensor out = run1("aten.cat", {tensors({legacy, a, b}), Value(-2)});
  EXPECT_EQ(out.dtype(), DType::F64);
  EXPECT_EQ(out.sizes(), (rt::Shape{3, 2}));
  EXPECT_EQ(valuesOf(out), (std::vector<double>{1, 2, 0.5, 1.5, 2.5, 3.5}));
  EXPECT_THROW(runKernel("aten.cat", {tensors({}), Value(0)}), rt::Error);
  EXPECT_THROW(runKernel("aten.cat", {tensors({a, iota({2})}), Value(0)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.cat", {tensors({a, iota({2, 3})}), Value(0)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.cat", {tensors({a, a}), Value(2)}), rt::Error);
  EXPECT_THROW(runKernel("aten.cat",
                         {tensors({Tensor::scalar(DType::F32, 1)}), Value(0)}),
               rt::Error);
}

TEST(RefShapeTest, IndexSelect) {
  Tensor x = iota({2, 3});
  Tensor out = run1("aten.index_select",
                    {x, Value(1), tensorOf({2}, {2, 0}, DType::I64)});
  EXPECT_EQ(valuesOf(out), (std::vector<double>{2, 0, 5, 3}));
  out = run1("aten.index_select", {x, Value(0), tensorOf({}, {1}, DType::I32)});
  EXPECT_EQ(out.sizes(), (rt::Shape{1, 3}));
  EXPECT_THROW(runKernel("aten.index_select",
                         {x, Value(1), tensorOf({1}, {3}, DType::I64)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.index_select",
                         {x, Value(1), tensorOf({1}, {-1}, DType::I64)}),
               rt::Error);
  EXPECT_THROW(
      runKernel("aten.index_select", {x, Value(1), tensorOf({1}, {0})}),
      rt::Error);
  EXPECT_THROW(runKernel("aten.index_select",
                         {x, Value(1), tensorOf({1, 1}, {0}, DType::I64)}),
               rt::Error);
}

TEST(RefShapeTest, PadModes) {
  Tensor x = iota({1, 1, 3}); // [0, 1, 2]
  auto pad = [&](std::vector<int64_t> p, const char *mode, Value v = Value()) {
    return valuesOf(run1("aten.pad", {x, ints(p), Value(mode), v}));
  };
  EXPECT_EQ(pad({1, 2}, "constant", Value(-1.0)),
            (std::vector<double>{-1, 0, 1, 2, -1, -1}));
  EXPECT_EQ(pad({-1, 1}, "constant"), (std::vector<double>{1, 2, 0}));
  EXPECT_EQ(pad({2, 1}, "reflect"), (std::vector<double>{2, 1, 0, 1, 2, 1}));
  EXPECT_EQ(pad({2, 1}, "replicate"), (std::vector<double>{0, 0, 0, 1, 2, 2}));
  EXPECT_EQ(pad({2, 1}, "circular"), (std::vector<double>{1, 2, 0, 1, 2, 0}));
  // Negative circular pads crop first, the wrap then reads the cropped data.
  EXPECT_EQ(pad({-1, 1}, "circular"), (std::vector<double>{1, 2, 1}));
  EXPECT_THROW(pad({3, 0}, "reflect"), rt::Error);
  EXPECT_THROW(pad({4, 0}, "circular"), rt::Error);
  EXPECT_THROW(pad({1, 1}, "replicate", Value(1.0)), rt::Error);
  EXPECT_THROW(pad({1, 1}, "wrap"), rt::Error);
  EXPECT_THROW(pad({1, 1, 1}, "constant"), rt::Error);
  EXPECT_THROW(pad({1, 1, 1, 1, 1, 1, 1, 1}, "constant"), rt::Error);
  EXPECT_THROW(pad({-2, -2}, "constant"), rt::Error);
  EXPECT_THROW(pad({1, 1, 1, 1}, "circular"), rt::Error); // needs rank 4
  EXPECT_THROW(runKernel("aten.pad", {iota({1, 3}, DType::I64), ints({1, 1}),
                                      Value("reflect"), none()}),
               rt::Error);
  // Integer constant padding truncates the value, as fill_ does.
  Tensor i = run1("aten.pad", {iota({2}, DType::I64), ints({1, 0}),
                               Value("constant"), Value(2.7)});
  EXPECT_EQ(valuesOf(i), (std::vector<double>{2, 0, 1}));
}

TEST(RefShapeTest, CopyBroadcastsConvertsAndChecks) {
  Tensor x = Tensor::zeros(DType::I64, {2, 3});
  runKernel("aten.copy_", {x, tensorOf({3}, {1.9, -1.9, 3}), Value(false)});
  EXPECT_EQ(valuesOf(x), (std::vector<double>{1, -1, 3, 1, -1, 3}));
  std::vector<Value> r =
      runKernel("aten.copy_.Tensor", {x, tensorOf({2, 1}, {5, 6})});
  EXPECT_TRUE(sameStorage(r[0].toTensor(), x));
  EXPECT_EQ(valuesOf(x), (std::vector<double>{5, 5, 5, 6, 6, 6}));
  // self does not broadcast to src.
  EXPECT_THROW(runKernel("aten.copy_", {Tensor::zeros(DType::F32, {3, 1}),
                                        iota({3, 2}), Value(false)}),
               rt::Error);
  // Expanded (overlapping) destinations are refused.
  Tensor e = rt::expandTo(Tensor::zeros(DType::F32, {3, 1}), {3, 2});
  EXPECT_THROW(runKernel("aten.copy_", {e, iota({3, 2}), Value(false)}),
               rt::Error);
  // Partially overlapping source and destination are refused, as in ATen;
  // copying a tensor onto itself is fine.
  Tensor y = iota({6});
  Tensor head =
      run1("aten.slice.Tensor", {y, Value(0), none(), Value(-1), Value(1)});
  Tensor tail =
      run1("aten.slice.Tensor", {y, Value(0), Value(1), none(), Value(1)});
  EXPECT_THROW(runKernel("aten.copy_", {tail, head, Value(false)}), rt::Error);
  EXPECT_NO_THROW(runKernel("aten.copy_", {y, y, Value(false)}));
  EXPECT_EQ(valuesOf(y), (std::vector<double>{0, 1, 2, 3, 4, 5}));
  // Weights are read-only.
  Tensor w = weight({2}, {1, 2});
  EXPECT_THROW(runKernel("aten.copy_.float", {w, Value(0.5)}), rt::Error);
  // copy_.int converts as a tensor copy does: 300 wraps in uint8.
  Tensor u = Tensor::zeros(DType::U8, {2});
  runKernel("aten.copy_.int", {u, Value(300)});
  EXPECT_EQ(valuesOf(u), (std::vector<double>{44, 44}));
}

//===----------------------------------------------------------------------===//
// to, contiguous, metadata and conversions
//===----------------------------------------------------------------------===//

TEST(RefShapeTest, ToReturnsInputWhenNothingChanges) {
  Tensor x = iota({2, 3});
  Tensor same = run1("aten.to.dtype",
                     {x, code(DType::F32), Value(false), Value(false), none()});
  EXPECT_TRUE(sameStorage(x, same));
  Tensor copied = run1("aten.to.dtype", {x, code(DType::F32), Value(false),
                                         Value(true), none()});
  EXPECT_FALSE(sameStorage(x, copied));
  Tensor d = run1("aten.to.dtype",
                  {x, code(DType::F64), Value(false), Value(false), none()});
  EXPECT_EQ(d.dtype(), DType::F64);
  // Preserve keeps a transposed input's layout.
  Tensor dt = run1("aten.to.dtype", {run1("aten.t", {x}), code(DType::F64),
                                     Value(false), Value(false), none()});
  EXPECT_EQ(dt.strides(), (rt::Shape{1, 3}));
  EXPECT_EQ(valuesOf(dt), (std::vector<double>{0, 3, 1, 4, 2, 5}));
  Tensor o = run1("aten.to.other", {x, iota({1}, DType::I32), Value(false),
                                    Value(false), none()});
  EXPECT_EQ(o.dtype(), DType::I32);
  EXPECT_TRUE(sameStorage(
      x, run1("aten.to.prim_Device", {x, Value(rt::Device{"cpu"}), none(),
                                      Value(false), Value(false)})));
  EXPECT_THROW(runKernel("aten.to.device",
                         {x, Value(rt::Device{"cuda:0"}), code(DType::F32),
                          Value(false), Value(false), none()}),
               rt::Error);
  EXPECT_THROW(
      runKernel("aten.to.dtype_layout", {x, none(), Value(1), none(), none(),
                                         Value(false), Value(false), none()}),
      rt::Error);
  EXPECT_EQ(
      run1("aten.to.prim_dtype", {x, Value(4), Value(false), Value(false)})
          .dtype(),
      DType::I64);
  EXPECT_FALSE(sameStorage(
      x, run1("aten.to.prim_other", {x, Value(false), Value(true)})));
}

TEST(RefShapeTest, ContiguousMemoryFormats) {
  Tensor x = iota({1, 2, 2, 3});
  EXPECT_TRUE(sameStorage(x, run1("aten.contiguous", {x, Value(0)})));
  Tensor cl = run1("aten.contiguous", {x, Value(2)});
  EXPECT_EQ(cl.strides(), (rt::Shape{12, 1, 6, 2}));
  EXPECT_EQ(valuesOf(cl), valuesOf(x));
  EXPECT_THROW(runKernel("aten.contiguous", {iota({2, 3}), Value(2)}),
               rt::Error);
  EXPECT_THROW(runKernel("aten.contiguous", {x, Value(1)}), rt::Error);
  Tensor back = run1("aten.contiguous", {cl, Value(0)});
  EXPECT_TRUE(back.isContiguous());
}

TEST(RefShapeTest, MetadataAndScalars) {
  Tensor x = iota({2, 3});
  EXPECT_EQ(runKernel("aten.size", {x})[0].toIntVector(),
            (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(runKernel("aten.size.int", {x, Value(-1)})[0].toInt(), 3);
  EXPECT_THROW(runKernel("aten.size.int", {x, Value(2)}), rt::Error);
  EXPECT_EQ(runKernel("aten.dim", {x})[0].toInt(), 2);
  EXPECT_EQ(runKernel("aten.len.Tensor", {x})[0].toInt(), 2);
  EXPECT_THROW(runKernel("aten.len.Tensor", {Tensor::scalar(DType::F32, 1)}),
               rt::Error);

  Value i = runKernel("aten.item", {tensorOf({1, 1}, {3}, DType::I32)})[0];
  EXPECT_TRUE(i.isInt());
  Value f = runKernel("aten.item", {tensorOf({1}, {2.5}, DType::F16)})[0];
  EXPECT_TRUE(f.isDouble());
  EXPECT_EQ(f.toDouble(), 2.5);
  EXPECT_TRUE(
      runKernel("aten.item", {tensorOf({}, {1}, DType::Bool)})[0].isBool());
  EXPECT_THROW(runKernel("aten.item", {iota({2})}), rt::Error);
  EXPECT_THROW(runKernel("aten.ScalarImplicit", {iota({1})}), rt::Error);
  EXPECT_TRUE(
      runKernel("aten.ScalarImplicit", {Tensor::scalar(DType::F64, 1)})[0]
          .isDouble());

  EXPECT_EQ(runKernel("aten.Int.Tensor", {tensorOf({1}, {-2.7})})[0].toInt(),
            -2);
  EXPECT_THROW(runKernel("aten.Int.Tensor", {tensorOf({1}, {1e30})}),
               rt::Error);
  EXPECT_EQ(runKernel("aten.Float.Tensor", {tensorOf({}, {7}, DType::I64)})[0]
                .toDouble(),
            7.0);
  EXPECT_EQ(runKernel("aten.Bool.Tensor", {tensorOf({1}, {0.5})})[0].toBool(),
            true);
  EXPECT_THROW(runKernel("aten.Bool.Tensor", {iota({0})}), rt::Error);
  EXPECT_THROW(runKernel("aten.Bool.Tensor", {iota({2})}), rt::Error);

  EXPECT_EQ(run1("prim.num_to_tensor", {Value(2.5)}).dtype(), DType::F64);
  EXPECT_EQ(run1("prim.num_to_tensor", {Value(int64_t(1) << 60)}).dtype(),
            DType::I64);
  EXPECT_EQ(run1("prim.num_to_tensor", {Value(true)}).dtype(), DType::Bool);
  EXPECT_EQ(run1("prim.num_to_tensor", {Value(int64_t(1) << 60)}).itemInt(),
            int64_t(1) << 60);
  EXPECT_EQ(runKernel("prim.dtype", {x})[0].toInt(), 6);
  EXPECT_EQ(runKernel("prim.layout", {x})[0].toInt(), 0);
  EXPECT_EQ(runKernel("prim.device", {x})[0].toString(), "cpu");
  EXPECT_FALSE(runKernel("prim.is_cuda", {x})[0].toBool());
  EXPECT_FALSE(runKernel("prim.requires_grad", {x})[0].toBool());
  EXPECT_EQ(runKernel("aten.device", {Value("cuda:1")})[0].toString(),
            "cuda:1");
  EXPECT_THROW(runKernel("aten.device", {Value("gpu")}), rt::Error);
  EXPECT_THROW(runKernel("aten.device", {Value("cpu:x")}), rt::Error);
}

//===----------------------------------------------------------------------===//
// Factories
//===----------------------------------------------------------------------===//

TEST(RefFactoryTest, ZerosOnesFullEye) {
  Tensor z = run1("aten.zeros", {ints({2, 3}), none(), none(), none(), none()});
  EXPECT_EQ(z.dtype(), DType::F32);
  EXPECT_EQ(z.sizes(), (rt::Shape{2, 3}));
  Tensor o = run1("aten.ones", {ints({2}), code(DType::I32), none(),
                                Value(rt::Device{"cpu"}), none()});
  EXPECT_EQ(valuesOf(o), (std::vector<double>{1, 1}));
  EXPECT_THROW(
      runKernel("aten.zeros", {ints({2, -1}), none(), none(), none(), none()}),
      rt::Error);
  EXPECT_THROW(runKernel("aten.zeros", {ints({2}), none(), none(),
                                        Value(rt::Device{"cuda"}), none()}),
               rt::Error);
  EXPECT_EQ(
      run1("aten.full", {ints({2}), Value(3), none(), none(), none(), none()})
          .dtype(),
      DType::I64);
  EXPECT_EQ(run1("aten.full",
                 {ints({2}), Value(true), none(), none(), none(), none()})
                .dtype(),
            DType::Bool);
  EXPECT_EQ(
      run1("aten.full", {ints({2}), Value(0.5), none(), none(), none(), none()})
          .dtype(),
      DType::F32);
  EXPECT_THROW(runKernel("aten.full", {ints({2}), Value(300), code(DType::U8),
                                       none(), none(), none()}),
               rt::Error);
  Tensor e =
      run1("aten.eye.m", {Value(2), Value(3), none(), none(), none(), none()});
  EXPECT_EQ(valuesOf(e), (std::vector<double>{1, 0, 0, 0, 1, 0}));
  EXPECT_THROW(
      runKernel("aten.eye", {Value(-1), none(), none(), none(), none()}),
      rt::Error);
  Tensor zl = run1("aten.zeros_like", {run1("aten.t", {iota({2, 3})}), none(),
                                       none(), none(), none(), none()});
  EXPECT_EQ(zl.strides(), (rt::Shape{1, 3}));
  // Expanded inputs get contiguous strides; strided slices keep their order.
  Tensor ex = rt::expandTo(iota({4}), {3, 4});
  EXPECT_EQ(
      run1("aten.zeros_like", {ex, none(), none(), none(), none(), none()})
          .strides(),
      (rt::Shape{4, 1}));
  Tensor st = run1("aten.t",
                   {run1("aten.slice.Tensor",
                         {iota({4, 3}), Value(0), none(), none(), Value(2)})});
  EXPECT_EQ(
      run1("aten.zeros_like", {st, none(), none(), none(), none(), none()})
          .strides(),
      (rt::Shape{1, 3}));
  Tensor em =
      run1("aten.empty.memory_format",
           {ints({1, 2, 3, 4}), none(), none(), none(), none(), Value(2)});
  EXPECT_EQ(em.strides(), (rt::Shape{24, 1, 8, 2}));
}

TEST(RefFactoryTest, Linspace) {
  auto lin = [](Value s, Value e, int64_t n, Value dtype = Value()) {
    return valuesOf(
        run1("aten.linspace", {s, e, Value(n), dtype, none(), none(), none()}));
  };
  EXPECT_EQ(lin(Value(0), Value(1), 5),
            (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
  EXPECT_EQ(lin(Value(0), Value(10), 4, code(DType::U8)),
            (std::vector<double>{0, 3, 6, 10}));
  EXPECT_EQ(lin(Value(-1.5), Value(3.9), 4, code(DType::I32)),
            (std::vector<double>{-1, 0, 1, 3}));
  EXPECT_EQ(lin(Value(2), Value(5), 1), (std::vector<double>{2}));
  EXPECT_TRUE(lin(Value(2), Value(5), 0).empty());
  EXPECT_THROW(lin(Value(0), Value(1), -1), rt::Error);
  EXPECT_THROW(lin(Value(0), Value(1), 3, code(DType::Bool)), rt::Error);
}

TEST(RefFactoryTest, TensorFromLists) {
  Value nested = Value::list({ints({1, 2, 3}), ints({4, 5, 6})});
  Tensor t = run1("aten.tensor", {nested, none(), none(), Value(false)});
  EXPECT_EQ(t.dtype(), DType::I64);
  EXPECT_EQ(t.sizes(), (rt::Shape{2, 3}));
  EXPECT_EQ(valuesOf(t), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  Value floats = Value::list({Value(0.1), Value(2.0)});
  Tensor f = run1("aten.tensor", {floats, none(), none(), Value(false)});
  EXPECT_EQ(f.dtype(), DType::F32);
  // Floats are stored as float32 before the dtype converts them.
  Tensor f64 =
      run1("aten.tensor", {floats, code(DType::F64), none(), Value(false)});
  EXPECT_EQ(f64.data<double>()[0], double(0.1f));
  Value bools = Value::list({Value(true), Value(false)});
  EXPECT_EQ(run1("aten.tensor", {bools, none(), none(), Value(false)}).dtype(),
            DType::Bool);
  Tensor empty =
      run1("aten.tensor", {Value::list({}), none(), none(), Value(false)});
  EXPECT_EQ(empty.sizes(), (rt::Shape{0}));
  Value ragged = Value::list({ints({1, 2}), ints({3})});
  EXPECT_THROW(runKernel("aten.tensor", {ragged, none(), none(), Value(false)}),
               rt::Error);
  Value strs = Value::list({Value("a")});
  EXPECT_THROW(runKernel("aten.tensor", {strs, none(), none(), Value(false)}),
               rt::Error);
  EXPECT_EQ(
      run1("aten.tensor.int", {Value(3), none(), none(), Value(false)}).dtype(),
      DType::I64);
  EXPECT_EQ(
      run1("aten.tensor.float", {Value(2.5), none(), none(), Value(false)})
          .dtype(),
      DType::F32);
  EXPECT_EQ(run1("aten.tensor.bool",
                 {Value(true), code(DType::F64), none(), Value(false)})
                .dtype(),
            DType::F64);
}

TEST(RefFactoryTest, RandomIsSeededAndInRange) {
  Tensor r = run1("aten.rand", {ints({100}), none(), none(), none(), none()});
  for (double v : valuesOf(r)) {
    EXPECT_GE(v, 0.0);
    EXPECT_LT(v, 1.0);
  }
  Tensor n = run1("aten.randn",
                  {ints({4, 5}), code(DType::F64), none(), none(), none()});
  EXPECT_EQ(n.dtype(), DType::F64);
  EXPECT_THROW(runKernel("aten.rand",
                         {ints({2}), code(DType::I64), none(), none(), none()}),
               rt::Error);
}

} // namespace
