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

void ref::registerKernelsAs(KernelRegistry &registry,
                            const std::string &backend) {
  KernelRegistry reference;
  registerKernels(reference);
  for (const std::string &op : reference.ops(Backend))
    registry.add(backend, op, reference.lookup(Backend, op));
}
