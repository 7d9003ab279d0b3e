"""Runs the sitmap binary under test (SITMAP_BIN, set by ctest) for the end-to-end tests."""
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

SITMAP = os.environ.get("SITMAP_BIN", os.path.join(os.path.dirname(__file__), "../../build/sitmap"))


def run(*args, check=None):
    p = subprocess.run([SITMAP, *map(str, args)], capture_output=True, text=True, timeout=300)
    if check is not None and p.returncode != check:
        raise AssertionError(f"sitmap {' '.join(map(str, args))} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def signed_in_env(keys, password=None, extra=None):
    """The environment of a script that signs in: no SITMAP_* variable of the caller's but the binary's, the
    test's own key folder (audit and data keys), the password in SITMAP_PASSWORD."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITMAP_") or k == "SITMAP_BIN"}
    env["SITMAP_KEY_DIR"] = keys
    if password is not None:
        env["SITMAP_PASSWORD"] = password
    env.update(extra or {})
    return env


def run_signed_in(keys, *args, password=None, env=None, check=None):
    # A session of its own: no controlling terminal, so a missing password cannot wait on a prompt.
    p = subprocess.run([SITMAP, *map(str, args)], capture_output=True, text=True, timeout=300,
                       env=signed_in_env(keys, password, env), start_new_session=True)
    if check is not None and p.returncode != check:
        raise AssertionError(f"sitmap {' '.join(map(str, args))} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


class DemoDistrictTest(unittest.TestCase):
    """A demo district built once per test class from SEED, with a SQLite connection (`con`) to check it by."""
    SEED = 1

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="sitmap_cli_")
        cls.db = os.path.join(cls.dir, "huaihai.sqlite")
        run("demo", "--out", cls.db, "--seed", cls.SEED, check=0)
        cls.con = sqlite3.connect(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.con.close()
        shutil.rmtree(cls.dir, ignore_errors=True)
