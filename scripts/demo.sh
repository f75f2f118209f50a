#!/usr/bin/env bash
# The main job on the bundled sample_project, from a fresh machine: install autocy into a
# temporary venv, profile the sample's workload, show the plan, build and install the compiled
# wheel (pip, build isolation), run the sample's own tests against it, print the speedups.
# Usage: bash scripts/demo.sh [bench.py --compare options, e.g. --quick]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/autocy-demo.XXXXXX")"
py="$work/venv/bin/python"
step() { printf '\n==> %s\n' "$*"; }

step "virtual environment in $work"
python3 -m venv "$work/venv"
"$py" -m pip install --quiet --upgrade pip
"$py" -m pip install --quiet "$repo" pytest
# build isolation installs autocy from this wheelhouse when it builds the sample
"$py" -m pip wheel --quiet --no-deps -w "$work/wheelhouse" "$repo"
export PIP_FIND_LINKS="${PIP_FIND_LINKS:-} $work/wheelhouse"
# the fresh profile goes to the temporary folder; the committed one stays as it is
export AUTOCY_PROFILE="$work/autocy-profile.json"

cd "$repo/sample_project"
step "autocy profile bench.py"
"$work/venv/bin/autocy" profile bench.py
step "autocy report"
"$work/venv/bin/autocy" report
step "pip install ./sample_project (build backend autocy.build)"
"$py" -m pip install --quiet --no-deps --force-reinstall .

cd "$work"
step "the sample's own tests, against the compiled install"
"$py" -c "import sample.julia, sample.cli; print('sample.julia:', sample.julia.__file__); print('sample.cli:  ', sample.cli.__file__)"
"$py" -m pytest -q -p no:cacheprovider --runslow "$repo/sample_project/tests"
step "benchmark: pure CPython vs autocy vs hand-typed Cython, measured in one run"
"$py" "$repo/sample_project/bench.py" --compare "$@"
