#!/usr/bin/env bash
# Set up a virtual environment with autocy and its test tools, then run the whole test suite;
# then run the version-dependent tests again on each other supported Python found (3.10, 3.12, 3.13).
# Usage: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

# install autocy (its build compiles the native profiler hook) into a venv made by python $1
# at $2; the tests import autocy from this checkout, so the compiled hook is copied beside its
# pure-Python twin (autocy/profile/, ignored by git)
setup() {
    "$1" -m venv "$2"
    "$2/bin/python" -m pip install --quiet --upgrade pip
    "$2/bin/python" -m pip install --quiet ".[test]"
    (cd / && "$OLDPWD/$2/bin/python" -c \
        'import shutil, sys, autocy.profile._hook as h; shutil.copy2(h.__file__, sys.argv[1])' \
        "$OLDPWD/autocy/profile/")
}

setup python3 .venv
.venv/bin/python -m pytest -q "$@"

# the tests whose subject depends on the Python version, again on each other Python found: the
# profiler's hooks (the C profile hook up to 3.11, sys.monitoring from 3.12) and the native
# hook's build (autocy/profile/_hook.pyx, whose C API differs by version); the inline caches,
# typed attributes, direct method calls and record temporaries, which read each version's object
# layout (autocy/inline_caches.py; 3.10 has none); the recursion limit, which 3.12 split into a
# Python and a C one;
# the C fixes of Cython's code (autocy/exact_c.py), whose CPython errors differ by version, and
# the specialized generators those fixes give CPython's names, flags and tracebacks; the try and
# with statements specializations run as written (Cython's exception handling differs by version);
# and the sampler's C readers of other threads' stacks (autocy/profile/_hook.pyx)
found=""
for minor in 10 12 13; do
    interpreter=""
    for candidate in "python3.$minor" /root/.pyenv/versions/3."$minor".*/bin/python3."$minor"; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys' 2>/dev/null; then
            interpreter="$candidate"
            break
        fi
    done
    [ -n "$interpreter" ] || continue
    found="yes"
    echo "== version-dependent tests on $("$interpreter" --version)"
    setup "$interpreter" ".venv-3.$minor"
    ".venv-3.$minor/bin/python" -m pytest -q -p no:cacheprovider tests/test_profiler.py \
        tests/test_runner.py tests/test_profiledata.py tests/test_inline_caches.py tests/test_typed_attributes.py \
        tests/test_method_calls.py tests/test_records.py tests/test_recursion.py tests/test_compile.py \
        tests/test_sampler.py tests/test_generators.py tests/test_try_with.py
done
if [ -z "$found" ]; then
    echo "scripts/test.sh: skipped the version-dependent tests on other Pythons: no python3.10," \
         "python3.12 or python3.13 found (the run above used $(python3 --version))"
fi
