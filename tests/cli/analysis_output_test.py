"""End-to-end tests of what the analysis commands write (--out of hotspots and clusters) and of the --severity
selection, on a demo district: outputs are read back with Python's csv module and GDAL's own tools and checked
against the commands' JSON and direct SQL on the database."""
import csv
import json
import math
import os
import shutil
import sqlite3
import struct
import subprocess
import unittest

from sitmap_cli import DemoDistrictTest, run


def run_json(*args):
    return json.loads(run(*args, "--json", check=0).stdout)


def ogr_features(path):
    """Every feature of the file's first layer as GDAL reads it: (properties, geometry) from GeoJSON."""
    out = subprocess.run(["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", path], capture_output=True, text=True, check=True,
                         env={**os.environ, "OGR_XLSX_HEADERS": "FORCE"}).stdout
    return [(f["properties"], f["geometry"]) for f in json.loads(out)["features"]]


def rings_of(geometry):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def number(text):
    return None if text == "" else float(text)


class AnalysisOutputs(DemoDistrictTest):
    SEED = 5

    def out(self, name):
        path = os.path.join(self.dir, name)
        if os.path.exists(path):
            os.remove(path)
        return path

    def sql_count(self, where="1", *params):
        return self.con.execute(f"SELECT count(*) FROM incidents WHERE {where}", params).fetchone()[0]

    def assert_one_line_error(self, *args, mention=None):
        p = run(*args)
        self.assertNotEqual(p.returncode, 0, p.stdout)
        lines = p.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        if mention:
            self.assertIn(mention, lines[0])

    def assert_rows_match_json(self, rows, units):
        """rows: dicts id, count, rate, z, p, class as read back (numbers or None); units: the --json output."""
        self.assertEqual(len(rows), len(units))
        for row, unit in zip(rows, units):
            self.assertEqual(int(row["id"]), unit["id"])
            self.assertEqual(int(row["count"]), unit["count"])
            self.assertEqual(row["class"], unit["class"])
            for key in ("rate", "z", "p"):
                if unit[key] is None:
                    self.assertIsNone(row[key], (unit["id"], key))
                else:
                    self.assertAlmostEqual(row[key], unit[key], delta=1e-12 * max(1, abs(unit[key])))

    # --- hotspots --out ------------------------------------------------------------------------------------

    def test_hotspots_csv_is_excel_utf8_and_equals_the_json(self):
        path = self.out("热点.csv")
        args = ("hotspots", self.db, "--value", "rate", "--from", "2026-02-01", "--to", "2026-08-01", "--fdr")
        units = run_json(*args)
        p = run(*args, "--out", path, check=0)
        self.assertIn(path, p.stdout)
        with open(path, "rb") as f:
            self.assertEqual(f.read(3), b"\xef\xbb\xbf")  # Excel takes the file as UTF-8 only with it
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            self.assertEqual(reader.fieldnames, ["id", "count", "rate", "z", "p", "gi_bin", "class", "class_zh"])
            rows = [{**r, "rate": number(r["rate"]), "z": number(r["z"]), "p": number(r["p"])} for r in reader]
        self.assert_rows_match_json(rows, units)
        self.assertEqual(sum(int(r["count"]) for r in rows),
                         self.sql_count("occurred_at >= ? AND occurred_at < ?", "2026-02-01", "2026-08-01"))

    def test_hotspots_xlsx_reads_back_through_gdal(self):
        path = self.out("hotspots.xlsx")
        units = run_json("hotspots", self.db, "--weights", "distance:400")
        run("hotspots", self.db, "--weights", "distance:400", "--out", path, check=0)
        rows = [props for props, _ in ogr_features(path)]
        self.assert_rows_match_json(rows, units)

    def test_hotspots_geopackage_has_each_block_polygon_with_its_statistics(self):
        path = self.out("hotspots.gpkg")
        units = run_json("hotspots", self.db, "--category", "入民宅盗窃", "--out", path)
        features = ogr_features(path)
        self.assert_rows_match_json([props for props, _ in features], units)
        # Each polygon is its block's: the same bounding box as the block in the database. A SpatiaLite blob holds
        # its MBR from byte 6: minx, miny, maxx, maxy.
        mbr = {no: struct.unpack_from("<4d", g, 6) for no, g in self.con.execute("SELECT block_no, geometry FROM blocks")}
        for props, geometry in features:
            xs = [x for ring in rings_of(geometry) for x, _ in ring]
            ys = [y for ring in rings_of(geometry) for _, y in ring]
            for got, want in zip((min(xs), min(ys), max(xs), max(ys)), mbr[props["id"]]):
                self.assertAlmostEqual(got, want, places=9)
        info = subprocess.run(["ogrinfo", "-so", path, "hotspots"], capture_output=True, text=True, check=True).stdout
        self.assertIn("EPSG", info)
        self.assertIn("4326", info)

    def test_hotspots_grid_geojson_cells_hold_the_counted_incidents(self):
        path = self.out("grid.geojson")
        units = run_json("hotspots", self.db, "--by", "grid:300", "--out", path)
        features = ogr_features(path)
        self.assertEqual(len(features), len(units))
        points = [struct.unpack_from("<dd", g, 6) for (g,) in self.con.execute("SELECT geometry FROM incidents")]
        total = 0
        for (props, geometry), unit in zip(features, units):
            self.assertEqual(props["id"], unit["id"])
            ring = rings_of(geometry)[0]
            west, east = min(x for x, _ in ring), max(x for x, _ in ring)
            south, north = min(y for _, y in ring), max(y for _, y in ring)
            # Cells are half-open: the west and north edges belong to the cell.
            inside = sum(1 for x, y in points if west <= x < east and south < y <= north)
            self.assertEqual(inside, props["count"], props["id"])
            total += inside
        self.assertEqual(total, self.sql_count())

    def test_hotspots_out_refuses_existing_files_and_unknown_extensions(self):
        path = self.out("kept.csv")
        with open(path, "w") as f:
            f.write("old")
        self.assert_one_line_error("hotspots", self.db, "--out", path, mention="exists")
        with open(path) as f:
            self.assertEqual(f.read(), "old")
        run("hotspots", self.db, "--out", path, "--force", check=0)
        with open(path, encoding="utf-8-sig") as f:
            self.assertEqual(f.readline().strip(), "id,count,rate,z,p,gi_bin,class,class_zh")
        self.assert_one_line_error("hotspots", self.db, "--out", self.out("h.txt"), mention=".csv")
        self.assert_one_line_error("hotspots", self.db, "--out", os.path.join(self.dir, "nofolder", "h.csv"),
                                   mention="nofolder")
        self.assertFalse(os.path.exists(os.path.join(self.dir, "h.txt")))
        self.assertEqual([n for n in os.listdir(self.dir) if n.startswith(".sitmap")], [])

    # --- clusters --out ------------------------------------------------------------------------------------

    def test_clusters_hulls_are_the_json_hulls(self):
        args = ("clusters", self.db, "--eps", 60, "--min-points", 20, "--category", "入民宅盗窃")
        c = run_json(*args)
        self.assertGreater(len(c["clusters"]), 1)
        for name in ("clusters.gpkg", "clusters.geojson", "clusters.shp"):
            path = self.out(name)
            run(*args, "--out", path, check=0)
            features = ogr_features(path)
            self.assertEqual(len(features), len(c["clusters"]), name)
            for (props, geometry), k in zip(features, c["clusters"]):
                self.assertEqual((props["cluster"], props["count"]), (k["id"], k["count"]), name)
                self.assertAlmostEqual(props["lon"], k["lon"], places=9)
                self.assertAlmostEqual(props["lat"], k["lat"], places=9)
                # The same corners; a shapefile turns outer rings clockwise, so the order may differ.
                corners = lambda ring: sorted((round(x, 9), round(y, 9)) for x, y in ring[:-1])
                self.assertEqual(corners(rings_of(geometry)[0]), corners(k["hull"]), name)
        self.assert_one_line_error(*args, "--out", self.out("c.csv"), mention=".gpkg")

    # --- --severity ----------------------------------------------------------------------------------------

    def test_severity_selects_what_sql_selects_in_every_command(self):
        cases = (("4", "severity >= 4"), ("2-3", "severity BETWEEN 2 AND 3"), ("5-5", "severity = 5"))
        for option, where in cases:
            want = self.sql_count(where)
            self.assertGreater(want, 0)
            units = run_json("hotspots", self.db, "--severity", option)
            self.assertEqual(sum(u["count"] for u in units), want, option)
            self.assertEqual(run_json("timebins", self.db, "--severity", option)["total"], want, option)
            self.assertEqual(run_json("clusters", self.db, "--severity", option, "--eps", 50,
                                      "--min-points", 10)["points"], want, option)
            if want < 10000:  # Knox's permutations over the larger selections take a minute
                self.assertEqual(run_json("knox", self.db, "--severity", option, "--space", 100, "--time", 7)
                                 ["incidents"], want, option)
        # With a category and a period, as SQL.
        want = self.sql_count("severity >= 3 AND category = ? AND occurred_at >= ? AND occurred_at < ?",
                              "入民宅盗窃", "2026-03-01", "2026-09-01")
        total = run_json("timebins", self.db, "--severity", "3", "--category", "入民宅盗窃",
                         "--from", "2026-03-01", "--to", "2026-09-01")["total"]
        self.assertEqual(total, want)
        # compare counts both periods with the same severity selection.
        blocks = run_json("compare", self.db, "--severity", "4", "--from", "2026-07-01", "--to", "2026-10-01",
                          "--vs-from", "2026-04-01", "--vs-to", "2026-07-01")["blocks"]
        self.assertEqual(sum(b["after"] for b in blocks),
                         self.sql_count("severity >= 4 AND occurred_at >= ? AND occurred_at < ?", "2026-07-01",
                                        "2026-10-01"))
        self.assertEqual(sum(b["before"] for b in blocks),
                         self.sql_count("severity >= 4 AND occurred_at >= ? AND occurred_at < ?", "2026-04-01",
                                        "2026-07-01"))
        # heatmap records the points it used.
        tif = self.out("severe.tif")
        run("heatmap", self.db, "--severity", "4", "--radius", 150, "--cell", 50, "--out", tif, check=0)
        info = json.loads(subprocess.run(["gdalinfo", "-json", tif], capture_output=True, text=True, check=True).stdout)
        self.assertEqual(info["metadata"][""]["SITMAP_POINTS"], str(self.sql_count("severity >= 4")))

    def test_incidents_without_category_or_severity_are_selected_as_in_the_window(self):
        # The window's filter keeps incidents without a category when categories are picked, and drops those
        # without a severity once a severity range is set; the command line selects the same.
        db = os.path.join(self.dir, "gaps.sqlite")
        shutil.copy(self.db, db)
        con = sqlite3.connect(db)
        con.execute("UPDATE incidents SET category = NULL WHERE id % 50 = 0")
        con.execute("UPDATE incidents SET severity = NULL WHERE id % 70 = 0")
        con.commit()
        count = lambda where: con.execute(f"SELECT count(*) FROM incidents WHERE {where}").fetchone()[0]
        total = lambda *args: run_json("timebins", db, *args)["total"]
        self.assertGreater(count("category IS NULL"), 0)
        self.assertEqual(total("--category", "入民宅盗窃"), count("category = '入民宅盗窃' OR category IS NULL"))
        self.assertEqual(total("--severity", "1"), count("severity >= 1"))
        self.assertEqual(total(), count("1"))
        con.close()

    def test_bad_severity_gives_one_line_and_nonzero_exit(self):
        for bad in ("x", "3-", "-2", "4-2", "2.5"):
            self.assert_one_line_error("hotspots", self.db, "--severity", bad, mention="--severity")
        self.assert_one_line_error("timebins", self.db, "--layer", "cameras", "--severity", "2", mention="severity")


if __name__ == "__main__":
    unittest.main()
