"""The hub's Python kernel (backchannels.hub_kernel): ipykernel without debugpy, otherwise the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "hub" / "jupyter-data" / "kernels" / "python3" / "kernel.json"


def test_the_hub_kernelspec_is_ipykernels_own_but_for_the_debugger() -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    ours = json.loads(SPEC.read_text(encoding="utf-8"))
    default = KernelSpecManager().get_kernel_spec("python3").to_dict()  # the environment's own
    assert ours["argv"] == ["python", "-m", "backchannels.hub_kernel", "-f", "{connection_file}"]
    assert default["argv"][1:3] == ["-m", "ipykernel_launcher"]
    assert ours["metadata"] == {**default["metadata"], "debugger": False}  # e.g. CurveZMQ kept
    assert ours.get("kernel_protocol_version") == default.get("kernel_protocol_version")
    assert ours["language"] == default["language"] == "python"


def test_block_debugger_refuses_when_debugpy_is_already_loaded() -> None:
    code = ("import debugpy, backchannels.hub_kernel as k\n"
            "try:\n    k.block_debugger()\nexcept RuntimeError as e:\n    print('refused:', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("refused: debugpy is already imported")


@pytest.mark.timeout(120)
def test_a_kernel_from_the_hub_kernelspec_runs_code_without_debugpy(monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_client.manager import start_new_kernel

    monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join([str(SPEC.parents[2]), os.environ.get("JUPYTER_PATH", "")]))
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        info = client.kernel_info(reply=True, timeout=60)["content"]
        assert "debugger" not in info.get("supported_features", [])
        outputs: list[str] = []
        code = ("import sys, pandas\n"
                "print(sys.modules.get('debugpy'), 'ipykernel' in sys.modules, pandas.Series([1, 2]).sum())")
        reply = client.execute_interactive(
            code, timeout=60,
            output_hook=lambda msg: outputs.append(msg["content"].get("text", "")) if msg["msg_type"] == "stream" else None)
        assert reply["content"]["status"] == "ok"
        assert "".join(outputs).split() == ["None", "True", "3"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_data_module_loads_pybtex_only_when_reading_the_bibliography() -> None:
    code = ("import sys, backchannels.data as d\nprint('pybtex' in sys.modules)\n"
            "d.bib_entry_problems(d.data_dir())\nprint('pybtex' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


def test_release_free_memory_hands_back_a_freed_heap() -> None:
    """Freed blocks below the top of the heap stay resident until malloc_trim releases them."""
    code = r"""
import sys
from backchannels.hub_memory import _libc, release_free_memory
def anon():
    return sum(int(line.split()[1]) for line in open('/proc/self/smaps_rollup') if line.startswith('Anonymous:'))
if _libc() is None:
    print('no glibc'); sys.exit()
blocks = [bytearray(100_000) for _ in range(600)]  # 60 MB of blocks below glibc's mmap threshold
pin = bytearray(100_000)                             # keeps the top of the heap in use
del blocks
before = anon()
released = release_free_memory()
print(released, (before - anon()) // 1024)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    if out == ["no", "glibc"]:
        pytest.skip("malloc_trim is glibc's; this C library has none")
    assert out[0] == "True" and int(out[1]) > 40, out  # MiB given back


def test_the_student_server_config_enables_the_memory_trim() -> None:
    server = json.loads((REPO / "hub" / "jupyter" / "jupyter_server_config.json").read_text(encoding="utf-8"))
    assert server["ServerApp"]["jpserver_extensions"]["backchannels.hub_memory"] is True
    from backchannels import hub_memory

    assert hub_memory._jupyter_server_extension_points() == [{"module": "backchannels.hub_memory"}]
