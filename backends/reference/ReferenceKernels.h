//===- ReferenceKernels.h - The reference backend ---------------*- C++ -*-===//
//
// Plain C++ kernels for every op irc imports: straightforward loops in
// PyTorch's semantics (type promotion, broadcasting, strided views), written
// to be obviously correct rather than fast. They define what correct means
// for the other backends. Run side: links only runtime/.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_BACKENDS_REFERENCE_REFERENCEKERNELS_H
#define IRC_BACKENDS_REFERENCE_REFERENCEKERNELS_H

#include "runtime/Kernel.h"

#include <string>

namespace irc::rt::ref {

/// The backend name kernels are registered under.
inline constexpr const char *Backend = "ref";

/// Registers every reference kernel under Backend.
void registerKernels(KernelRegistry &registry);

/// Registers every reference kernel under `backend` (another backend's
/// fallback for the ops it does not run itself).
void registerKernelsAs(KernelRegistry &registry, const std::string &backend);

// One per source file, each adding that file's table.
void registerElementwiseKernels(KernelRegistry &registry);
void registerReductionKernels(KernelRegistry &registry);
void registerNNKernels(KernelRegistry &registry);
void registerRNNKernels(KernelRegistry &registry);
void registerPrepackedKernels(KernelRegistry &registry);
void registerShapeKernels(KernelRegistry &registry);
void registerFactoryKernels(KernelRegistry &registry);
void registerScalarKernels(KernelRegistry &registry);
void registerContainerKernels(KernelRegistry &registry);

} // namespace irc::rt::ref

#endif // IRC_BACKENDS_REFERENCE_REFERENCEKERNELS_H
