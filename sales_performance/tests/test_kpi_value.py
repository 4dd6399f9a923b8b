import io

import xlsxwriter

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import REP_GROUPS, PerformanceCommon

IMPORT_FIELDS = ["period_id", "user_id", "kpi_id", "value"]
IMPORT_OPTIONS = {
    "import_skip_records": [],
    "import_set_empty_fields": [],
    "fallback_values": {},
    "name_create_enabled_fields": {},
    "encoding": "utf-8",
    "separator": ",",
    "quoting": '"',
    "date_format": "",
    "datetime_format": "",
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
    "advanced": False,
    "has_headers": True,
    "keep_matches": False,
    "limit": 2000,
    "skip": 0,
}


@tagged("post_install", "-at_install")
class TestKpiValue(PerformanceCommon):
    """Manual KPI values entered for a team and period in a grid or
    imported from a file, read by targets and scorecards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Value = cls.env["performance.kpi.value"]
        cls.csat = cls.env.ref("sales_performance.kpi_customer_satisfaction")
        cls.training = cls.env.ref("sales_performance.kpi_training_sessions")
        cls.teamwork = cls.env.ref("sales_performance.kpi_teamwork_score")

    def _value_vals(self, user, kpi, value, period=None):
        return {
            "period_id": (period or self.jan).id,
            "user_id": user.id,
            "kpi_id": kpi.id,
            "value": value,
        }

    def _import(self, rows, file_type="text/csv"):
        """Import ``rows`` (period, salesperson, KPI, value) through Odoo's
        import wizard, as a leader would from the list; returns its result."""
        header = ["Period", "Salesperson", "KPI", "Value"]
        if file_type == "text/csv":
            lines = [",".join(header)] + [",".join(map(str, row)) for row in rows]
            content = "\n".join(lines).encode()
        else:
            stream = io.BytesIO()
            book = xlsxwriter.Workbook(stream, {"in_memory": True})
            sheet = book.add_worksheet()
            for index, row in enumerate([header, *rows]):
                sheet.write_row(index, 0, row)
            book.close()
            content = stream.getvalue()
        wizard = self.env["base_import.import"].create(
            {
                "res_model": "performance.kpi.value",
                "file": content,
                "file_type": file_type,
                "file_name": "values.csv" if file_type == "text/csv" else "v.xlsx",
            }
        )
        return wizard.execute_import(
            IMPORT_FIELDS, [h.lower() for h in header], dict(IMPORT_OPTIONS)
        )

    def _errors(self, result):
        return [m["message"] for m in result["messages"] if m["type"] == "error"]

    # ------------------------------------------------------------
    # Grid and import
    # ------------------------------------------------------------

    def test_leader_fills_the_grid_of_the_team(self):
        """A leader enters the values of the team's members in the grid;
        each value's team is the salesperson's."""
        Value = self.Value.with_user(self.leader_a)
        with Form(Value) as form:
            form.period_id = self.jan
            form.user_id = self.rep_1
            form.kpi_id = self.csat
            form.value = 88.0
        value = form.save()
        self.assertEqual(value.team_id, self.team_a)
        Value.create(
            [
                self._value_vals(self.rep_2, self.csat, 92.0),
                self._value_vals(self.rep_1, self.training, 3.0),
            ]
        )
        self.assertEqual(Value.search_count([("team_id", "=", self.team_a.id)]), 3)

    def test_import_csv_and_xlsx(self):
        """A whole team's values import from CSV or XLSX with Odoo's import."""
        result = self._import(
            [
                ("2025-01", "Rep 1", "Customer Satisfaction", 91),
                ("2025-01", "Rep 2", "Training Sessions Attended", 2),
            ]
        )
        self.assertFalse(self._errors(result))
        self.assertEqual(len(result["ids"]), 2)
        result = self._import(
            [("2025-01", "Rep 1", "Teamwork Score", 75)],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertFalse(self._errors(result))
        values = self.Value.search([("period_id", "=", self.jan.id)])
        self.assertEqual(
            sorted(values.mapped("value")), [2.0, 75.0, 91.0], "as in the files"
        )

    def test_import_refuses_the_whole_file_on_any_bad_row(self):
        """An unknown rep, a value out of range or a closed period refuses
        the file with a clear message per row, and nothing is imported."""
        self.feb.action_close()
        nobody_in_team = new_test_user(
            self.env, login="loner", name="Loner", groups=REP_GROUPS
        )
        cases = [
            (("2025-01", "Rep 9", "Customer Satisfaction", 80), "No matching record"),
            (("2025-01", "Loner", "Customer Satisfaction", 80), "not a salesperson"),
            (("2025-01", "Rep 2", "Customer Satisfaction", 120), "between 0 and 100"),
            (("2025-01", "Rep 2", "Training Sessions Attended", -1), "negative"),
            (("2025-02", "Rep 2", "Customer Satisfaction", 80), "is closed"),
        ]
        self.assertTrue(nobody_in_team)
        for bad_row, message in cases:
            with self.subTest(message=message):
                result = self._import(
                    [("2025-01", "Rep 1", "Customer Satisfaction", 90), bad_row]
                )
                errors = self._errors(result)
                self.assertTrue(errors, bad_row)
                self.assertIn(message, " ".join(errors))
                self.assertFalse(result["ids"])
                self.assertFalse(self.Value.search_count([]), "nothing imported")

    def test_load_refuses_out_of_range_values(self):
        """``load()`` refuses the batch as the import does."""
        result = self.Value.load(
            IMPORT_FIELDS,
            [
                ["2025-01", "Rep 1", "Teamwork Score", "70"],
                ["2025-01", "Rep 2", "Teamwork Score", "101"],
            ],
        )
        self.assertFalse(result["ids"])
        self.assertIn("between 0 and 100", " ".join(self._errors(result)))
        self.assertFalse(self.Value.search_count([]))

    def test_refusals_when_entered_one_by_one(self):
        """The grid refuses the same values, in a translated message."""
        with self.assertRaises(ValidationError):
            self.Value.create(self._value_vals(self.rep_1, self.csat, -5.0))
        with self.assertRaises(ValidationError):
            self.Value.create(self._value_vals(self.rep_1, self.kpi_revenue, 5.0))
        value = self.Value.create(self._value_vals(self.rep_1, self.csat, 80.0))
        self.jan.action_close()
        with self.assertRaises(UserError):
            value.value = 90.0
        with self.assertRaises(UserError):
            value.unlink()
        with self.assertRaises(UserError):
            self.Value.create(self._value_vals(self.rep_2, self.csat, 80.0))
        self.assertEqual(value.value, 80.0)

    # ------------------------------------------------------------
    # Targets and scorecards read them
    # ------------------------------------------------------------

    def test_targets_read_the_entered_values(self):
        """Targets of a manual KPI take the entered value; a team's is its
        members' average for a percentage and their sum for a count."""
        self.Value.create(
            [
                self._value_vals(self.rep_1, self.csat, 80.0),
                self._value_vals(self.rep_2, self.csat, 90.0),
                self._value_vals(self.rep_1, self.training, 2.0),
                self._value_vals(self.rep_2, self.training, 3.0),
            ]
        )
        typed = self._target(90.0, kpi=self.csat, owner=self.rep_3, actual=77.0)
        targets = (
            self._target(90.0, kpi=self.csat, owner=self.rep_1)
            | self._target(90.0, kpi=self.csat, owner=self.team_a)
            | self._target(4.0, kpi=self.training, owner=self.team_a)
            | typed
        )
        targets.action_compute()
        self.assertEqual(targets.mapped("actual"), [80.0, 85.0, 5.0, 77.0])
        values = self.csat._get_values(
            self.jan.date_start,
            self.jan.date_end,
            "user",
            (self.rep_1 | self.rep_3).ids,
            self.env.company,
        )
        self.assertEqual(
            values[self.csat.id], {self.rep_1.id: 80.0, self.rep_3.id: 0.0}
        )

    def test_scorecards_read_the_entered_values(self):
        """A scorecard's manual line takes the value entered for its period."""
        template = self.env["performance.scorecard.template"].create(
            {
                "name": "Growth",
                "team_ids": [Command.set(self.team_a.ids)],
                "line_ids": [
                    Command.create({"kpi_id": self.kpi_revenue.id, "weight": 50}),
                    Command.create(
                        {"kpi_id": self.csat.id, "weight": 50, "default_target": 90}
                    ),
                ],
                "band_ids": [
                    Command.create({"name": "A", "min_score": 0, "max_score": 150})
                ],
            }
        )
        self.Value.create(self._value_vals(self.rep_1, self.csat, 81.0))
        cards = template.generate_scorecards(self.jan)
        cards.action_compute()
        lines = cards.line_ids.filtered(lambda line: line.kpi_id == self.csat)
        by_user = {line.scorecard_id.user_id: line.actual for line in lines}
        self.assertEqual(by_user[self.rep_1], 81.0)
        self.assertEqual(by_user[self.rep_2], 0.0, "nothing entered yet")

    def test_query_count_does_not_grow_with_reps(self):
        """Targets of manual KPIs read the entered values in batch: four
        salespeople cost the queries of two."""
        reps = self.rep_1 | self.rep_2 | self.rep_3 | self.rep_4
        self.Value.create(
            [
                self._value_vals(rep, self.csat, 80.0, period)
                for rep in reps
                for period in (self.jan, self.feb, self.mar)
            ]
        )

        def targets(period, owners):
            return self.Target.create(
                [
                    self._target_vals(90.0, kpi=self.csat, owner=o, period=period)
                    for o in owners
                ]
            )

        targets(self.mar, reps[:1]).action_compute()
        few = targets(self.jan, reps[:2])
        many = targets(self.feb, reps)
        self.assertEqual(
            self._count_queries(few.action_compute),
            self._count_queries(many.action_compute),
        )
        self.assertEqual(many.mapped("actual"), [80.0] * 4)

    # ------------------------------------------------------------
    # Security
    # ------------------------------------------------------------

    def test_rep_reads_own_values_only_and_enters_none(self):
        """A rep reads their own values and cannot enter any."""
        own, other = self.Value.create(
            [
                self._value_vals(self.rep_1, self.csat, 80.0),
                self._value_vals(self.rep_2, self.csat, 70.0),
            ]
        )
        Value = self.Value.with_user(self.rep_1)
        self.assertEqual(Value.search([]), own)
        with self.assertRaises(AccessError):
            other.with_user(self.rep_1).read(["value"])
        with self.assertRaises(AccessError):
            Value.create(self._value_vals(self.rep_1, self.training, 9.0))
        with self.assertRaises(AccessError):
            own.with_user(self.rep_1).value = 100.0

    def test_leader_enters_own_team_only(self):
        """A leader enters values of the teams they lead, not of others nor
        their own."""
        Value = self.Value.with_user(self.leader_a)
        Value.create(self._value_vals(self.rep_1, self.csat, 80.0))
        with self.assertRaises(AccessError):
            Value.create(self._value_vals(self.rep_3, self.csat, 80.0))
        other = self.Value.create(self._value_vals(self.rep_3, self.csat, 60.0))
        self.assertNotIn(other, Value.search([]))
        with self.assertRaises(AccessError):
            other.with_user(self.leader_a).value = 99.0
        self.team_a.member_ids += self.leader_a
        with self.assertRaises(AccessError):
            Value.create(self._value_vals(self.leader_a, self.csat, 100.0))

    def test_hr_enters_every_team(self):
        """HR enters the values of every team."""
        Value = self.Value.with_user(self.hr_officer)
        values = Value.create(
            [
                self._value_vals(self.rep_1, self.teamwork, 80.0),
                self._value_vals(self.rep_3, self.teamwork, 70.0),
            ]
        )
        values.value = 75.0
        self.assertEqual(values.mapped("team_id"), self.team_a | self.team_b)
