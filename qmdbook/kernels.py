"""Warm kernels shared by the chapters of one build, each chapter in a fresh namespace.

Starting a kernel and importing the analysis stack (pandas, matplotlib, the project's package)
costs about two seconds of CPU per chapter, most of a cold build. A pool starts one kernel per
worker, imports there what the chapters import, and runs chapter after chapter in it. Before each
chapter the user namespace is cleared (as `%reset -f` would clear it) and the state a fresh
kernel would have is restored: matplotlib's rcParams and open figures, pandas' options, the
warning filters and "shown once" registries, the working directory. Modules stay imported; that
is the saving. One client per kernel carries every chapter's messages.
"""

from __future__ import annotations

import ast
import queue
import subprocess
from concurrent.futures import ThreadPoolExecutor

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from .qmd import QmdDoc

# Runs once per kernel, after the imports: what "fresh" means for the chapters that follow.
SNAPSHOT = """\
import sys as _qb_sys, warnings as _qb_warnings, os as _qb_os
_qb_state = {"filters": list(_qb_warnings.filters), "cwd": _qb_os.getcwd()}
if "matplotlib" in _qb_sys.modules:
    import matplotlib as _qb_mpl
    with _qb_warnings.catch_warnings():
        _qb_warnings.simplefilter("ignore")
        _qb_state["rc"] = dict(_qb_mpl.rcParams)
_qb_sys._qmdbook_fresh_state = _qb_state


def _qb_clear_namespace(shell=get_ipython()):
    # What %reset -f does to the namespace, without its full garbage collection and history
    # reset (a quarter of a second a chapter): every name the user made goes, IPython's own stay.
    keep = set(shell.user_ns_hidden) | {"__builtins__", "__builtin__", "__name__"}
    for name in [n for n in shell.user_ns if n not in keep]:
        del shell.user_ns[name]
    outputs = shell.user_ns.get("_oh")
    if outputs is not None:
        outputs.clear()
    shell.displayhook._ = shell.displayhook.__ = shell.displayhook.___ = ""
    shell.user_ns.update({"_": "", "__": "", "___": ""})


_qb_sys._qmdbook_clear_namespace = _qb_clear_namespace
del _qb_clear_namespace
"""

# Runs before every chapter in a reused kernel.
RESET = """\
__import__("sys")._qmdbook_clear_namespace()
import sys as _qb_sys, warnings as _qb_warnings, os as _qb_os
_qb_state = _qb_sys._qmdbook_fresh_state
_qb_warnings.filters[:] = _qb_state["filters"]
# A new filter list invalidates every "shown once" registry, as in a new process.
_qb_warnings._filters_mutated()
_qb_os.chdir(_qb_state["cwd"])
if "matplotlib.pyplot" in _qb_sys.modules:
    _qb_sys.modules["matplotlib.pyplot"].close("all")
if "rc" in _qb_state:
    import matplotlib as _qb_mpl
    with _qb_warnings.catch_warnings():
        _qb_warnings.simplefilter("ignore")
        _qb_mpl.rcParams.update(_qb_state["rc"])
if "pandas" in _qb_sys.modules:
    with _qb_warnings.catch_warnings():
        _qb_warnings.simplefilter("ignore")
        _qb_sys.modules["pandas"].reset_option("all")
del _qb_state
"""

_ALWAYS = ("matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline")


def imported_modules(docs: list[QmdDoc]) -> list[str]:
    """Top-level modules the chapters' cells import, in first-seen order."""
    found: dict[str, None] = dict.fromkeys(_ALWAYS)
    for doc in docs:
        for cell in doc.cells:
            try:
                tree = ast.parse(cell.code)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(dict.fromkeys(a.name for a in node.names))
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found[node.module] = None
    return list(found)


def warm_up_code(modules: list[str], root: str) -> str:
    # The project's own packages must be found where the chapters will find them: first on
    # sys.path, as the chapters' setup cell puts the project root.
    lines = [
        "import importlib as _qb_importlib, os as _qb_os, sys as _qb_sys",
        f"_qb_sys.path.insert(0, {root!r})",
        f"_qb_os.chdir({root!r})",
    ]
    # A module that fails to import here is left for the chapter to report in its own words.
    for name in modules:
        lines.append(
            f"try:\n    _qb_importlib.import_module({name!r})\nexcept Exception:\n    pass"
        )
    return "\n".join(lines) + "\n" + SNAPSHOT


class Kernel:
    """One started kernel; `run` executes a notebook in it and keeps it alive.

    Its client (the channels to the kernel) is opened once and kept: opening one waits for the
    kernel to answer and for its output channel to fall quiet, a quarter of a second a chapter.
    """

    def __init__(self, km: KernelManager):
        self.km = km
        self.used = False
        self._kc = None

    def run(self, nb, root: str, timeout: int) -> None:
        client = NotebookClient(
            nb, km=self.km, timeout=timeout, allow_errors=False, record_timing=False,
            resources={"metadata": {"path": root}},
        )  # fmt: skip
        client.kc = self._kc  # None the first time: the client opens one, which is kept
        try:
            client.execute()
        finally:
            self._kc = client.kc
            if not self.alive():
                self._close_client()
        self.used = True

    def _close_client(self) -> None:
        if self._kc is not None:
            self._kc.stop_channels()
            self._kc = None

    def alive(self) -> bool:
        return self.km.is_alive()

    def shutdown(self) -> None:
        self._close_client()
        self.km.shutdown_kernel(now=True)


class KernelPool:
    """`size` kernels, started and warmed together; `take` / `give` hand them to workers."""

    def __init__(self, start, size: int, modules: list[str], root: str, timeout: int = 600):
        self._start, self._modules, self._root, self._timeout = start, modules, root, timeout
        self._free: queue.Queue[Kernel] = queue.Queue()
        self._all: list[Kernel] = []
        with ThreadPoolExecutor(max_workers=size) as pool:
            for kernel in pool.map(lambda _i: self._new(), range(size)):
                self._free.put(kernel)

    def _new(self) -> Kernel:
        km = self._start()
        kernel = Kernel(km)
        warm = nbformat.v4.new_notebook()
        warm.cells.append(nbformat.v4.new_code_cell(warm_up_code(self._modules, self._root)))
        kernel.run(warm, self._root, self._timeout)
        kernel.used = False
        self._all.append(kernel)
        return kernel

    def take(self) -> Kernel:
        return self._free.get()

    def give(self, kernel: Kernel) -> None:
        # A kernel that died or timed out is replaced, so one bad chapter costs one restart.
        if not kernel.alive():
            kernel = self._new()
        self._free.put(kernel)

    def close(self) -> None:
        for kernel in self._all:
            try:
                kernel.shutdown()
            except Exception:  # noqa: BLE001 - a kernel already gone needs no shutdown
                pass


def start_kernel(spec_manager, env: dict[str, str], cwd: str) -> KernelManager:
    km = KernelManager(kernel_name="python3", kernel_spec_manager=spec_manager)
    # The kernel's own stderr only carries ipykernel's start-up chatter.
    km.start_kernel(env=env, cwd=cwd, stderr=subprocess.DEVNULL)
    return km
