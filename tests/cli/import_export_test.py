"""End-to-end tests of `sitmap import` and `sitmap export`: files as they arrive, exit codes, nothing written
on refusal. Fixtures are made by sitmap itself (a CSV imported and exported) and Python's zipfile."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import zipfile

from sitmap_cli import SITMAP, run

OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" version="1" lat="31.2200" lon="121.4700"/>
  <node id="2" version="1" lat="31.2210" lon="121.4750"/>
  <node id="3" version="1" lat="31.2190" lon="121.4710"/>
  <node id="4" version="1" lat="31.2190" lon="121.4715"/>
  <node id="5" version="1" lat="31.2194" lon="121.4715"/>
  <node id="6" version="1" lat="31.2194" lon="121.4710"/>
  <way id="10" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/></way>
  <way id="11" version="1"><nd ref="3"/><nd ref="4"/><nd ref="5"/><nd ref="6"/><nd ref="3"/>
    <tag k="building" v="yes"/></way>
</osm>
"""


class ImportExport(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sitmap_cli_io_")
        self.db = self.path("ws.sqlite")
        with open(self.path("posts.csv"), "w", encoding="utf-8") as fh:
            fh.write("名称,经度,纬度\n一号岗,121.47,31.22\n二号岗,121.48,31.22\n三号岗,121.49,31.23\n")
        run("import", self.db, self.path("posts.csv"), "--layer", "posts", check=0)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def layers(self, db):
        return {l["name"]: l for l in json.loads(run("layers", db, "--json", check=0).stdout)}

    def test_zipped_shapefile_imports_like_the_shapefile(self):
        os.mkdir(self.path("shp"))
        run("export", self.db, "posts", self.path("shp/posts.shp"), check=0)
        with zipfile.ZipFile(self.path("来自邮件.zip"), "w") as z:
            for name in os.listdir(self.path("shp")):
                z.write(self.path("shp/" + name), "posts/" + name)
        other = self.path("other.sqlite")
        p = run("import", other, self.path("来自邮件.zip"), "--layer", "posts", check=0)
        self.assertIn("3 written of 3 read", p.stdout)
        self.assertEqual(self.layers(other)["posts"]["count"], 3)
        self.assertEqual(self.layers(other)["posts"]["extent"], self.layers(self.db)["posts"]["extent"])

    def test_osm_extract_is_recognised_by_its_content(self):
        with open(self.path("extract.dat"), "w", encoding="utf-8") as fh:
            fh.write(OSM)
        p = run("import", self.db, self.path("extract.dat"), check=0)
        self.assertIn("layer streets: 1 written", p.stdout)
        self.assertIn("layer buildings: 1 written", p.stdout)
        self.assertEqual(self.layers(self.db)["streets"]["kind"], "basemap")

    def test_multi_layer_file_lists_its_layers_and_imports_the_chosen_one(self):
        gpkg = self.path("district.gpkg")
        run("export", self.db, "posts", gpkg, check=0)
        if shutil.which("ogr2ogr") is None:
            self.skipTest("ogr2ogr (gdal-bin) adds the second layer")
        self.assertEqual(os.system(f"ogr2ogr -update -nln roads '{gpkg}' '{self.path('posts.csv')}' "
                                   "-oo X_POSSIBLE_NAMES=经度 -oo Y_POSSIBLE_NAMES=纬度 -a_srs EPSG:4326"), 0)
        preview = run("import", self.db, gpkg, "--preview", check=0).stdout
        self.assertIn("district (Point, 3)", preview)
        self.assertIn("roads (Point, 3)", preview)
        before = self.layers(self.db)
        p = run("import", self.db, gpkg)
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("--source-layer (district, roads)", p.stderr)
        self.assertEqual(self.layers(self.db), before)
        run("import", self.db, gpkg, "--source-layer", "roads", check=0)
        self.assertEqual(self.layers(self.db)["district_roads"]["count"], 3)

    def test_sensitive_export_is_refused_and_writes_nothing(self):
        # Importing into a sensitive layer needs a signed-in role that may (a duty officer, not cleared to export).
        env = dict(os.environ, SITMAP_NEW_PASSWORD="admin password", SITMAP_PASSWORD="admin password")
        for args in (["root", "--role", "admin"], ["d", "--role", "duty", "--user", "root"]):
            subprocess.run([SITMAP, "user", "add", self.db, *args], env=env, check=True, capture_output=True)
        p = subprocess.run([SITMAP, "import", self.db, self.path("posts.csv"), "--layer", "informants", "--kind",
                            "sensitive", "--user", "d"], env=env, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        for out in ("informants.gpkg", "informants.shp", "informants.csv"):
            p = run("export", self.db, "informants", self.path(out))
            self.assertEqual(p.returncode, 9, p.stderr)
            self.assertIn("informants", p.stderr)
            self.assertNotIn("一号岗", p.stderr)
        left = [f for f in os.listdir(self.dir) if f.startswith("informants") or f.startswith(".sitmap-export")]
        self.assertEqual(left, [])

    def test_bad_input_leaves_the_database_as_it_was(self):
        with open(self.path("broken.csv"), "w", encoding="utf-8") as fh:
            fh.write("经度,纬度\n121.47,31.22\n121.48,北\n")
        before = self.layers(self.db)
        p = run("import", self.db, self.path("broken.csv"))
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("broken.csv", p.stderr)
        self.assertIn("row 2", p.stderr)
        self.assertEqual(self.layers(self.db), before)


if __name__ == "__main__":
    unittest.main()
