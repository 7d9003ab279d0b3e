"""sitmap-bench end to end on small inputs (SITMAP_BENCH_BIN and SITMAP_BIN are set by ctest)."""
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(__file__)
BENCH = os.environ.get("SITMAP_BENCH_BIN", os.path.join(HERE, "../../build/sitmap-bench"))
SITMAP = os.environ.get("SITMAP_BIN", os.path.join(HERE, "../../build/sitmap"))


def run(*args, binary=BENCH):
    p = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, timeout=500)
    if p.returncode != 0:
        raise AssertionError(f"{binary} {' '.join(map(str, args))} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def have_numpy():
    return subprocess.run(["/usr/bin/python3", "-c", "import numpy"], capture_output=True).returncode == 0


class BenchTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sitmap_bench_")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_benchmarks_left_the_product_binary(self):
        self.assertNotIn("bench", run("--help", binary=SITMAP))
        help_text = run("--help")
        for sub in ("analysis", "heatmap", "import", "render"):
            self.assertRegex(help_text, rf"\n\s+{sub}\s")

    @unittest.skipUnless(have_numpy(), "make_points.py and the numpy peer need python3-numpy")
    def test_heatmap_runs_the_whole_pipeline_beside_numpy(self):
        out = run("heatmap", "-n", 3000, "--runs", 1, "--data", self.dir)
        self.assertRegex(out, r"snapshot load of the layer: a Feature per row [0-9]+ ms, column by column [0-9]+ ms, packed copy")
        self.assertRegex(out, r"a one-row write to the layer \(its packed copy rewritten in the same transaction\): [0-9]+ ms")
        self.assertRegex(out, r"sitmap heatmap, whole process: [0-9.]+ s, peak [0-9]+ MB: 3000 incidents \(all time\)")
        self.assertRegex(out, r"numpy peer, whole process: [0-9.]+ s")
        self.assertRegex(out, r"ratio: sitmap heatmap (is [0-9.]+x faster than|takes [0-9.]+x) the numpy")
        # The workspace it imported carries the packed copy the snapshot load reads.
        con = sqlite3.connect(os.path.join(self.dir, "heatmap_3000.sqlite"))
        parts = {r[0] for r in con.execute("SELECT part FROM sitmap_packed WHERE layer = 'incidents'")}
        con.close()
        self.assertTrue({"header", "ids", "x", "y", "time:occurred_at"} <= parts, parts)
        self.assertFalse([f for f in os.listdir(self.dir) if f.endswith(".tif")], "the bench leaves no raster")

    @unittest.skipUnless(have_numpy(), "make_points.py needs python3-numpy")
    def test_import_prints_one_line_per_format(self):
        out = run("import", "-n", 2000, "--no-peer", "--data", self.dir)
        self.assertRegex(out, r"\ncsv 2000,[0-9.]+,")
        self.assertRegex(out, r"\ngeojson 2000,[0-9.]+,")

    def test_analysis_on_synthetic_points(self):
        out = run("analysis", "--points", 20000, "--runs", 1, "--no-peer")
        self.assertIn("20000 points", out)
        # The Gaussian's tails beyond the points' own box are cut off, as in the peer: a few percent is lost.
        mass = float(re.search(r"KDE mass ([0-9.]+) of 20000", out).group(1))
        self.assertTrue(18000 < mass <= 20000, mass)

    @unittest.skipUnless(os.environ.get("DISPLAY"), "the render benchmark needs a display (run under xvfb-run)")
    def test_render_draws_the_demo_district(self):
        db = os.path.join(self.dir, "demo.sqlite")
        run("demo", "--out", db, "--incidents", 2000, binary=SITMAP)
        out = run("render", db, "--points", 1000)
        self.assertIn("renderer:", out)
        self.assertRegex(out, r"demo scene: median [0-9.]+ ms")
        self.assertRegex(out, r"with 1000 synthetic incidents")


if __name__ == "__main__":
    unittest.main()
