"""Grid-block planning end to end: `sitmap validate` and `sitmap plan`, checked against the file with SQL.
Geometry is planted with the `spatialite` shell (SpatiaLite's triggers need its functions), the rest is read
with plain sqlite3."""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

from sitmap_cli import SITMAP, run_signed_in, signed_in_env

PASSWORD = "huaihai plan 2026"
SPATIALITE = shutil.which("spatialite")


class PlanningTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="sitmap_plan_")
        cls.keys = os.path.join(cls.dir, "keys")
        cls.db = os.path.join(cls.dir, "huaihai.sqlite")
        cls.sitmap("demo", "--out", cls.db, "--incidents", "200", env={"SITMAP_ADMIN_PASSWORD": PASSWORD}, check=0)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def env(cls, password=None, extra=None):
        return signed_in_env(cls.keys, password, extra)

    @classmethod
    def sitmap(cls, *args, env=None, check=None, password=None):
        return run_signed_in(cls.keys, *args, password=password, env=env, check=check)

    def copy(self, name):
        path = os.path.join(self.dir, name)
        shutil.copy(self.db, path)
        return path

    def sql(self, db, statement):
        if not SPATIALITE:
            self.skipTest("the spatialite shell (spatialite-bin) is needed to change geometries by SQL")
        p = subprocess.run([SPATIALITE, db, statement], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)

    def merge_blocks_1_and_2(self, db, plan):
        """Blocks 1 and 2 of the plan merged by SQL, behind the editor's back: block 1 doubled, block 2 gone."""
        self.sql(db, f"UPDATE plan_blocks SET geometry = (SELECT CastToPolygon(ST_Union(geometry)) FROM plan_blocks "
                     f"WHERE plan = '{plan}' AND block_no IN (1, 2)) WHERE plan = '{plan}' AND block_no = 1; "
                     f"DELETE FROM plan_blocks WHERE plan = '{plan}' AND block_no = 2")

    def rows(self, db, query):
        con = sqlite3.connect(db)
        try:
            return con.execute(query).fetchall()
        finally:
            con.close()

    def validate(self, db, *args):
        p = self.sitmap("validate", db, "--json", *args)
        return p, json.loads(p.stdout)

    def test_demo_validates_clean(self):
        p, out = self.validate(self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(out["problems"], [])
        self.assertEqual(out["summary"]["blocks"], 114)
        self.assertEqual(out["summary"]["unassigned_addresses"], 0)
        total = self.rows(self.db, "SELECT sum(households) FROM addresses")[0][0]
        self.assertEqual(out["summary"]["households"], total)
        published = dict(self.rows(self.db, "SELECT block_no, households FROM blocks"))
        self.assertEqual({b["block_no"]: b["households"] for b in out["blocks"]}, published)

    def test_overlap_planted_by_sql_is_found_with_its_blocks_and_place(self):
        db = self.copy("overlap.sqlite")
        self.sql(db, "UPDATE blocks SET geometry = ST_Buffer(geometry, 0.0003) WHERE block_no = 40")
        p, out = self.validate(db)
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("problem", p.stderr)
        overlaps = [x for x in out["problems"] if x["type"] == "overlap"]
        self.assertGreater(len(overlaps), 1)
        for o in overlaps:
            self.assertIn(40, o["blocks"])
            self.assertEqual(len(o["blocks"]), 2)
            lon, lat = o["location"]
            minx, miny, maxx, maxy = o["extent"]
            self.assertTrue(minx <= lon <= maxx and miny <= lat <= maxy)
        # Grown past the boundary where block 40 lies on it: outside; nothing else is reported.
        self.assertTrue({x["type"] for x in out["problems"]} <= {"overlap", "outside"})
        text = self.sitmap("validate", db)
        self.assertEqual(text.returncode, 4)
        self.assertIn("overlap", text.stdout)

    def test_gap_planted_by_sql_is_found(self):
        db = self.copy("gap.sqlite")
        self.sql(db, "UPDATE blocks SET geometry = CastToPolygon(ST_Buffer(geometry, -0.0001)) WHERE block_no = 7")
        p, out = self.validate(db)
        self.assertEqual(p.returncode, 4)
        gaps = [x for x in out["problems"] if x["type"] == "gap"]
        self.assertEqual(len(gaps), 1, out["problems"])
        self.assertIn(7, gaps[0]["blocks"])
        self.assertGreater(gaps[0]["area_m2"], 100)

    def test_plan_new_diff_publish_and_history(self):
        db = self.copy("plan.sqlite")
        # An analyst cannot draw plans; a planner can.
        self.assertEqual(self.sitmap("plan", "new", db, "合并", "--user", "analyst", password=PASSWORD).returncode, 9)
        self.sitmap("plan", "new", db, "合并", "--user", "planner", password=PASSWORD, check=0)
        self.assertEqual(self.sitmap("plan", "new", db, "合并", "--user", "planner", password=PASSWORD).returncode, 4)
        # Blocks 1 and 2 merged in the draft, by SQL.
        self.merge_blocks_1_and_2(db, "合并")
        self.assertEqual(self.validate(db, "--plan", "合并")[0].returncode, 0)
        before = self.rows(db, "SELECT block_no, leader, hex(geometry) FROM blocks ORDER BY block_no")
        d = json.loads(self.sitmap("plan", "diff", db, "合并", "--json", check=0).stdout)
        changes = {c["block_no"]: c["change"] for c in d["blocks_changed"]}
        self.assertEqual(changes, {1: "reshaped", 2: "removed"})
        moved = self.rows(db, "SELECT count(*), sum(households) FROM addresses WHERE block_no = 2")[0]
        self.assertEqual(len(d["addresses_moved"]), moved[0])
        self.assertEqual(d["households_moved"], moved[1])
        self.assertTrue(all(m["from_block"] == 2 and m["to_block"] == 1 for m in d["addresses_moved"]))
        leaders = dict(self.rows(db, "SELECT block_no, leader FROM blocks WHERE block_no IN (1, 2)"))
        self.assertEqual(sorted(d["leaders_affected"]), sorted(leaders.values()))
        # The draft left the published blocks alone.
        self.assertEqual(self.rows(db, "SELECT block_no, leader, hex(geometry) FROM blocks ORDER BY block_no"), before)
        # Publishing needs the right.
        self.assertEqual(self.sitmap("plan", "publish", db, "合并", "--user", "analyst", password=PASSWORD).returncode, 9)
        pub = json.loads(self.sitmap("plan", "publish", db, "合并", "--json", "--user", "planner", password=PASSWORD,
                                     check=0).stdout)
        self.assertEqual(pub["households_moved"], moved[1])
        self.assertEqual(self.rows(db, "SELECT count(*) FROM blocks")[0][0], 113)
        self.assertEqual(self.rows(db, "SELECT count(*) FROM addresses WHERE block_no = 2")[0][0], 0)
        self.assertEqual(self.rows(db, "SELECT households FROM blocks WHERE block_no = 1")[0][0],
                         self.rows(db, "SELECT sum(households) FROM addresses WHERE block_no = 1")[0][0])
        plans = {p["name"]: p for p in json.loads(self.sitmap("plan", "list", db, "--json", check=0).stdout)}
        self.assertEqual(plans["合并"]["status"], "published")
        self.assertEqual(plans["published-before-合并"]["status"], "superseded")
        self.assertEqual(plans["published-before-合并"]["blocks"], 114)
        # The earlier plan stays readable: it validates, and it exports like any layer.
        self.assertEqual(self.validate(db, "--plan", "published-before-合并")[0].returncode, 0)
        out = os.path.join(self.dir, "history.geojson")
        self.sitmap("export", db, "plan_blocks", out, "--where", "plan = 'published-before-合并'", check=0)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(len(json.load(f)["features"]), 114)
        audit = json.loads(self.sitmap("audit", "list", db, "--json", "--user", "admin", password=PASSWORD,
                                       check=0).stdout)
        rows = [(r["user"], r["object"], r["outcome"].split(":")[0]) for r in audit if r["action"] == "plan-publish"]
        self.assertEqual(rows, [("analyst", "合并", "denied"), ("planner", "合并", "ok")])
        self.sitmap("audit", "verify", db, "--user", "admin", password=PASSWORD, check=0)

    def test_rebalance_spreads_a_doubled_block_over_its_neighbours(self):
        db = self.copy("rebalance.sqlite")
        self.sitmap("plan", "new", db, "doubled", "--user", "planner", password=PASSWORD, check=0)
        self.merge_blocks_1_and_2(db, "doubled")
        r = json.loads(self.sitmap("plan", "rebalance", db, "balanced", "--from", "doubled", "--json", "--user",
                                   "planner", password=PASSWORD, check=0).stdout)
        self.assertTrue(r["balanced"])
        self.assertGreater(r["worst_deviation_before"], 0.9)
        self.assertEqual((r["within_after"], r["blocks"]), (113, 113))
        p, out = self.validate(db, "--plan", "balanced")
        self.assertEqual(p.returncode, 0, out["problems"][:3])
        self.assertTrue(all(abs(b["households"] / 250 - 1) <= 0.1 + 1e-9 for b in out["blocks"]))
        self.assertEqual(out["summary"]["unassigned_addresses"], 0)
        self.assertEqual(self.rows(db, "SELECT count(*) FROM plan_blocks WHERE plan = 'balanced'")[0][0], 113)
        self.assertEqual(self.sitmap("plan", "rebalance", db, "x", "--user", "analyst", password=PASSWORD).returncode, 9)

    def test_plan_with_problems_is_not_published(self):
        db = self.copy("bad_plan.sqlite")
        self.sitmap("plan", "new", db, "bad", "--user", "planner", password=PASSWORD, check=0)
        self.sql(db, "UPDATE plan_blocks SET geometry = CastToPolygon(ST_Buffer(geometry, 0.0002)) "
                     "WHERE plan = 'bad' AND block_no = 50")
        before = self.rows(db, "SELECT block_no, hex(geometry) FROM blocks ORDER BY block_no")
        p = self.sitmap("plan", "publish", db, "bad", "--user", "planner", password=PASSWORD)
        self.assertEqual(p.returncode, 4)
        self.assertIn("overlap", p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1)
        self.assertEqual(self.rows(db, "SELECT block_no, hex(geometry) FROM blocks ORDER BY block_no"), before)

    def test_process_killed_during_publish_leaves_the_published_plan_intact(self):
        db = self.copy("killed.sqlite")
        self.sitmap("plan", "new", db, "k", "--user", "planner", password=PASSWORD, check=0)
        self.merge_blocks_1_and_2(db, "k")
        blocks = self.rows(db, "SELECT block_no, leader, households, hex(geometry) FROM blocks ORDER BY block_no")
        plates = self.rows(db, "SELECT id, block_no FROM addresses ORDER BY id")
        mark = os.path.join(self.dir, "publishing.mark")
        child = subprocess.Popen([SITMAP, "plan", "publish", db, "k", "--user", "planner"],
                                 env=self.env(PASSWORD, {"SITMAP_TEST_STALL_PUBLISH": mark}),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            for _ in range(600):  # the mark is written inside the publish transaction, after every row
                if os.path.exists(mark) or child.poll() is not None:
                    break
                time.sleep(0.1)
            self.assertTrue(os.path.exists(mark), "the publish never reached its transaction")
            self.assertIsNone(child.poll())
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        self.assertEqual(child.returncode, -signal.SIGKILL)
        self.assertEqual(self.rows(db, "SELECT block_no, leader, households, hex(geometry) FROM blocks "
                                       "ORDER BY block_no"), blocks)
        self.assertEqual(self.rows(db, "SELECT id, block_no FROM addresses ORDER BY id"), plates)
        self.assertEqual(self.validate(db)[0].returncode, 0)
        plans = {p["name"]: p["status"] for p in json.loads(self.sitmap("plan", "list", db, "--json", check=0).stdout)}
        self.assertEqual(plans, {"k": "draft"})
        self.sitmap("audit", "verify", db, "--user", "admin", password=PASSWORD, check=0)
        # And the same publish, not interrupted, goes through.
        self.sitmap("plan", "publish", db, "k", "--user", "planner", password=PASSWORD, check=0)
        self.assertEqual(self.rows(db, "SELECT count(*) FROM blocks")[0][0], 113)


if __name__ == "__main__":
    unittest.main()
