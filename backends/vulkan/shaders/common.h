// Shared by irc's compute shaders: one invocation per output element, 64 per
// workgroup, in a 2-d grid of workgroups (gl_NumWorkGroups.x is at most
// 65535) so that large tensors fit the dispatch limits.
#extension GL_GOOGLE_include_directive : require
layout(local_size_x = 64) in;

// tanh without the overflow some drivers' exp-based tanh has.
float safeTanh(float x) { return x > 15.0 ? 1.0 : (x < -15.0 ? -1.0 : tanh(x)); }

// The flat index of this invocation's output element.
uint flatIndex() {
  return gl_GlobalInvocationID.x +
         gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
}
