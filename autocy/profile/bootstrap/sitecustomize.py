# autocy's child-process bootstrap. autocy puts this folder first on PYTHONPATH while it
# profiles a workload, so that every Python started by the workload imports it at start-up.
# It starts profiling only in a process of the same interpreter (same executable and version)
# as the profiled one; any other Python (another version, even Python 2) only runs the next
# sitecustomize on its path, as it would have without autocy. Kept to syntax every Python reads.
import os
import sys


def _autocy_bootstrap():
    python = os.environ.get("AUTOCY_PROFILE_PYTHON", "")
    home = os.environ.get("AUTOCY_PROFILE_HOME", "")
    if not python or not home or "%s|%d.%d" % (
            os.path.realpath(sys.executable), sys.version_info[0], sys.version_info[1]) != python:
        return
    try:
        sys.path.insert(0, home)
        try:
            from autocy.profile.child import start_child
        finally:
            sys.path.remove(home)
        start_child()
    except Exception as exc:
        sys.stderr.write("autocy: profiler not started in child process %d: %s\n"
                         % (os.getpid(), exc))


def _autocy_chain():
    """Run the sitecustomize that this one hides (the next one on sys.path), if any."""
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        from importlib.machinery import PathFinder
        import importlib.util
    except ImportError:
        return
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        sys.modules["sitecustomize"] = module
        spec.loader.exec_module(module)


_autocy_bootstrap()
_autocy_chain()
