"""Runs the sitmap binary under test (SITMAP_BIN, set by ctest) for the end-to-end tests."""
import os
import subprocess

SITMAP = os.environ.get("SITMAP_BIN", os.path.join(os.path.dirname(__file__), "../../build/sitmap"))


def run(*args, check=None):
    p = subprocess.run([SITMAP, *map(str, args)], capture_output=True, text=True, timeout=300)
    if check is not None and p.returncode != check:
        raise AssertionError(f"sitmap {' '.join(map(str, args))} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p
