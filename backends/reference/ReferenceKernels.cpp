//===- ReferenceKernels.cpp - The reference backend -----------------------===//

#include "backends/reference/ReferenceKernels.h"

using namespace irc::rt;

void ref::registerKernels(KernelRegistry &registry) {
  registerElementwiseKernels(registry);
  registerReductionKernels(registry);
  registerNNKernels(registry);
  registerRNNKernels(registry);
  registerPrepackedKernels(registry);
  registerShapeKernels(registry);
  registerFactoryKernels(registry);
  registerScalarKernels(registry);
  registerContainerKernels(registry);
}
