"""Users, sign-in and the audit log end to end: `--user` on export, `sitmap user`, `sitmap audit`."""
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

from sitmap_cli import SITMAP

PASSWORD = "huaihai demo 2026"


class AccessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="sitmap_access_")
        cls.keys = os.path.join(cls.dir, "keys")
        cls.db = os.path.join(cls.dir, "huaihai.sqlite")
        cls.sitmap("demo", "--out", cls.db, "--incidents", "200", env={"SITMAP_ADMIN_PASSWORD": PASSWORD}, check=0)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def sitmap(cls, *args, env=None, check=None, password=None):
        full = {k: v for k, v in os.environ.items() if not k.startswith("SITMAP_") or k == "SITMAP_BIN"}
        full["SITMAP_KEY_DIR"] = cls.keys
        if password is not None:
            full["SITMAP_PASSWORD"] = password
        full.update(env or {})
        # A session of its own: no controlling terminal, so a missing password cannot wait on a prompt.
        p = subprocess.run([SITMAP, *map(str, args)], capture_output=True, text=True, timeout=300, env=full,
                           start_new_session=True)
        if check is not None and p.returncode != check:
            raise AssertionError(f"sitmap {' '.join(map(str, args))} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
        return p

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


if __name__ == "__main__":
    unittest.main()
