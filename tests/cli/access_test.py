"""Users, sign-in, sealed sensitive rows and the audit log end to end: `--user` on export, `sitmap user`,
`sitmap audit`, and what a copied file or a leader's sub-commands reveal of the special persons (nothing)."""
import csv
import json
import os
import shutil
import sqlite3
import tempfile
import unittest

from sitmap_cli import run_signed_in

PASSWORD = "huaihai demo 2026"


class AccessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="sitmap_access_")
        cls.keys = os.path.join(cls.dir, "keys")
        cls.db = os.path.join(cls.dir, "huaihai.sqlite")
        cls.sitmap("demo", "--out", cls.db, "--incidents", "200", env={"SITMAP_ADMIN_PASSWORD": PASSWORD}, check=0)

        # The demo's sensitive values, read as a cleared duty officer would (and as nobody else can).
        out = os.path.join(cls.dir, "secrets.csv")
        cls.sitmap("export", cls.db, "special_persons", out, "--user", "duty", password=PASSWORD, check=0)
        with open(out, encoding="utf-8-sig") as f:
            cls.persons = list(csv.DictReader(f))
        os.remove(out)
        # A two-character name may also be a block leader's (open data, drawn from the same list of names): such a
        # name is no secret of the persons' table, every other one is.
        con = sqlite3.connect(cls.db)
        leaders = {n for (n,) in con.execute("SELECT leader FROM blocks")}
        con.close()
        cls.secrets = [p[k] for p in cls.persons for k in ("id_number", "address")]
        cls.secrets += [p["name"] for p in cls.persons if p["name"] not in leaders]
        cls.positions = [f"{float(p['lon']):.5f}" for p in cls.persons]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def assert_reveals_nothing(self, text, what, positions=True):
        for secret in self.secrets + (self.positions if positions else []):
            self.assertFalse(secret in text, f"{what} holds {secret}")

    @classmethod
    def sitmap(cls, *args, env=None, check=None, password=None):
        return run_signed_in(cls.keys, *args, password=password, env=env, check=check)

    def audit_rows(self, db=None):
        out = self.sitmap("audit", "list", db or self.db, "--json", "--user", "admin", password=PASSWORD, check=0)
        rows = json.loads(out.stdout)
        # The listing's own sign-in comes last; what the test looks for is before it.
        self.assertEqual((rows[-1]["user"], rows[-1]["action"], rows[-1]["outcome"]), ("admin", "sign-in", "ok"))
        return rows[:-1]

    def copy(self, name):
        path = os.path.join(self.dir, name)
        shutil.copy(self.db, path)
        return path

    def test_wrong_password_is_refused_with_exit_9_and_audited(self):
        out = os.path.join(self.dir, "wrong.csv")
        p = self.sitmap("export", self.db, "special_persons", out, "--user", "duty", password="guess-guess")
        self.assertEqual(p.returncode, 9, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertNotIn("guess-guess", p.stderr + p.stdout)
        self.assertFalse(os.path.exists(out))
        last = [r for r in self.audit_rows() if r["action"] == "sign-in" and r["user"] == "duty"][-1]
        self.assertEqual(last["outcome"], "wrong password")

    def test_only_a_cleared_role_exports_the_sensitive_layer_and_each_attempt_is_audited(self):
        for user in ("leader", "analyst", None):
            out = os.path.join(self.dir, f"persons_{user}.csv")
            args = ["--user", user] if user else []
            p = self.sitmap("export", self.db, "special_persons", out, *args, password=PASSWORD)
            self.assertEqual(p.returncode, 9, p.stderr)
            self.assertFalse(os.path.exists(out))
            row = self.audit_rows()[-1]
            self.assertEqual((row["user"], row["action"], row["outcome"]), (user or "workstation", "export", "denied"))
        out = os.path.join(self.dir, "persons_duty.csv")
        self.sitmap("export", self.db, "special_persons", out, "--user", "duty", password=PASSWORD, check=0)
        with open(out, encoding="utf-8") as f:
            self.assertGreater(len(f.read().splitlines()), 10)
        row = self.audit_rows()[-1]
        self.assertEqual((row["user"], row["action"], row["object"]), ("duty", "export", "special_persons"))
        self.assertTrue(row["outcome"].startswith("ok: "), row)
        # Open layers need nobody.
        self.sitmap("export", self.db, "cameras", os.path.join(self.dir, "cameras.csv"), check=0)

    def test_users_are_added_changed_disabled_and_listed_by_admins_only(self):
        db = self.copy("users.sqlite")
        add = ["user", "add", db, "lin", "--role", "analyst", "--cleared", "--user", "admin"]
        self.assertEqual(self.sitmap(*add, password=PASSWORD, env={"SITMAP_NEW_PASSWORD": "lin password"}).returncode, 0)
        self.assertEqual(self.sitmap(*add[:-1], "leader", password=PASSWORD,
                                     env={"SITMAP_NEW_PASSWORD": "x password"}).returncode, 9)
        users = json.loads(self.sitmap("user", "list", db, "--json", "--user", "admin", password=PASSWORD,
                                       check=0).stdout)
        self.assertEqual({u["name"]: (u["role"], u["cleared"]) for u in users}["lin"], ("analyst", True))
        self.assertNotIn("argon2", json.dumps(users))
        self.assertEqual(self.sitmap("user", "list", db, "--user", "leader", password=PASSWORD).returncode, 9)
        self.sitmap("user", "passwd", db, "lin", "--user", "lin", password="lin password",
                    env={"SITMAP_NEW_PASSWORD": "lin second one"}, check=0)
        self.sitmap("user", "list", db, "--user", "admin", password=PASSWORD, check=0)
        self.sitmap("user", "disable", db, "lin", "--user", "admin", password=PASSWORD, check=0)
        out = os.path.join(self.dir, "lin.csv")
        self.assertEqual(self.sitmap("export", db, "special_persons", out, "--user", "lin",
                                     password="lin second one").returncode, 9)
        actions = [(r["action"], r["object"], r["outcome"]) for r in self.audit_rows(db)]
        self.assertIn(("user-passwd", "lin", "ok"), actions)
        self.assertIn(("user-disable", "lin", "ok"), actions)
        self.assertEqual(actions[-1], ("sign-in", "lin", "disabled"))
        self.sitmap("audit", "verify", db, "--user", "admin", password=PASSWORD, check=0)

    def test_on_another_workstation_an_admin_sign_in_restores_the_audit_key(self):
        db = self.copy("moved.sqlite")
        elsewhere = {"SITMAP_KEY_DIR": os.path.join(self.dir, "other-keys")}
        out = os.path.join(self.dir, "moved.csv")
        export = ["export", db, "special_persons", out, "--user", "duty"]
        self.assertEqual(self.sitmap(*export, password=PASSWORD, env=elsewhere).returncode, 9)
        self.assertFalse(os.path.exists(out))
        self.sitmap("audit", "verify", db, "--user", "admin", password=PASSWORD, env=elsewhere, check=0)
        self.sitmap(*export, password=PASSWORD, env=elsewhere, check=0)
        self.assertTrue(os.path.exists(out))

    def test_a_leaders_screenshot_shows_special_persons_only_as_counts(self):
        self.assertTrue(os.environ.get("DISPLAY"), "needs a display: ./scripts/test runs the tests under xvfb-run")
        shot = ["screenshot", self.db, "--map-only", "--size", "800x600", "--layers", "blocks,special_persons",
                "--clock", "2026-11-28 16:40"]
        pngs = {}
        for user in (None, "leader"):
            out = os.path.join(self.dir, f"shot_{user}.png")
            self.sitmap(*shot, "--out", out, *(["--user", user] if user else []), password=PASSWORD, check=0)
            with open(out, "rb") as f:
                pngs[user] = f.read()
            # A person's details panel needs their row; counts have none to select.
            p = self.sitmap(*shot, "--out", out, "--select", "special_persons:1",
                            *(["--user", user] if user else []), password=PASSWORD)
            self.assertEqual(p.returncode, 9, p.stderr)
        self.assertEqual(pngs["leader"], pngs[None])  # a leader sees what the bare workstation sees
        # ... which is the persons' counts per block (named in --layers, so shown): the map differs from the
        # blocks alone, and a cleared duty officer's map under the demo style is the same counts, no points.
        blocks = os.path.join(self.dir, "shot_blocks.png")
        self.sitmap(*[a if a != "blocks,special_persons" else "blocks" for a in shot], "--out", blocks, check=0)
        with open(blocks, "rb") as f:
            self.assertNotEqual(f.read(), pngs["leader"])
        duty = os.path.join(self.dir, "shot_duty.png")
        self.sitmap(*shot, "--out", duty, "--user", "duty", password=PASSWORD, check=0)
        with open(duty, "rb") as f:
            self.assertEqual(f.read(), pngs["leader"])
        p = self.sitmap(*shot, "--out", os.path.join(self.dir, "x.png"), "--user", "leader", password="not it!")
        self.assertEqual(p.returncode, 9, p.stderr)

    def test_a_missing_password_is_bad_input_not_a_prompt(self):
        p = self.sitmap("audit", "list", self.db, "--user", "admin")
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("SITMAP_PASSWORD", p.stderr)

    def test_sql_through_user_names_is_harmless(self):
        db = self.copy("inject.sqlite")
        for name in ("admin' OR '1'='1", "admin'; DROP TABLE users; --", "x\" OR 1=1 --"):
            p = self.sitmap("audit", "list", db, "--user", name, password=PASSWORD)
            self.assertEqual(p.returncode, 9, p.stderr)
            p = self.sitmap("user", "add", db, name, "--role", "admin", "--user", "admin", password=PASSWORD,
                            env={"SITMAP_NEW_PASSWORD": PASSWORD})
            self.assertEqual(p.returncode, 4, p.stderr)
        con = sqlite3.connect(db)
        self.assertEqual(con.execute("SELECT count(*) FROM users").fetchone()[0], 5)
        con.close()
        self.sitmap("audit", "verify", db, "--user", "admin", password=PASSWORD, check=0)

    def test_tampering_with_the_audit_log_is_detected_with_triggers_dropped(self):
        self.sitmap("export", self.db, "special_persons", os.path.join(self.dir, "x.csv"), "--user", "leader",
                    password=PASSWORD)
        self.sitmap("audit", "verify", self.db, "--user", "admin", password=PASSWORD, check=0)
        attacks = {
            "edit": "UPDATE audit_log SET outcome = 'ok' WHERE seq = 3",
            "delete": "DELETE FROM audit_log WHERE seq = 3",
            "reorder": "UPDATE audit_log SET seq = -1 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; "
                       "UPDATE audit_log SET seq = 3 WHERE seq = -1",
            "cut": "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)",
        }
        for name, attack in attacks.items():
            db = self.copy(f"tamper_{name}.sqlite")
            con = sqlite3.connect(db)
            con.executescript("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; " + attack)
            con.close()
            p = self.sitmap("audit", "verify", db, "--user", "admin", password=PASSWORD)
            self.assertEqual(p.returncode, 9, f"{name}: {p.stdout} {p.stderr}")
            self.assertIn("tampered", p.stderr)

    def test_the_file_and_its_wal_hold_no_sensitive_value(self):
        self.assertGreater(len(self.persons), 60)
        self.assertTrue(all(p["name"] and len(p["id_number"]) == 18 and "室" in p["address"] for p in self.persons))
        db = self.copy("wal.sqlite")
        # Another connection keeps the WAL from being checkpointed into the file when sitmap closes.
        holder = sqlite3.connect(db)
        holder.execute("PRAGMA journal_mode=WAL")
        holder.execute("SELECT count(*) FROM layers").fetchone()
        more = os.path.join(self.dir, "more.csv")
        with open(more, "w", encoding="utf-8") as f:
            f.write("category,name,id_number,address,lon,lat\n刑释解教人员,欧阳新华,310101199912310017,雁荡路 1 号 302 室,121.47,31.22\n")
        self.sitmap("import", db, more, "--layer", "special_persons", "--mode", "append", "--user", "duty",
                    password=PASSWORD, check=0)
        self.assertTrue(os.path.getsize(db + "-wal") > 0)
        raw = b""
        for path in (db, db + "-wal"):
            with open(path, "rb") as f:
                raw += f.read()
        self.assertGreater(len(self.secrets), 2 * len(self.persons) + 40)
        for secret in self.secrets + ["欧阳新华", "310101199912310017", "雁荡路 1 号 302 室"]:
            self.assertFalse(secret.encode("utf-8") in raw, f"{secret} is in the file or its WAL")
        holder.close()
        # The import log and the audit row record counts, never values.
        rows = self.audit_rows(db)
        self.assertIn(("import", "special_persons", "ok: 1 rows (append)"),
                      [(r["action"], r["object"], r["outcome"]) for r in rows])

    def test_a_copied_database_opened_without_any_password_reveals_nothing(self):
        con = sqlite3.connect(self.copy("stolen.sqlite"))
        everything = []
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                    "sql NOT LIKE 'CREATE VIRTUAL TABLE%'").fetchall():  # their data is in tables too
            for row in con.execute(f'SELECT * FROM "{table}"'):
                everything += [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row]
        names = {t for (t,) in con.execute("SELECT name FROM sqlite_master")}
        con.close()
        # Positions are checked where they could only come from the persons (the sub-commands' output): each
        # person lives at a door plate whose point is public (layer addresses); which plate is the secret.
        self.assert_reveals_nothing("\n".join(everything), "a table of the copied file", positions=False)
        # No geometry column, spatial index or packed copy of the people's positions.
        self.assertFalse([n for n in names if "special_persons" in n and n != "special_persons"], names)

    def test_leader_and_uncleared_analyst_obtain_nothing_through_any_sub_command(self):
        for user in ("leader", "analyst", None):
            args = ["--user", user] if user else []
            out = os.path.join(self.dir, f"leak_{user}")
            seen = ""
            for cmd in (["export", self.db, "special_persons", out + ".csv", *args],
                        ["export", self.db, "special_persons", out + ".csv", "--where", "block_no > 0", *args],
                        ["heatmap", self.db, "--layer", "special_persons", "--radius", "100", "--cell", "10",
                         "--out", out + ".tif"],
                        ["hotspots", self.db, "--layer", "special_persons"]):
                p = self.sitmap(*cmd, password=PASSWORD)
                self.assertIn(p.returncode, (9,), f"{cmd}: {p.stderr}")
                self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
                seen += p.stdout + p.stderr
            for cmd in (["layers", self.db, "--json"], ["info", self.db]):
                p = self.sitmap(*cmd, check=0)
                seen += p.stdout + p.stderr
            self.assert_reveals_nothing(seen, f"what {user or 'the workstation'} saw")
            self.assertFalse([f for f in os.listdir(self.dir) if f.startswith(f"leak_{user}")])

    def test_a_tampered_ciphertext_is_detected_and_nothing_is_written(self):
        def flip(con):
            sealed = bytearray(con.execute("SELECT sealed FROM special_persons WHERE id = 5").fetchone()[0])
            sealed[40] ^= 1
            con.execute("UPDATE special_persons SET sealed = ? WHERE id = 5", (bytes(sealed),))

        for name, attack in {
            "flip": flip,
            "swap": lambda con: con.execute(
                "UPDATE special_persons SET sealed = (SELECT sealed FROM special_persons WHERE id = 6) WHERE id = 5"),
            "relabel": lambda con: con.execute("UPDATE special_persons SET block_no = block_no + 1 WHERE id = 5"),
        }.items():
            db = self.copy(f"cipher_{name}.sqlite")
            con = sqlite3.connect(db)
            attack(con)
            con.commit()
            con.close()
            out = os.path.join(self.dir, f"cipher_{name}.csv")
            p = self.sitmap("export", db, "special_persons", out, "--user", "duty", password=PASSWORD)
            self.assertEqual(p.returncode, 9, f"{name}: {p.stderr}")
            self.assertEqual(p.stderr.strip(), "sitmap: error: layer 'special_persons' row 5 does not open: "
                                                "tampered with or sealed under another key")
            self.assertFalse(os.path.exists(out))

    def test_sql_through_layer_names_and_filters_is_refused(self):
        db = self.copy("inject_layers.sqlite")
        before = sqlite3.connect(db).execute("SELECT count(*) FROM special_persons").fetchone()[0]
        out = os.path.join(self.dir, "inject.csv")
        for layer in ('special_persons"; DROP TABLE users; --', "x' OR '1'='1", "special_persons--"):
            p = self.sitmap("export", db, layer, out, "--user", "duty", password=PASSWORD)
            self.assertEqual(p.returncode, 3, p.stderr)
        for where in ("1=1) OR (1=1", "name = 'x' OR 1=1", "block_no = 1; DROP TABLE users", "sealed IS NOT NULL"):
            p = self.sitmap("export", db, "special_persons", out, "--where", where, "--user", "duty", password=PASSWORD)
            self.assertIn(p.returncode, (4, 9), f"{where}: {p.stderr}")
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
            self.assertFalse(os.path.exists(out))
        con = sqlite3.connect(db)
        self.assertEqual(con.execute("SELECT count(*) FROM users").fetchone()[0], 5)
        self.assertEqual(con.execute("SELECT count(*) FROM special_persons").fetchone()[0], before)
        con.close()

    def test_a_cleared_analyst_added_later_gets_the_rows_and_loses_them_when_disabled(self):
        db = self.copy("later.sqlite")
        self.sitmap("user", "add", db, "wang", "--role", "analyst", "--cleared", "--user", "admin", password=PASSWORD,
                    env={"SITMAP_NEW_PASSWORD": "wang password"}, check=0)
        out = os.path.join(self.dir, "wang.csv")
        self.sitmap("export", db, "special_persons", out, "--user", "wang", password="wang password", check=0)
        with open(out, encoding="utf-8-sig") as f:
            self.assertEqual([r["id_number"] for r in csv.DictReader(f)], [p["id_number"] for p in self.persons])
        self.sitmap("user", "disable", db, "wang", "--user", "admin", password=PASSWORD, check=0)
        con = sqlite3.connect(db)
        copy = con.execute("SELECT value FROM sitmap_meta WHERE key = 'wrapped_data_key:wang'").fetchone()
        con.close()
        self.assertEqual(copy, ("",))


if __name__ == "__main__":
    unittest.main()
