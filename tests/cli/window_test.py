"""The real window at rest: a duty desk or a wall screen runs it all day, so with nothing moving it must sleep
in the event queue rather than redraw (measured as the process's own CPU time, not wall time)."""
import os
import subprocess
import time
import unittest

from sitmap_cli import SITMAP, DemoDistrictTest


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class IdleWindow(DemoDistrictTest):
    def test_an_idle_window_uses_under_five_percent_of_a_core(self):
        self.assertTrue(os.environ.get("DISPLAY"), "needs a display: ./scripts/test runs the tests under xvfb-run")
        p = subprocess.Popen([SITMAP, "--db", self.db], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(5)  # opened, first frames drawn, settled
            if p.poll() is not None:
                self.fail(f"the window closed: {p.communicate()[1]}")
            before = cpu_seconds(p.pid)
            time.sleep(6)
            used = cpu_seconds(p.pid) - before
            self.assertLess(used / 6, 0.05, f"{used:.2f} s of CPU in 6 s with nothing moving")
        finally:
            if p.poll() is None:
                p.terminate()
            p.communicate(timeout=10)


if __name__ == "__main__":
    unittest.main()
