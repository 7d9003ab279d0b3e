"""End-to-end tests of the briefing's indicators (`sitmap kpi`): every figure against a count computed here in SQL
on the same database file, the half-open period, and refusals of bad periods."""
import collections
import csv
import json
import os
import shutil
import struct
import subprocess
import tempfile
import unittest

from sitmap_cli import SITMAP, DemoDistrictTest, run

# The demo's last day is 2026-11-28: last-90-days is [2026-08-31, 2026-11-29).
CURRENT = ("2026-08-31", "2026-11-29")
PREVIOUS = ("2026-06-02", "2026-08-31")
LAST_YEAR = ("2025-08-31", "2025-11-29")
CATEGORY_IDS = {"入民宅盗窃": "burglary", "三车盗窃": "vehicle_theft", "电信诈骗": "telecom_fraud",
                "矛盾纠纷": "disputes", "火情": "fire", "群租投诉": "rental_complaints", "其他": "other_incidents"}
SPECIAL_IDS = {"刑释解教人员": "released", "精神病人员": "mental_illness", "吸毒人员": "drug_users", "邪教人员": "cult"}


def kpi_json(db, *args):
    return {k["id"]: k for k in json.loads(run("kpi", db, "--json", *args, check=0).stdout)}


class KpiTest(DemoDistrictTest):
    SEED = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kpis = kpi_json(cls.db, "--period", "last-90-days")

    def one(self, sql, *params):
        return self.con.execute(sql, params).fetchone()[0]

    def assert_figures(self, kpi_id, count):
        """count(period) computes the figure in SQL for one period."""
        k = self.kpis[kpi_id]
        self.assertEqual((k["value"], k["previous"], k["last_year"]),
                         (count(CURRENT), count(PREVIOUS), count(LAST_YEAR)), kpi_id)

    def test_every_incident_category_agrees_with_sql(self):
        categories = [r[0] for r in self.con.execute("SELECT DISTINCT category FROM incidents")]
        self.assertEqual(set(categories), set(CATEGORY_IDS))
        for category in categories:
            self.assert_figures(CATEGORY_IDS[category], lambda p, c=category: self.one(
                "SELECT count(*) FROM incidents WHERE category = ? AND occurred_at >= ? AND occurred_at < ?", c, *p))
        self.assert_figures("incidents", lambda p: self.one(
            "SELECT count(*) FROM incidents WHERE occurred_at >= ? AND occurred_at < ?", *p))
        for kpi_id in ("burglary", "vehicle_theft", "telecom_fraud", "disputes"):
            self.assertEqual(self.kpis[kpi_id]["unit"], "起")
        self.assertEqual(self.kpis["burglary"]["title"], "入民宅盗窃")
        self.assertEqual(self.kpis["burglary"]["good_direction"], -1)

    def test_zero_incident_compounds_are_the_compounds_without_an_incident_inside(self):
        def clear(p):  # SpatiaLite's own geometry test, through its shell (Python's sqlite3 cannot load it here)
            sql = ("SELECT name FROM compounds c WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.occurred_at >= "
                   f"'{p[0]}' AND i.occurred_at < '{p[1]}' AND ST_Intersects(i.geometry, c.geometry)) ORDER BY c.rowid")
            out = subprocess.run(["spatialite", self.db, sql], capture_output=True, text=True, check=True).stdout
            return out.split()
        self.assert_figures("zero_incident_compounds", lambda p: len(clear(p)))
        self.assertEqual(self.kpis["zero_incident_compounds"]["items"], clear(CURRENT))
        self.assertTrue(4 <= len(clear(CURRENT)) <= 7, clear(CURRENT))

    def test_rectification_counts_agree_with_sql(self):
        for layer, prefix in (("group_rentals", "rentals"), ("fire_hazards", "hazards")):
            self.assert_figures(prefix + "_found", lambda p, t=layer: self.one(
                f"SELECT count(*) FROM {t} WHERE found_on >= ? AND found_on < ?", *p))
            self.assert_figures(prefix + "_fixed", lambda p, t=layer: self.one(
                f"SELECT count(*) FROM {t} WHERE fixed_on >= ? AND fixed_on < ?", *p))
            self.assert_figures(prefix + "_open", lambda p, t=layer: self.one(
                f"SELECT count(*) FROM {t} WHERE found_on < ? AND (fixed_on IS NULL OR fixed_on >= ?)", p[1], p[1]))
            # At the end of the data, open is what the status says.
            self.assertEqual(self.kpis[prefix + "_open"]["value"],
                             self.one(f"SELECT count(*) FROM {layer} WHERE status != '已整改'"))

    def test_cameras_and_special_persons_are_counts_without_history(self):
        rate = self.one("SELECT 100.0 * sum(online = 1) / count(online) FROM cameras")
        k = self.kpis["cameras_online_rate"]
        self.assertAlmostEqual(k["value"], rate, places=9)
        self.assertEqual((k["unit"], k["previous"], k["last_year"]), ("%", None, None))
        per_category = dict(self.con.execute("SELECT category, count(*) FROM special_persons GROUP BY category"))
        self.assertEqual({SPECIAL_IDS[c]: n for c, n in per_category.items()},
                         {i[len("special_"):]: k["value"] for i, k in self.kpis.items() if i.startswith("special_")})

    def test_from_is_included_and_to_excluded(self):
        day = kpi_json(self.db, "--from", "2026-11-28", "--to", "2026-11-29")
        self.assertEqual(day["incidents"]["value"], self.one(
            "SELECT count(*) FROM incidents WHERE occurred_at >= '2026-11-28' AND occurred_at < '2026-11-29'"))
        self.assertEqual(day["incidents"]["previous"], self.one(
            "SELECT count(*) FROM incidents WHERE occurred_at >= '2026-11-27' AND occurred_at < '2026-11-28'"))
        self.assertEqual(kpi_json(self.db, "--period", "2026-08-31..2026-11-29"), self.kpis)

    def test_bad_periods_are_refused_naming_the_option(self):
        p = run("kpi", self.db, "--from", "2026-01-01")
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("--from/--to", p.stderr)
        p = run("kpi", self.db, "--period", "last-century")
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("--period", p.stderr)
        p = run("kpi", self.db, "--from", "2026-13-45", "--to", "2026-11-29")
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("--from", p.stderr)
        p = run("kpi", os.path.join(self.dir, "missing.sqlite"))
        self.assertEqual(p.returncode, 3, p.stderr)


