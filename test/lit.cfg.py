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
