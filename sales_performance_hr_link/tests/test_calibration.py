from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.sales_performance.tests.common import REP_GROUPS

from .common import HrLinkCommon


class HrScorecardCommon(HrLinkCommon):
    """Field Sales (manager: leader_b) holds rep_1 and rep_2, its
    sub-department Key Accounts rep_3, Inside Sales rep_4. One revenue KPI
    with a target of 1,000 each; January invoices of 1,300, 1,100 and 900
    score 130 (A), 110 (B) and 80 (C); rep_4 sells nothing (D)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.performance_hr_user_id = cls.hr_officer
        cls.manager_employee = cls._hire(cls.leader_b)
        cls.field_sales.manager_id = cls.manager_employee
        cls.employees = cls.Employee.create(
            [
                cls._employee_vals(user, department_id=department.id)
                for user, department in (
                    (cls.rep_1, cls.field_sales),
                    (cls.rep_2, cls.field_sales),
                    (cls.rep_3, cls.key_accounts),
                    (cls.rep_4, cls.inside_sales),
                )
            ]
        )
        cls.emp_1, cls.emp_2, cls.emp_3, cls.emp_4 = cls.employees
        guideline = {"A": 10, "B": 30, "C": 40, "D": 20}
        cls.template = cls.env["performance.scorecard.template"].create(
            {
                "name": "Sales",
                "team_ids": [Command.set((cls.team_a | cls.team_b).ids)],
                "line_ids": [
                    Command.create({"kpi_id": cls.kpi_revenue.id, "weight": 100})
                ],
                "band_ids": [
                    Command.create(
                        {
                            "name": name,
                            "min_score": low,
                            "max_score": high,
                            "guideline_pct": guideline[name],
                        }
                    )
                    for name, low, high in (
                        ("A", 120, 150),
                        ("B", 100, 120),
                        ("C", 70, 100),
                        ("D", 0, 70),
                    )
                ],
            }
        )
        cls.band = {band.name: band for band in cls.template.band_ids}
        for rep in cls.rep_1 | cls.rep_2 | cls.rep_3 | cls.rep_4:
            cls._target(1_000, owner=rep)
        cls._invoices(
            [
                (cls.rep_1, 1_300, date(2025, 1, 10)),
                (cls.rep_2, 1_100, date(2025, 1, 10)),
                (cls.rep_3, 900, date(2025, 1, 10)),
            ]
        )

    @classmethod
    def _cards(cls, period=None):
        cards = cls.template.generate_scorecards(period or cls.jan)
        return {card.user_id: card for card in cards}


@tagged("post_install", "-at_install")
class TestCalibration(HrScorecardCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cards = cls._cards()

    def _wizard(self, user=None, **vals):
        # The invoicing fixtures disable tracking; calibration is tracked.
        form = Form(
            self.env["performance.calibration"]
            .with_user(user or self.hr_officer)
            .with_context(tracking_disable=False, mail_notrack=False)
        )
        form.period_id = vals.get("period", self.jan)
        form.department_id = vals.get("department", self.field_sales)
        if "include_sub_departments" in vals:
            form.include_sub_departments = vals["include_sub_departments"]
        return form

    def _snapshot(self):
        cards = self.env["performance.scorecard"].browse(
            [card.id for card in self.cards.values()]
        )
        cards.invalidate_recordset()
        return cards.read(["rating", "rating_override", "calibration_comment"])

    def test_ratings_of_the_fixture(self):
        """130, 110, 80 and 0 rate A, B, C and D."""
        self.assertEqual(
            [self.cards[rep].rating for rep in self.employees.user_id],
            ["A", "B", "C", "D"],
        )

    def test_department_side_by_side(self):
        """HR sees every scorecard of the department and its sub-departments,
        and the distribution of ratings next to the guideline."""
        form = self._wizard()
        self.assertEqual(form.template_id, self.template)
        wizard = form.save()
        self.assertEqual(
            wizard.line_ids.employee_id, self.emp_1 | self.emp_2 | self.emp_3
        )
        self.assertEqual(wizard.line_ids.mapped("current_rating"), ["A", "B", "C"])
        # One of three in A: 33 % against a guideline of 10 %: +23 points.
        self.assertIn("33 %", wizard.distribution)
        self.assertIn("+23", wizard.distribution)
        self.assertEqual(wizard.change_count, 0)
        only = self._wizard(include_sub_departments=False).save()
        self.assertEqual(only.line_ids.employee_id, self.emp_1 | self.emp_2)

    def test_opens_on_what_waits_for_hr(self):
        """The dialog opens on the period whose scorecards wait on HR
        calibration and on the smallest department holding them all."""
        Calibration = self.env["performance.calibration"].with_user(self.hr_officer)
        # Set the demo data's scorecards aside.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE performance_scorecard SET state = 'manager_review'"
            " WHERE state = 'hr_calibration'"
        )
        self.env.invalidate_all()
        self.assertFalse(Form(Calibration).period_id)
        self.cards[self.rep_2].sudo().state = "hr_calibration"
        self.cards[self.rep_3].sudo().state = "hr_calibration"
        form = Form(Calibration)
        self.assertEqual(form.period_id, self.jan)
        # Field Sales and its sub-department Key Accounts: Field Sales.
        self.assertEqual(form.department_id, self.field_sales)
        self.assertEqual(
            form.save().line_ids.employee_id, self.emp_1 | self.emp_2 | self.emp_3
        )
        # Inside Sales is beside Field Sales, under no common department.
        self.cards[self.rep_4].sudo().state = "hr_calibration"
        form = Form(Calibration)
        self.assertEqual(form.period_id, self.jan)
        self.assertFalse(form.department_id)

    def test_scorecards_before_hr_calibration_are_flagged(self):
        """Scorecards still at self or manager review are counted and
        flagged: their score may change before HR calibration."""
        self.cards[self.rep_1].sudo().state = "manager_review"
        self.cards[self.rep_2].sudo().state = "hr_calibration"
        wizard = self._wizard().save()
        # Rep 1 at manager review, rep 3 still at self review.
        self.assertEqual(wizard.early_count, 2)
        self.cards[self.rep_3].sudo().state = "hr_calibration"
        self.assertEqual(self._wizard().save().early_count, 1)

    def test_change_needs_comment(self):
        """A changed rating without a comment is refused and nothing changes;
        with one, the scorecard keeps the rating and the comment."""
        before = self._snapshot()
        wizard = self._wizard().save()
        line = wizard.line_ids.filtered(lambda line: line.employee_id == self.emp_1)
        line.band_id = self.band["B"]
        self.assertEqual(wizard.change_count, 1)
        with self.assertRaisesRegex(UserError, "Explain each changed rating"):
            wizard.action_apply()
        self.assertEqual(self._snapshot(), before)

        line.comment = "  Most revenue came from one inherited account.  "
        wizard.action_apply()
        card = self.cards[self.rep_1]
        self.assertEqual(card.rating, "B")
        self.assertEqual(card.rating_override, "B")
        self.assertEqual(
            card.calibration_comment, "Most revenue came from one inherited account."
        )
        note = card.message_ids.filtered(lambda message: "calibrated" in message.body)
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.hr_officer.partner_id)
        self.assertIn("from A to B", note.body)
        self.assertIn("Most revenue came from one inherited account.", note.body)

        # Back to the computed rating: the override goes, the comment stays.
        wizard = self._wizard().save()
        line = wizard.line_ids.filtered(lambda line: line.employee_id == self.emp_1)
        self.assertEqual(line.current_rating, "B")
        line.write({"band_id": self.band["A"].id, "comment": "Reviewed again."})
        wizard.action_apply()
        self.assertEqual(card.rating, "A")
        self.assertFalse(card.rating_override)
        self.assertEqual(card.calibration_comment, "Reviewed again.")

    def test_nothing_changed(self):
        """Applying without a change says so."""
        wizard = self._wizard().save()
        with self.assertRaisesRegex(UserError, "No rating was changed"):
            wizard.action_apply()

    def test_frozen_scorecard_refused(self):
        """An approved scorecard is not calibrated from the department view:
        the whole calibration is refused and nothing changes."""
        self.cards[self.rep_2].sudo().state = "approved"
        before = self._snapshot()
        wizard = self._wizard().save()
        lines = {line.employee_id: line for line in wizard.line_ids}
        lines[self.emp_1].write({"band_id": self.band["B"].id, "comment": "x"})
        lines[self.emp_2].write({"band_id": self.band["C"].id, "comment": "y"})
        with self.assertRaisesRegex(UserError, "approved and frozen"):
            wizard.action_apply()
        self.assertEqual(self._snapshot(), before)

    def test_only_hr_calibrates(self):
        """Department managers and reps can neither open the calibration nor
        change a rating."""
        for user in (self.leader_b, self.rep_1):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["performance.calibration"].with_user(user).create(
                    {"period_id": self.jan.id, "department_id": self.field_sales.id}
                )

    def test_department_analysis(self):
        """The analysis by department counts each rating next to its guideline,
        for HR only."""
        self.env.flush_all()
        Report = self.env["performance.department.calibration.report"]
        rows = Report.with_user(self.hr_officer).search(
            [
                ("period_id", "=", self.jan.id),
                ("department_id", "=", self.field_sales.id),
            ]
        )
        self.assertEqual(
            {
                row.rating: (row.scorecard_count, row.share_pct, row.gap_pct)
                for row in rows
            },
            {"A": (1, 50, 40), "B": (1, 50, 20), "C": (0, 0, -40), "D": (0, 0, -20)},
        )
        for user in (self.leader_b, self.rep_1):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Report.with_user(user).search([])

    def test_department_analysis_per_company(self):
        """An HR officer of two companies sees each company's departments, in
        the analysis and in the calibration, only while that company is
        active."""
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "Sales B"})
        self.hr_officer.company_ids += company_b
        period_b = self.Period.generate_fiscal_year(
            2025, company_b
        ).child_ids.child_ids.sorted("date_start")[0]
        rep_b = new_test_user(
            self.env,
            login="rep_b",
            groups=REP_GROUPS,
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        department_b = self.env["hr.department"].create(
            {"name": "Field Sales B", "company_id": company_b.id}
        )
        self.env["hr.employee"].create(
            {
                "name": "Rep B",
                "user_id": rep_b.id,
                "company_id": company_b.id,
                "department_id": department_b.id,
            }
        )
        template_b = self.template.copy(
            {"company_id": company_b.id, "team_ids": [Command.clear()]}
        )
        template_b.user_ids = rep_b
        card_b = template_b.generate_scorecards(period_b)
        # Made while only the first company is active: the employee is found.
        self.assertEqual(card_b.department_id, department_b)
        self.env.flush_all()
        Report = self.env["performance.department.calibration.report"].with_user(
            self.hr_officer
        )
        for companies, expected in (
            (company_a, self.field_sales | self.key_accounts | self.inside_sales),
            (company_b, department_b),
            (
                company_a | company_b,
                self.field_sales | self.key_accounts | self.inside_sales | department_b,
            ),
        ):
            with self.subTest(companies=companies.mapped("name")):
                rows = Report.with_context(allowed_company_ids=companies.ids).search([])
                self.assertEqual(rows.department_id, expected)
        wizard = (
            self.env["performance.calibration"]
            .with_user(self.hr_officer)
            .with_context(allowed_company_ids=company_b.ids)
            .create({"period_id": period_b.id, "department_id": department_b.id})
        )
        self.assertEqual(wizard.company_id, company_b)
        self.assertEqual(wizard.line_ids.scorecard_id.user_id, rep_b)


@tagged("post_install", "-at_install")
class TestDevelopment(HrScorecardCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template.line_ids.write(
            {"training_threshold": 90, "training_action": "Negotiation workshop"}
        )
        cls.emp_1.parent_id = cls.manager_employee
        cls.env.company.performance_promotion_periods = 3

    def _approve(self, cards):
        """HR approves the scorecards at the calibration step."""
        cards.sudo().state = "hr_calibration"
        cards.with_user(self.hr_officer).action_approve()
        self.assertEqual(set(cards.mapped("state")), {"approved"})

    def _trainings(self, card):
        return card.activity_ids.filtered(
            lambda activity: activity.summary == "Training: Negotiation workshop"
        )

    def test_training_below_threshold(self):
        """A KPI scoring below its training threshold schedules the recommended
        training for the salesperson once, at approval; above it, nothing."""
        cards = self._cards()
        low, high = cards[self.rep_3], cards[self.rep_1]
        self._approve(low | high)
        training = self._trainings(low)
        self.assertEqual(len(training), 1)
        self.assertEqual(training.user_id, self.rep_3)
        self.assertIn("scored 80.0", training.note)
        self.assertIn("below 90.0", training.note)
        self.assertTrue(low.line_ids.training_scheduled)
        self.assertFalse(self._trainings(high))
        # Reopened and approved again: not scheduled twice.
        low.with_user(self.hr_officer).action_reopen(reason="Check the targets")
        low.with_user(self.hr_officer).action_approve()
        self.assertEqual(len(self._trainings(low)), 1)
        # The salesperson sees it on their scorecard.
        self.assertEqual(self._trainings(low.with_user(self.rep_3)).user_id, self.rep_3)

    def test_training_needs_an_action(self):
        """A training threshold without a training, or below 0, is refused."""
        line = self.template.line_ids
        for vals, message in (
            (
                {"training_threshold": 80, "training_action": False},
                "Say which training",
            ),
            ({"training_threshold": -1}, "cannot be negative"),
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError) as caught:
                line.write(vals)
            self.assertIn(message, str(caught.exception))
        self.assertEqual(line.training_threshold, 90)
        self.assertEqual(line.training_action, "Negotiation workshop")

    def test_promotion_readiness(self):
        """Three consecutive months in the top rating flag rep_1 as ready for
        promotion, with a note and an activity for their manager; reopening
        the last month takes the flag back."""
        feb, mar = self.feb, self.mar
        for period, day in ((feb, date(2025, 2, 10)), (mar, date(2025, 3, 10))):
            self._target(1_000, owner=self.rep_1, period=period)
            self._invoices([(self.rep_1, 1_300, day)])
        jan_card = self._cards(self.jan)[self.rep_1]
        feb_card = self._cards(feb)[self.rep_1]
        mar_card = self._cards(mar)[self.rep_1]
        self.assertEqual(
            (jan_card | feb_card | mar_card).mapped("rating"), ["A", "A", "A"]
        )
        self._approve(jan_card | feb_card)
        self.assertEqual(self.emp_1.performance_top_streak, 2)
        self.assertFalse(self.emp_1.performance_promotion_ready)

        self._approve(mar_card)
        self.assertEqual(self.emp_1.performance_top_streak, 3)
        self.assertTrue(self.emp_1.performance_promotion_ready)
        activity = self.emp_1.activity_ids.filtered(
            lambda activity: activity.summary == "Promotion readiness"
        )
        self.assertEqual(activity.user_id, self.leader_b)
        self.assertTrue(
            self.emp_1.message_ids.filtered(
                lambda message: "ready for promotion" in message.body
            )
        )
        # rep_2 was approved in January only.
        self._approve(self._cards(self.jan)[self.rep_2])
        self.assertEqual(self.emp_2.performance_top_streak, 0)

        mar_card.with_user(self.hr_officer).action_reopen(reason="Late credit note")
        self.assertEqual(self.emp_1.performance_top_streak, 2)
        self.assertFalse(self.emp_1.performance_promotion_ready)

    def test_promotion_needs_consecutive_periods(self):
        """A month without an approved scorecard breaks the series; 0 periods
        in the settings never flags."""
        self._target(1_000, owner=self.rep_1, period=self.mar)
        self._invoices([(self.rep_1, 1_300, date(2025, 3, 10))])
        cards = self._cards(self.jan)[self.rep_1] | self._cards(self.mar)[self.rep_1]
        self.env.company.performance_promotion_periods = 1
        self._approve(cards)
        self.assertEqual(self.emp_1.performance_top_streak, 1)
        self.assertTrue(self.emp_1.performance_promotion_ready)
        self.env.company.performance_promotion_periods = 0
        self.emp_1._update_performance_promotion()
        self.assertFalse(self.emp_1.performance_promotion_ready)

    def test_performance_tab(self):
        """The employee form (for employee officers) lists the last scorecards
        the reader may see: HR and the department manager see them, a team
        leader of another team outside the department does not."""
        hr_user = self.env.ref("hr.group_hr_user")
        for user in self.hr_officer | self.leader_a | self.leader_b:
            user.groups_id += hr_user
        cards = self._cards()
        for user, employee, expected in (
            (self.hr_officer, self.emp_1, cards[self.rep_1]),
            (self.leader_b, self.emp_1, cards[self.rep_1]),
            (self.leader_b, self.emp_3, cards[self.rep_3]),
            (self.leader_a, self.emp_4, cards[self.rep_4].browse()),
        ):
            with self.subTest(user=user.login, employee=employee.name):
                self.assertEqual(
                    employee.with_user(user).performance_scorecard_recent_ids,
                    expected,
                )

    def test_department_manager_writes_nothing(self):
        """The department manager reads the department's targets and
        scorecards but neither changes a target nor a rating."""
        card = self._cards()[self.rep_2]
        target = self.env["performance.target"].search(
            [("user_id", "=", self.rep_2.id), ("period_id", "=", self.jan.id)]
        )
        self.assertEqual(
            target.with_user(self.leader_b).read(["target_value"])[0]["target_value"],
            1_000,
        )
        with self.assertRaises(AccessError):
            target.with_user(self.leader_b).write({"target_value": 2_000})
        with self.assertRaises(AccessError):
            card.with_user(self.leader_b).write(
                {"rating_override": "A", "calibration_comment": "Friend of mine."}
            )
        self.assertEqual(target.target_value, 1_000)
        self.assertEqual(card.rating, "B")