@unittest.skipUnless(shutil.which("xvfb-run") or os.environ.get("DISPLAY"), "sitmap brief needs a display or xvfb-run")
class BriefTest(unittest.TestCase):
    """`sitmap brief` on a demo district with users: every scene to a numbered PNG, the same images whoever is signed
    in (the wall screen never shows more to a cleared user), a broken scenes file refused naming file and key."""
    PASSWORD = "huaihai briefing"

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="sitmap_brief_")
        cls.db = os.path.join(cls.dir, "huaihai.sqlite")
        cls.brief("demo", "--out", cls.db, "--incidents", "20000", env={"SITMAP_ADMIN_PASSWORD": cls.PASSWORD}, check=0)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def brief(cls, *args, env=None, check=None):
        full = dict(os.environ, **(env or {}))
        display = [] if os.environ.get("DISPLAY") else ["xvfb-run", "-a", "-s", "-screen 0 1280x720x24"]
        p = subprocess.run([*display, SITMAP, *map(str, args)], capture_output=True, text=True, timeout=300, env=full)
        if check is not None and p.returncode != check:
            raise AssertionError(f"sitmap {' '.join(map(str, args))} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
        return p

    def render(self, out, *extra, env=None):
        self.brief("brief", self.db, "--out", out, "--size", "640x360", "--clock", "2026-11-28 16:40", *extra, env=env,
                   check=0)
        return {f: open(os.path.join(out, f), "rb").read() for f in sorted(os.listdir(out))}

    def test_every_scene_is_a_numbered_png_and_a_cleared_user_sees_the_same(self):
        anonymous = self.render(os.path.join(self.dir, "anonymous"))
        self.assertEqual(list(anonymous), ["01-overview.png", "02-trends.png", "03-rectification.png", "04-hotspots.png",
                                           "05-special_persons.png"])
        for png in anonymous.values():
            self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
            self.assertEqual(struct.unpack(">II", png[16:24]), (640, 360))
        # The duty officer may see the special persons' points and names elsewhere; the briefing shows not a pixel more.
        duty = self.render(os.path.join(self.dir, "duty"), "--user", "duty", env={"SITMAP_PASSWORD": self.PASSWORD})
        self.assertEqual(duty, anonymous)

    def test_the_indicators_count_the_special_persons_and_reveal_none_of_them(self):
        # The persons as the duty officer may read them (sealed at rest: SQL on the file cannot).
        out = os.path.join(self.dir, "persons.csv")
        self.brief("export", self.db, "special_persons", out, "--user", "duty", env={"SITMAP_PASSWORD": self.PASSWORD},
                   check=0)
        with open(out, encoding="utf-8-sig") as f:
            persons = list(csv.DictReader(f))
        self.assertGreater(len(persons), 20)
        per_category = collections.Counter(p["category"] for p in persons)
        listed = self.brief("kpi", self.db, "--json", check=0).stdout
        kpis = {k["id"]: k for k in json.loads(listed)}
        self.assertEqual({SPECIAL_IDS[c]: n for c, n in per_category.items()},
                         {i[len("special_"):]: k["value"] for i, k in kpis.items() if i.startswith("special_")})
        text = listed + self.brief("kpi", self.db, check=0).stdout
        for p in persons:
            for value in (p["name"], p["address"], p["id_number"], f"{float(p['lon']):.5f}"):
                self.assertNotIn(value, text)

    def test_a_broken_scenes_file_is_refused_naming_file_and_key(self):
        scenes = os.path.join(self.dir, "bad.toml")
        with open(scenes, "w") as f:
            f.write('title = "汇报"\n[[scene]]\nid = "a"\ntitle = "甲"\ncharts = ["pie"]\n')
        out = os.path.join(self.dir, "bad")
        p = self.brief("brief", self.db, "--scenes", scenes, "--out", out, "--size", "640x360")
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("bad.toml: key 'scene[1].charts'", p.stderr)
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main()
