"""scripts/frame_chunks.c, which `make test` preloads into the suite's processes: a 16 KiB
chunk unmapped is handed back zeroed, and one whose protection changed is never handed back."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[3] / "scripts" / "frame_chunks.c"

PROGRAM = r"""
import ctypes, mmap
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap64.restype = ctypes.c_void_p
libc.mmap64.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                        ctypes.c_int, ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
RW = mmap.PROT_READ | mmap.PROT_WRITE
ANON = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS

def chunk(size=16384):
    return libc.mmap64(None, size, RW, ANON, -1, 0)

first = chunk()
ctypes.memset(first, 0xAB, 16384)
assert libc.munmap(first, 16384) == 0
again = chunk()
print("reused", again == first)
print("zeroed", ctypes.string_at(again, 16384) == bytes(16384))

# Made read-only, then unmapped: kept, it would be handed back read-only, and zeroing it (the
# library's memset, then this one) would end the process.
libc.mprotect(again, 16384, mmap.PROT_READ)
assert libc.munmap(again, 16384) == 0
other = chunk()
ctypes.memset(other, 1, 16384)
print("writable", ctypes.string_at(other, 2) == b"\x01\x01")
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    compiler = shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler: make test runs the suite without scripts/frame_chunks.c")
    out = tmp_path_factory.mktemp("frame-chunks") / "frame_chunks.so"
    subprocess.run(
        [compiler, "-O2", "-shared", "-fPIC", "-o", str(out), str(SOURCE), "-ldl"], check=True
    )
    return out


def test_a_chunk_comes_back_zeroed_and_a_changed_one_never(library):
    run = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        env={"LD_PRELOAD": str(library), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:3] == ["reused True", "zeroed True", "writable True"]
