//===- XnnpackKernels.h - The XNNPACK backend -------------------*- C++ -*-===//
//
// Runs the `xnn.*` ops of `--optimize-for-mobile=cpu` with XNNPACK (the
// February 2022 operator API of Debian's libxnnpack-dev) and every other op
// with the reference kernels. The packed parameters of a conv or linear
// become an XNNPACK operator on first use, which packs the weights once and
// is kept with the parameters (rt::Object::backendCache) for every later
// run. Tensors are NCHW between ops: each run converts to NHWC and back.
// Run side: links runtime/, the reference backend and XNNPACK only.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_BACKENDS_XNNPACK_XNNPACKKERNELS_H
#define IRC_BACKENDS_XNNPACK_XNNPACKKERNELS_H

#include "runtime/Kernel.h"

#include <cstddef>

namespace irc::rt::xnnpack {

/// The backend name kernels are registered under.
inline constexpr const char *Backend = "xnnpack";

/// Registers every reference kernel under Backend, then the XNNPACK kernels
/// of the xnn.* run ops over them.
void registerKernels(KernelRegistry &registry);

/// The threads XNNPACK runs on (0: one per core). The process has one
/// pthreadpool, made on first use; call this before running.
void setNumThreads(size_t threads);

} // namespace irc::rt::xnnpack

#endif // IRC_BACKENDS_XNNPACK_XNNPACKKERNELS_H
