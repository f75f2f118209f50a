#!/usr/bin/env bash
# Set up a virtual environment with autocy and its test tools, then run the whole test suite;
# then run the profiler's tests again on a Python with sys.monitoring (3.12+) when one is found.
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

monitoring_python=""
for candidate in python3.12 python3.13 /root/.pyenv/versions/3.12*/bin/python3.12 \
                 /root/.pyenv/versions/3.13*/bin/python3.13; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c \
            'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        monitoring_python="$candidate"
        break
    fi
done
if [ -z "$monitoring_python" ]; then
    echo "scripts/test.sh: skipped the profiler tests on Python 3.12+: no python3.12 or" \
         "python3.13 found (the run above used $(python3 --version))"
    exit 0
fi
echo "== profiler tests on $("$monitoring_python" --version) (sys.monitoring)"
setup "$monitoring_python" .venv-monitoring
.venv-monitoring/bin/python -m pytest -q -p no:cacheprovider \
    tests/test_profiler.py tests/test_runner.py tests/test_profiledata.py
