"""Cases end to end (#14): `sitmap case ...`, `sitmap exchange import|export`, `sitmap ledger`; refusals leave the
database unchanged, reporters reach only the duty officer."""
import csv
import json
import os
import shutil
import sqlite3
import tempfile
import unittest

from sitmap_cli import run_signed_in

PASSWORD = "huaihai demo 2026"


class CasesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="sitmap_cases_")
        cls.keys = os.path.join(cls.dir, "keys")
        cls.db = os.path.join(cls.dir, "huaihai.sqlite")
        cls.sitmap("demo", "--out", cls.db, "--incidents", "200", env={"SITMAP_ADMIN_PASSWORD": PASSWORD}, check=0)
        now = ("--now", "2026-11-28T18:00")  # the demo's last day
        cls.demo = json.loads(cls.sitmap("case", "list", cls.db, *now, "--json", check=0).stdout)
        cls.demo_overdue = json.loads(cls.sitmap("case", "list", cls.db, "--overdue", *now, "--json", check=0).stdout)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def sitmap(cls, *args, env=None, check=None):
        return run_signed_in(cls.keys, *args, password=PASSWORD, env=env, check=check)

    def case(self, *args, user="duty", check=0):
        p = self.sitmap("case", *args, "--user", user, "--json", check=check)
        return json.loads(p.stdout) if check == 0 else p

    def add(self, address="思南路 82 弄 1 号", category="矛盾纠纷", **extra):
        args = ["add", self.db, "--channel", "来访", "--category", category, "--address", address,
                "--received-at", "2026-03-01T09:00"]
        for k, v in extra.items():
            args += ["--" + k, v]
        return self.case(*args)

    def counts(self):
        with sqlite3.connect(self.db) as con:
            return con.execute("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM case_events)").fetchone()

    def test_add_prints_the_case_and_list_finds_it(self):
        c = self.add(reporter="王阿姨", phone="13900001111")
        for key in ("id", "number", "block_no", "status", "received_at", "deadline"):
            self.assertIn(key, c)
        self.assertRegex(c["number"], r"^2026-\d{6}$")
        self.assertEqual((c["status"], c["block_no"], c["received_at"]), ("受理", 37, "2026-03-01T09:00:00"))
        self.assertEqual(c["deadline"], "2026-03-31T09:00:00")  # 矛盾纠纷: 30 days
        listed = self.case("list", self.db, "--block", "37", "--category", "矛盾纠纷")
        self.assertIn(c["number"], [x["number"] for x in listed])
        self.assertTrue(all(x["block_no"] == 37 for x in listed))
        again = self.add(address="思南路８２弄１号")
        self.assertIn(c["number"], again["duplicates"])

    def test_the_demo_has_two_years_of_cases_and_rentals_follow_theirs(self):
        demo, overdue = self.demo, self.demo_overdue
        self.assertGreater(len(demo), 300)
        self.assertLess(min(c["received_at"] for c in demo), "2025-01-01")
        archived = sum(c["status"] == "归档" for c in demo)
        self.assertGreater(archived, 0.8 * len(demo))
        self.assertTrue(1 <= len(overdue) <= 40, len(overdue))
        self.assertTrue(all(c["supervisions"] >= 1 for c in overdue))  # supervised automatically
        self.assertTrue(any(c["channel"] == "市网格中心派单" for c in demo))
        by_origin = {c["origin"]: c for c in demo if c["origin"]}
        rectified = {"受理": "发现", "分流": "发现", "办理中": "整改中"}
        with sqlite3.connect(self.db) as con:
            for layer in ("group_rentals", "fire_hazards"):
                for rid, status in con.execute(f"SELECT id, status FROM {layer}"):
                    case = by_origin[f"{layer}:{rid}"]
                    self.assertEqual(status, rectified.get(case["status"], "已整改"), case["number"])

    def test_bad_input_is_refused_and_nothing_is_written(self):
        before = self.counts()
        p = self.case("add", self.db, "--channel", "来访", "--category", "打架", "--address", "思南路 82 弄 1 号",
                      check=4)
        self.assertIn("category: unknown value '打架'", p.stderr)
        p = self.case("add", self.db, "--channel", "来访", "--category", "其他", "--address", "思南路 82 弄 9999 号",
                      check=3)
        self.assertIn("closest: 思南路 82 弄", p.stderr)
        p = self.case("add", self.db, "--channel", "来访", "--category", "其他", "--address", "思南路 82 弄 1 号",
                      user="leader", check=9)
        self.assertEqual(self.counts(), before)

    def test_the_flow_and_its_refusals(self):
        c = self.add()
        before = self.counts()
        p = self.case("close", self.db, c["number"], "--result", "调解成功", "--at", "2026-03-02T09:00", check=4)
        self.assertIn(f"case {c['number']}: 受理 → 办结 is not allowed", p.stderr)
        self.assertEqual(self.counts(), before)
        self.case("assign", self.db, c["number"], "--department", "司法所", "--room", "司法调解", "--at", "2026-03-02T09:00")
        self.case("update", self.db, c["number"], "--status", "办理中", "--at", "2026-03-03T09:00")
        self.case("close", self.db, c["number"], "--result", "调解成功", "--at", "2026-03-10T09:00")
        done = self.case("visit", self.db, c["number"], "--result", "满意", "--archive", "--at", "2026-03-12T09:00")
        self.assertEqual((done["status"], done["visit"], done["department"]), ("归档", "满意", "司法所"))
        shown = self.case("show", self.db, c["number"])
        self.assertEqual([e["kind"] for e in shown["events"]], ["受理", "分流", "办理中", "办结", "回访", "归档"])
        self.case("update", self.db, c["number"], "--note", "补记", check=4)  # nothing after 归档

    def test_overdue_cases_are_supervised_once(self):
        c = self.add(category="法律咨询")  # 7 days
        now = "2026-03-20T00:00"
        overdue = self.case("list", self.db, "--overdue", "--now", now)
        self.assertIn(c["number"], [x["number"] for x in overdue])
        first = self.case("supervise", self.db, "--now", now)
        self.assertIn(c["number"], [x["number"] for x in first])
        self.assertEqual(self.case("supervise", self.db, "--now", now), [])
        self.assertEqual(self.case("show", self.db, c["number"])["supervisions"], 1)

    def test_attachments_round_trip_by_hash(self):
        c = self.add(reporter="王阿姨", phone="13900001111")
        photo = os.path.join(self.dir, "photo.jpg")
        with open(photo, "wb") as f:
            f.write(bytes(range(256)) * 10)
        p = self.sitmap("case", "attach", self.db, c["number"], photo, "--type", "image/jpeg", "--user", "duty", check=0)
        digest = p.stdout.strip()
        import hashlib
        self.assertEqual(digest, hashlib.sha256(bytes(range(256)) * 10).hexdigest())
        back = os.path.join(self.dir, "back.jpg")
        self.sitmap("case", "attachment", self.db, digest, "--out", back, "--user", "duty", check=0)
        with open(back, "rb") as f:
            self.assertEqual(f.read(), bytes(range(256)) * 10)
        # 一案一档: the file as one page with the attachment beside it; the reporter only for the duty officer.
        for user, shown in (("duty", True), ("leader", False)):
            folder = os.path.join(self.dir, f"dossier-{user}")
            self.sitmap("case", "export", self.db, c["number"], "--out", folder, "--user", user, check=0)
            with open(os.path.join(folder, "index.html"), encoding="utf-8") as f:
                page = f.read()
            self.assertIn(c["number"], page)
            self.assertIn("附件", page)
            self.assertEqual("王阿姨" in page, shown)
            with open(os.path.join(folder, "photo.jpg"), "rb") as f:
                self.assertEqual(f.read(), bytes(range(256)) * 10)
        p = self.sitmap("case", "export", self.db, c["number"], "--out", folder, "--user", "duty", check=4)
        self.assertIn("not empty", p.stderr)

    def test_reporters_reach_only_the_duty_officer(self):
        c = self.add(reporter="李先生", phone="13712345678")
        self.assertEqual(self.case("show", self.db, c["number"])["reporter"]["name"], "李先生")
        for user in ("leader", "analyst", "planner", "admin"):
            shown = self.case("show", self.db, c["number"], user=user)
            self.assertNotIn("reporter", shown, user)
            listed = self.case("list", self.db, user=user)
            self.assertFalse(any("reporter" in x for x in listed), user)
            p = self.sitmap("case", "show", self.db, c["number"], "--user", user, check=0)
            self.assertNotIn("李先生", p.stdout)
        p = self.sitmap("exchange", "export", self.db, "--out", os.path.join(self.dir, "x.jsonl"), check=0)
        with open(os.path.join(self.dir, "x.jsonl"), encoding="utf-8") as f:
            self.assertNotIn("李先生", f.read())
        with open(self.db, "rb") as f:  # sealed at rest
            self.assertNotIn("李先生".encode(), f.read())

    def test_exchange_import_is_idempotent_and_reports_conflicts(self):
        orders = os.path.join(self.dir, "orders.jsonl")
        rows = [
            {"service_request_id": "A1", "x_city_order_id": "SH-2026-0101", "status": "open", "service_code": "dispute",
             "service_name": "矛盾纠纷", "description": "楼上漏水", "agency_responsible": "物业",
             "requested_datetime": "2026-03-02T09:30:00+08:00", "expected_datetime": "2026-03-20T17:00:00+08:00",
             "address": "思南路 82 弄 2 号"},
            {"service_request_id": "A2", "status": "open", "service_name": "社会治安",
             "requested_datetime": "2026-03-03T01:00:00Z", "lat": 31.2210, "long": 121.4649},
        ]
        with open(orders, "w", encoding="utf-8") as f:
            f.write("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
        first = json.loads(self.sitmap("exchange", "import", self.db, orders, "--user", "duty", "--json", check=0).stdout)
        self.assertEqual((first["created"], len(first["cases"])), (2, 2))
        made = self.case("show", self.db, first["cases"][1])
        self.assertEqual((made["category"], made["channel"], made["received_at"]), ("治安", "市网格中心派单", "2026-03-03T09:00:00"))
        before = self.counts()
        again = json.loads(self.sitmap("exchange", "import", self.db, orders, "--user", "duty", "--json", check=0).stdout)
        self.assertEqual((again["created"], again["unchanged"], again["conflicts"]), (0, 2, []))
        self.assertEqual(self.counts(), before)
        rows[0]["expected_datetime"] = "2026-03-25T17:00:00+08:00"
        with open(orders, "w", encoding="utf-8") as f:
            f.write("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
        changed = json.loads(self.sitmap("exchange", "import", self.db, orders, "--user", "duty", "--json", check=0).stdout)
        self.assertEqual(len(changed["conflicts"]), 1)
        self.assertIn(":1: order SH-2026-0101", changed["conflicts"][0])
        self.assertIn("deadline differs", changed["conflicts"][0])
        self.assertEqual(self.counts(), before)
        # Bad lines: named by file and line, nothing written, even for the good lines before them.
        for bad, message in [('{"service_request_id": "B1"', ":2: not a JSON object"),
                             ('{"service_request_id": "B1", "status": "open", "service_code": "noise", '
                              '"requested_datetime": "2026-03-03T09:00:00+08:00", "address": "思南路 82 弄 3 号"}',
                              ":2: unknown category"),
                             ('{"service_request_id": "B1", "status": "open", "service_code": "dispute", '
                              '"address": "思南路 82 弄 3 号"}', ":2: missing field 'requested_datetime'"),
                             ('{"service_request_id": "B1", "status": "open", "service_code": "dispute", '
                              '"requested_datetime": "2026-03-03T09:00:00", "address": "思南路 82 弄 3 号"}',
                              "with an offset")]:
            with open(orders, "w", encoding="utf-8") as f:
                f.write(json.dumps(dict(rows[1], x_city_order_id="NEW-1"), ensure_ascii=False) + "\n" + bad + "\n")
            p = self.sitmap("exchange", "import", self.db, orders, "--user", "duty", check=4)
            self.assertIn(message, p.stderr)
            self.assertEqual(self.counts(), before)

    def test_exchange_export_and_the_ledger_agree_with_sql(self):
        c = self.add()
        self.case("assign", self.db, c["number"], "--department", "城管", "--at", "2026-03-05T09:00")
        out = os.path.join(self.dir, "since.jsonl")
        self.sitmap("exchange", "export", self.db, "--since", "2026-03-05T09:00", "--out", out, check=0)
        with open(out, encoding="utf-8") as f:
            records = {r["service_request_id"]: r for r in map(json.loads, f)}
        self.assertEqual(records[c["number"]]["agency_responsible"], "城管")
        self.assertEqual(records[c["number"]]["x_grid_block"], 37)
        self.assertEqual(records[c["number"]]["requested_datetime"], "2026-03-01T09:00:00+08:00")

        ledger = os.path.join(self.dir, "ledger.csv")
        self.sitmap("ledger", self.db, "--period", "2026-03-01..2026-04-01", "--out", ledger, "--force", check=0)
        with open(ledger, encoding="utf-8-sig") as f:
            rows = {r["案件编号"]: r for r in csv.DictReader(f)}
        with sqlite3.connect(self.db) as con:
            expected = con.execute(
                "SELECT number, received_at, "
                " (SELECT max(at) FROM case_events e WHERE e.case_id = c.id AND kind = '办结'), "
                " (SELECT count(*) FROM case_events e WHERE e.case_id = c.id AND kind = '督办'), "
                " (SELECT json_extract(data, '$.department') FROM case_events e WHERE e.case_id = c.id "
                "    AND json_extract(data, '$.department') IS NOT NULL ORDER BY seq DESC LIMIT 1) "
                "FROM cases c WHERE received_at >= '2026-03-01' AND received_at < '2026-04-01'").fetchall()
        self.assertEqual(set(rows), {r[0] for r in expected})
        for number, received, closed, supervised, department in expected:
            row = rows[number]
            self.assertEqual(row["受理时间"], received)
            self.assertEqual(row["办结时间"], closed or "")
            self.assertEqual(int(row["督办次数"]), supervised)
            self.assertEqual(row["责任部门"], department or "")
        self.sitmap("ledger", self.db, "--out", os.path.join(self.dir, "ledger.xlsx"), check=0)
        self.assertGreater(os.path.getsize(os.path.join(self.dir, "ledger.xlsx")), 1000)

    def test_the_cases_workspace_draws_for_the_duty_officer(self):
        self.assertTrue(os.environ.get("DISPLAY"), "needs a display: ./scripts/test runs the tests under xvfb-run")
        shots = {}
        for workspace in ("cases", "overview"):
            out = os.path.join(self.dir, f"{workspace}.png")
            self.sitmap("screenshot", self.db, "--out", out, "--workspace", workspace, "--user", "duty",
                        "--size", "960x540", check=0)
            with open(out, "rb") as f:
                shots[workspace] = f.read()
        self.assertNotEqual(shots["cases"], shots["overview"])
        p = self.sitmap("screenshot", self.db, "--out", os.path.join(self.dir, "x.png"), "--workspace", "case", check=4)
        self.assertIn("briefing or cases", p.stderr)


if __name__ == "__main__":
    unittest.main()
