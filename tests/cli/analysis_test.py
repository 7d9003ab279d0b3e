"""End-to-end tests of the analysis commands (heatmap, hotspots, timebins, clusters, knox, compare) on a demo
district, checked against GDAL's reading of the output and direct SQL counts of the database."""
import json
import math
import os
import struct
import subprocess
import unittest

from sitmap_cli import DemoDistrictTest, run

HOTSPOT_CLASSES = {"hot_99", "hot_95", "hot_90", "not_significant", "cold_90", "cold_95", "cold_99", "no_data"}
EARTH_RADIUS = 6378137.0  # the sphere of Web Mercator


def run_json(*args):
    return json.loads(run(*args, "--json", check=0).stdout)


def dbscan_reference(points, eps, min_points):
    """Number of DBSCAN clusters (linked core points) and of noise points (neither core nor near a core point)."""
    buckets = {}
    for i, (x, y) in enumerate(points):
        buckets.setdefault((x // eps, y // eps), []).append(i)

    def near(i):
        x, y = points[i]
        bx, by = x // eps, y // eps
        return [j for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in buckets.get((bx + dx, by + dy), ())
                if (points[j][0] - x) ** 2 + (points[j][1] - y) ** 2 <= eps * eps]

    neighbours = [near(i) for i in range(len(points))]
    core = [len(n) >= min_points for n in neighbours]
    seen, clusters = set(), 0
    for i in range(len(points)):
        if core[i] and i not in seen:
            clusters += 1
            seen.add(i)
            stack = [i]
            while stack:
                for k in neighbours[stack.pop()]:
                    if core[k] and k not in seen:
                        seen.add(k)
                        stack.append(k)
    noise = sum(1 for i in range(len(points)) if not core[i] and not any(core[k] for k in neighbours[i]))
    return clusters, noise


class AnalysisCommands(DemoDistrictTest):
    SEED = 3

    def sql_count(self, where="1", *params):
        return self.con.execute(f"SELECT count(*) FROM incidents WHERE {where}", params).fetchone()[0]

    def ground_points(self, where, *params):
        """The incidents' points in ground metres, as the analysis measures them: Web Mercator times the scale at
        the middle of the points' northings. A SpatiaLite point blob holds its MBR from byte 6: minx, miny = x, y."""
        lonlat = [struct.unpack_from("<dd", g, 6)
                  for (g,) in self.con.execute(f"SELECT geometry FROM incidents WHERE {where} ORDER BY id", params)]
        merc = [(math.radians(lon) * EARTH_RADIUS,
                 EARTH_RADIUS * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))) for lon, lat in lonlat]
        mid = (min(y for _, y in merc) + max(y for _, y in merc)) / 2
        scale = math.cos(2 * math.atan(math.exp(mid / EARTH_RADIUS)) - math.pi / 2)
        return [(x * scale, y * scale) for x, y in merc]

    def assert_one_line_error(self, *args, mention=None):
        p = run(*args)
        self.assertNotEqual(p.returncode, 0, p.stdout)
        lines = p.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        if mention:
            self.assertIn(mention, lines[0])

    # --- heatmap -------------------------------------------------------------------------------------------

    def test_heatmap_geotiff_is_georeferenced_in_3857_and_integrates_to_the_incident_count(self):
        tif = os.path.join(self.dir, "heat.tif")
        run("heatmap", self.db, "--radius", 150, "--cell", 25, "--out", tif, "--force",
            "--from", "2026-01-01", "--to", "2026-07-01", check=0)
        selected = self.sql_count("occurred_at >= ? AND occurred_at < ?", "2026-01-01", "2026-07-01")
        self.assertGreater(selected, 1000)
        info = json.loads(subprocess.run(["gdalinfo", "-json", "-stats", tif], capture_output=True, text=True,
                                         check=True).stdout)
        self.assertIn('ID["EPSG",3857]', info["coordinateSystem"]["wkt"])
        x0, dx, rx, y0, ry, dy = info["geoTransform"]
        self.assertEqual((rx, ry), (0, 0))
        self.assertGreater(dx, 0)
        self.assertAlmostEqual(dy, -dx)
        width, height = info["size"]
        lon0 = math.degrees(x0 / EARTH_RADIUS)
        lon1 = math.degrees((x0 + dx * width) / EARTH_RADIUS)
        lat = lambda y: math.degrees(2 * math.atan(math.exp(y / EARTH_RADIUS)) - math.pi / 2)
        lat1, lat0 = lat(y0), lat(y0 + dy * height)
        # 25 ground metres are 25 / cos(latitude) Mercator metres.
        scale = math.cos(math.radians((lat0 + lat1) / 2))
        self.assertAlmostEqual(dx * scale, 25, delta=0.05)
        # The grid covers the incidents' extent grown by the kernel radius (150 m) and at most two more cells.
        layers = {l["name"]: l for l in run_json("layers", self.db)}
        e0, f0, e1, f1 = layers["incidents"]["extent"]
        margin_lon = lambda metres: math.degrees(metres / scale / EARTH_RADIUS)
        for inner, outer, grow in ((lon0, e0, -1), (lon1, e1, 1)):
            self.assertLess(grow * (outer + grow * margin_lon(150) - inner), 0, (inner, outer))
            self.assertLess(grow * (inner - outer - grow * margin_lon(150 + 75)), 0, (inner, outer))
        deg_lat = lambda metres: math.degrees(metres / EARTH_RADIUS)  # close enough at this scale: bounds only
        self.assertTrue(lat0 < f0 - deg_lat(140) and lat1 > f1 + deg_lat(140), (lat0, lat1, f0, f1))
        self.assertTrue(lat0 > f0 - deg_lat(260) and lat1 < f1 + deg_lat(260), (lat0, lat1, f0, f1))
        band = info["bands"][0]
        self.assertEqual(band["unit"], "incidents/km2")
        self.assertEqual(info["metadata"][""]["SITMAP_POINTS"], str(selected))
        stats = band["metadata"][""]
        total = float(stats["STATISTICS_MEAN"]) * width * height
        cell_km2 = (dx * scale / 1000) ** 2
        self.assertAlmostEqual(total * cell_km2 / selected, 1, delta=0.005)
        self.assertGreaterEqual(float(stats["STATISTICS_MINIMUM"]), 0)

    def test_heatmap_refuses_bad_radius_and_existing_file(self):
        tif = os.path.join(self.dir, "refused.tif")
        self.assert_one_line_error("heatmap", self.db, "--radius", -5, "--cell", 25, "--out", tif, mention="--radius")
        self.assertFalse(os.path.exists(tif))
        open(tif, "w").close()
        self.assert_one_line_error("heatmap", self.db, "--radius", 100, "--cell", 25, "--out", tif)
        self.assertEqual(os.path.getsize(tif), 0)

    # --- hotspots ------------------------------------------------------------------------------------------

    def test_hotspots_json_has_one_object_per_block_and_counts_add_up(self):
        units = run_json("hotspots", self.db, "--from", "2026-03-01", "--to", "2026-09-01")
        self.assertEqual(len(units), 114)
        blocks = {r[0] for r in self.con.execute("SELECT block_no FROM blocks")}
        self.assertEqual({u["id"] for u in units}, blocks)
        for u in units:
            self.assertEqual(set(u), {"id", "count", "rate", "z", "p", "class"})
            self.assertIn(u["class"], HOTSPOT_CLASSES)
            self.assertTrue(0 <= u["p"] <= 1)
            # The class follows from z and p: hot only when z is positive, 99 % only when p < 0.01.
            if u["class"].startswith("hot"):
                self.assertGreater(u["z"], 0)
            if u["class"].startswith("cold"):
                self.assertLess(u["z"], 0)
            if u["class"].endswith("99"):
                self.assertLess(u["p"], 0.01)
        selected = self.sql_count("occurred_at >= ? AND occurred_at < ?", "2026-03-01", "2026-09-01")
        # Every demo incident lies in a block.
        self.assertEqual(sum(u["count"] for u in units), selected)
        # The demo's own block number of each incident agrees with the point-in-polygon count.
        by_block = dict(self.con.execute("SELECT block_no, count(*) FROM incidents WHERE occurred_at >= ? AND "
                                         "occurred_at < ? GROUP BY block_no", ("2026-03-01", "2026-09-01")))
        self.assertEqual({u["id"]: u["count"] for u in units if u["count"]}, by_block)
        self.assertTrue(any(u["class"].startswith("hot") for u in units))

    def test_hotspots_category_filter_matches_sql(self):
        units = run_json("hotspots", self.db, "--category", "入民宅盗窃", "--category", "三车盗窃")
        self.assertEqual(sum(u["count"] for u in units),
                         self.sql_count("category IN (?, ?)", "入民宅盗窃", "三车盗窃"))

    # --- time filter ---------------------------------------------------------------------------------------

    def test_time_range_is_half_open_at_exact_incident_times(self):
        times = [r[0] for r in self.con.execute(
            "SELECT DISTINCT occurred_at FROM incidents ORDER BY occurred_at LIMIT 2 OFFSET 20000")]
        start, end = times
        # Incidents exactly at `start` are in, those exactly at `end` out.
        at_start = self.sql_count("occurred_at = ?", start)
        at_end = self.sql_count("occurred_at = ?", end)
        self.assertGreater(at_start, 0)
        self.assertGreater(at_end, 0)
        got = run_json("timebins", self.db, "--from", start, "--to", end)["total"]
        self.assertEqual(got, at_start)
        later = self.con.execute("SELECT min(occurred_at) FROM incidents WHERE occurred_at > ?", (end,)).fetchone()[0]
        got = run_json("timebins", self.db, "--from", start, "--to", later)["total"]
        self.assertEqual(got, at_start + at_end)

    def test_month_ranges_match_sql_and_partition_the_year(self):
        total = 0
        for m in range(1, 12):
            a, b = f"2026-{m:02d}-01", f"2026-{m + 1:02d}-01"
            n = run_json("timebins", self.db, "--from", a, "--to", b)["total"]
            self.assertEqual(n, self.sql_count("occurred_at >= ? AND occurred_at < ?", a, b), a)
            total += n
        self.assertEqual(total, self.sql_count("occurred_at >= '2026-01-01' AND occurred_at < '2026-12-01'"))

    def test_period_preset_ends_with_the_day_of_now(self):
        got = run_json("timebins", self.db, "--period", "last-7-days", "--now", "2026-06-10T12:00")["total"]
        self.assertEqual(got, self.sql_count("occurred_at >= '2026-06-04' AND occurred_at < '2026-06-11'"))

    # --- timebins ------------------------------------------------------------------------------------------

    def test_timebins_totals_equal_the_selection(self):
        t = run_json("timebins", self.db, "--category", "入民宅盗窃")
        expected = self.sql_count("category = ?", "入民宅盗窃")
        self.assertEqual(t["total"], expected)
        self.assertEqual(t["untimed"], 0)
        self.assertEqual(len(t["hour_weekday"]), 7)
        self.assertTrue(all(len(day) == 24 for day in t["hour_weekday"]))
        self.assertEqual(sum(map(sum, t["hour_weekday"])), expected)
        self.assertEqual(sum(m["count"] for m in t["months"]), expected)
        # Months run without a gap from the first incident's month to the last one's.
        first, last = self.con.execute("SELECT substr(min(occurred_at), 1, 7), substr(max(occurred_at), 1, 7) "
                                       "FROM incidents WHERE category = ?", ("入民宅盗窃",)).fetchone()
        months = [m["month"] for m in t["months"]]
        self.assertEqual((months[0], months[-1]), (first, last))
        for a, b in zip(months, months[1:]):
            y, m = map(int, a.split("-"))
            self.assertEqual(b, f"{y + m // 12:04d}-{m % 12 + 1:02d}")
        # Per month and per (weekday, hour) cell, as SQLite counts them.
        by_month = dict(self.con.execute("SELECT substr(occurred_at, 1, 7), count(*) FROM incidents "
                                         "WHERE category = ? GROUP BY 1", ("入民宅盗窃",)))
        self.assertEqual({m["month"]: m["count"] for m in t["months"] if m["count"]}, by_month)
        cells = self.con.execute("SELECT (CAST(strftime('%w', occurred_at) AS INTEGER) + 6) % 7, "
                                 "CAST(strftime('%H', occurred_at) AS INTEGER), count(*) FROM incidents "
                                 "WHERE category = ? GROUP BY 1, 2", ("入民宅盗窃",)).fetchall()
        for day, hour, n in cells:
            self.assertEqual(t["hour_weekday"][day][hour], n, (day, hour))

    def test_timebins_table_is_human_readable(self):
        out = run("timebins", self.db, "--from", "2026-01-01", "--to", "2026-02-01", check=0).stdout
        for day in ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]:
            self.assertIn(day, out)
        self.assertIn("2026-01", out)

    # --- clusters ------------------------------------------------------------------------------------------

    def test_clusters_are_deterministic_and_consistent(self):
        args = ("clusters", self.db, "--eps", 60, "--min-points", 25, "--category", "入民宅盗窃")
        c = run_json(*args)
        self.assertEqual(c, run_json(*args))
        self.assertEqual(c["points"], self.sql_count("category = ?", "入民宅盗窃"))
        self.assertGreater(len(c["clusters"]), 0)
        counts = [k["count"] for k in c["clusters"]]
        self.assertEqual(counts, sorted(counts, reverse=True))
        self.assertEqual(sum(counts) + c["noise"], c["points"])
        # An independent DBSCAN over the same points (grid buckets of eps) finds as many clusters and as much noise.
        clusters, noise = dbscan_reference(self.ground_points("category = ?", "入民宅盗窃"), 60, 25)
        self.assertEqual((len(c["clusters"]), c["noise"]), (clusters, noise))
        for k in c["clusters"]:
            self.assertTrue(121.44 < k["lon"] < 121.50 and 31.19 < k["lat"] < 31.24)
            ring = k["hull"]
            self.assertEqual(ring[0], ring[-1])
            lons, lats = [p[0] for p in ring], [p[1] for p in ring]
            self.assertTrue(min(lons) <= k["lon"] <= max(lons) and min(lats) <= k["lat"] <= max(lats))
        # A larger eps can only merge clusters and absorb noise.
        wider = run_json("clusters", self.db, "--eps", 120, "--min-points", 25, "--category", "入民宅盗窃")
        self.assertLessEqual(wider["noise"], c["noise"])

    def test_clusters_reject_bad_parameters(self):
        self.assert_one_line_error("clusters", self.db, "--eps", -1, "--min-points", 5, mention="--eps")
        self.assert_one_line_error("clusters", self.db, "--eps", 50, "--min-points", 0, mention="--min-points")

    # --- knox ----------------------------------------------------------------------------------------------

    def test_knox_is_seeded_and_sane(self):
        args = ("knox", self.db, "--space", 200, "--time", 14, "--permutations", 99, "--category", "入民宅盗窃")
        a = run_json(*args, "--seed", 5)
        self.assertEqual(a, run_json(*args, "--seed", 5))
        b = run_json(*args, "--seed", 6)
        self.assertEqual(a["observed"], b["observed"])  # the observed pairs do not depend on the shuffle
        self.assertNotEqual(a["expected"], b["expected"])
        self.assertEqual(a["incidents"], self.sql_count("category = ?", "入民宅盗窃"))
        n = a["incidents"]
        self.assertTrue(0 < a["observed"] < n * (n - 1) / 2)
        self.assertGreater(a["expected"], 0)
        self.assertAlmostEqual(a["ratio"], a["observed"] / a["expected"], places=9)
        # p is (1 + k) / (1 + permutations) for a whole k.
        k = a["p"] * 100 - 1
        self.assertAlmostEqual(k, round(k), places=6)
        self.assertTrue(0.01 <= a["p"] <= 1)
        # Wider windows hold at least as many pairs.
        wider = run_json("knox", self.db, "--space", 400, "--time", 28, "--permutations", 9,
                         "--category", "入民宅盗窃")
        self.assertGreaterEqual(wider["observed"], a["observed"])

    def test_knox_rejects_bad_windows(self):
        self.assert_one_line_error("knox", self.db, "--space", 0, "--time", 7, mention="--space")
        self.assert_one_line_error("knox", self.db, "--space", 100, "--time", -1, mention="--time")

    # --- compare -------------------------------------------------------------------------------------------

    def test_compare_per_block_change_matches_two_selections(self):
        rows = run_json("compare", self.db, "--from", "2026-07-01", "--to", "2026-10-01",
                        "--vs-from", "2026-04-01", "--vs-to", "2026-07-01")["blocks"]
        self.assertEqual(len(rows), 114)
        counts = lambda a, b: {u["id"]: u["count"] for u in run_json("hotspots", self.db, "--from", a, "--to", b)}
        after = counts("2026-07-01", "2026-10-01")
        before = counts("2026-04-01", "2026-07-01")
        for r in rows:
            self.assertEqual(r["after"], after[r["id"]])
            self.assertEqual(r["before"], before[r["id"]])
            self.assertEqual(r["change"], r["after"] - r["before"])
            if r["before"]:
                self.assertAlmostEqual(r["percent"], 100 * r["change"] / r["before"], places=9)
            else:
                self.assertIsNone(r["percent"])

    # --- bad input -----------------------------------------------------------------------------------------

    def test_bad_selection_gives_one_line_and_nonzero_exit(self):
        for cmd in (("timebins",), ("hotspots",), ("clusters", "--eps", 50, "--min-points", 5),
                    ("knox", "--space", 100, "--time", 7)):
            name, *rest = cmd
            self.assert_one_line_error(name, self.db, *rest, "--layer", "nosuchlayer", mention="nosuchlayer")
            self.assert_one_line_error(name, self.db, *rest, "--category", "飞碟", mention="飞碟")
            self.assert_one_line_error(name, self.db, *rest, "--from", "2026-05-01", "--to", "2026-04-01",
                                       mention="--from")
            self.assert_one_line_error(name, self.db, *rest, "--from", "yesterday", mention="--from")
        self.assert_one_line_error("timebins", os.path.join(self.dir, "missing.sqlite"))


if __name__ == "__main__":
    unittest.main()
