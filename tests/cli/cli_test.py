"""End-to-end tests of the sitmap command line on a freshly generated demo district."""
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

from sitmap_cli import SITMAP, run



class DemoWorkspace(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="sitmap_cli_")
        cls.db = os.path.join(cls.dir, "huaihai.sqlite")
        run("demo", "--out", cls.db, "--seed", 7, check=0)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_layers_json_lists_every_demo_layer_with_counts_and_extent(self):
        layers = {l["name"]: l for l in json.loads(run("layers", self.db, "--json", check=0).stdout)}
        for name in ["boundary", "streets", "buildings", "compounds", "addresses", "blocks", "cameras",
                     "group_rentals", "fire_hazards", "special_persons", "incidents"]:
            self.assertIn(name, layers)
            self.assertGreater(layers[name]["count"], 0, name)
            if name == "special_persons":  # sealed: no extent, whose edges would be people's positions
                self.assertIsNone(layers[name]["extent"])
                continue
            lon0, lat0, lon1, lat1 = layers[name]["extent"]
            self.assertTrue(121.44 < lon0 <= lon1 < 121.50 and 31.19 < lat0 <= lat1 < 31.24, name)
        self.assertEqual(layers["blocks"]["count"], 114)
        self.assertEqual(layers["cameras"]["count"], 189)
        self.assertEqual(layers["compounds"]["count"], 26)
        self.assertGreaterEqual(layers["incidents"]["count"], 50000)
        self.assertEqual(layers["special_persons"]["kind"], "sensitive")
        self.assertEqual(layers["blocks"]["title_zh"], "网格")

    def test_layers_table_is_human_readable(self):
        out = run("layers", self.db, check=0).stdout
        self.assertIn("cameras", out)
        self.assertIn("摄像头", out)

    def test_info_reports_schema_and_library_versions(self):
        info = json.loads(run("info", self.db, "--json", check=0).stdout)
        # The file's own record of its schema, read independently (a new schema version needs no edit here).
        with sqlite3.connect(self.db) as db:
            self.assertEqual(info["schema_version"], db.execute("PRAGMA user_version").fetchone()[0])
        self.assertGreaterEqual(info["schema_version"], 4)
        self.assertIn("SpatiaLite", info["backend"])
        for key in ("geos", "proj", "gdal"):
            self.assertRegex(info[key], r"^\d+\.\d+")
        self.assertGreater(info["size_bytes"], 1_000_000)

    def test_gdal_proj_and_spatialite_are_loaded_only_by_commands_that_use_them(self):
        """GDAL's hundred libraries take some 30 ms to load, PROJ's 10 and SpatiaLite most of a read-only open:
        listing layers needs none, the heatmap only GDAL (its GeoTIFF, which brings PROJ), info all three."""
        def loaded(*args):
            p = subprocess.run([SITMAP, *map(str, args)], capture_output=True, text=True, timeout=300,
                               env=dict(os.environ, LD_DEBUG="files"))
            self.assertEqual(p.returncode, 0, p.stderr[-2000:])
            return {name: f"file={lib}" in p.stderr
                    for name, lib in (("gdal", "libgdal.so"), ("proj", "libproj.so"), ("spatialite", "mod_spatialite"))}
        self.assertEqual(loaded("--help"), {"gdal": False, "proj": False, "spatialite": False})
        self.assertEqual(loaded("layers", self.db), {"gdal": False, "proj": False, "spatialite": False})
        tif = os.path.join(self.dir, "lazy.tif")
        self.assertEqual(loaded("heatmap", self.db, "--radius", 50, "--cell", 10, "--out", tif),
                         {"gdal": True, "proj": True, "spatialite": False})
        self.assertTrue(os.path.getsize(tif) > 0)
        self.assertEqual(loaded("info", self.db), {"gdal": True, "proj": True, "spatialite": True})

    def test_same_seed_same_content_other_seed_differs(self):
        again = os.path.join(self.dir, "again.sqlite")
        other = os.path.join(self.dir, "other.sqlite")
        run("demo", "--out", again, "--seed", 7, check=0)
        run("demo", "--out", other, "--seed", 8, check=0)

        def dump(path):
            con = sqlite3.connect(path)
            tables = [r[0] for r in con.execute("SELECT name FROM layers ORDER BY name")]
            rows = []
            for t in tables:
                # Sealed rows differ run to run (a new data key, random nonces); their clear columns do not.
                cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")') if r[1] != "sealed"]
                rows.append((t, con.execute(f'SELECT {",".join(chr(34) + c + chr(34) for c in cols)} FROM "{t}" ORDER BY id').fetchall()))
            con.close()
            return rows

        self.assertEqual(dump(self.db), dump(again))
        self.assertNotEqual(dump(self.db), dump(other))

    def test_newer_schema_is_refused_with_one_line(self):
        newer = os.path.join(self.dir, "newer.sqlite")
        shutil.copy(self.db, newer)
        con = sqlite3.connect(newer)
        con.execute("PRAGMA user_version = 99")
        con.close()
        p = run("layers", newer)
        self.assertEqual(p.returncode, 6, p.stderr)
        self.assertIn("newer.sqlite", p.stderr)
        self.assertIn("newer sitmap", p.stderr)

    def test_demo_refuses_to_overwrite_without_force(self):
        before = os.path.getmtime(self.db)
        p = run("demo", "--out", self.db)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(os.path.basename(self.db), p.stderr)
        self.assertEqual(os.path.getmtime(self.db), before)


class Errors(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sitmap_cli_err_")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def expect_one_line_error(self, args, code, *fragments):
        p = run(*args)
        self.assertEqual(p.returncode, code, p.stderr)
        lines = p.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertTrue(lines[0].startswith("sitmap: error: "), lines[0])
        for f in fragments:
            self.assertIn(f, lines[0])

    def test_missing_file(self):
        path = os.path.join(self.dir, "nowhere.sqlite")
        self.expect_one_line_error(["layers", path], 3, "nowhere.sqlite")
        self.expect_one_line_error(["info", path], 3, "nowhere.sqlite")
        self.assertFalse(os.path.exists(path))

    def test_not_a_database(self):
        path = os.path.join(self.dir, "notes.sqlite")
        with open(path, "w") as fh:
            fh.write("minutes of the Tuesday meeting\n")
        self.expect_one_line_error(["layers", path], 5, "notes.sqlite", "not a sitmap database")

    def test_foreign_sqlite_file(self):
        path = os.path.join(self.dir, "other.sqlite")
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE t(x)")
        con.commit()
        con.close()
        self.expect_one_line_error(["info", path], 5, "other.sqlite", "not a sitmap workspace")

    def test_usage_errors_exit_non_zero(self):
        self.assertNotEqual(run("layers").returncode, 0)
        self.assertNotEqual(run("no-such-command").returncode, 0)


if __name__ == "__main__":
    unittest.main()
