# lit configuration for irc's FileCheck tests. CMake writes lit.site.cfg.py
# (tool paths) into the build tree; run the suite with `ctest` or
# `lit -sv build/test`.
import os

import lit.formats

config.name = "irc"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".irc", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.irc_obj_root, "test")
config.excludes = ["Inputs", "unit", "lit.cfg.py", "lit.site.cfg.py",
                   "CMakeLists.txt"]

config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%irc_src_root", config.irc_src_root))
config.substitutions.append(("%fixtures", config.fixtures_dir))
config.substitutions.append(("%hostile", config.hostile_dir))
config.substitutions.append(("%opzoo", config.opzoo_dir))
config.substitutions.append(("%bindir", config.irc_tools_dir))
config.environment["PATH"] = os.path.pathsep.join(
    [config.irc_tools_dir, config.llvm_tools_dir, config.environment["PATH"]])

# Benchmarks are built unless -DIRC_BUILD_BENCHMARKS=OFF; their smoke tests
# need them.
if os.path.exists(os.path.join(config.irc_tools_dir, "irc-bench-ir")):
    config.available_features.add("benchmarks")

# Tests on archives that PyTorch wrote (ctest makes them first, see
# test/CMakeLists.txt).
if config.have_torch:
    config.available_features.add("torch")

# The import benchmark links libtorch; it is built when libtorch is found.
if os.path.exists(os.path.join(config.irc_tools_dir, "irc-bench-import")):
    config.available_features.add("import-benchmark")

# The Vulkan tests need a Vulkan device (lavapipe counts; scripts/setup.sh
# installs it). Where there is none they are unsupported, and this says why.
import subprocess
_probe = subprocess.run(
    [os.path.join(config.irc_tools_dir, "irc-run"),
     os.path.join(config.test_source_root, "tools", "Inputs", "small.irc"),
     "--function=f", "--backend=vulkan"],
    capture_output=True, text=True)
if _probe.returncode == 0:
    config.available_features.add("vulkan")
else:
    lit_config.note("Vulkan tests are unsupported here: " +
                    (_probe.stderr.strip() or "irc-run failed"))
# Every Vulkan instance the tests make runs under the validation layer, and
# irc fails on any message from it.
config.environment["IRC_VULKAN_VALIDATION"] = "1"
for _var in ("IRC_VULKAN_DEVICE", "VK_ICD_FILENAMES", "VK_DRIVER_FILES",
             "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
    if _var in os.environ:
        config.environment[_var] = os.environ[_var]
