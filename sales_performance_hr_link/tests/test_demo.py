"""The HR story of the demo, as installed (``performance.hr.demo``).

These tests read the demo data of the database they run in: they are skipped,
with the reason, only when ``ir.module.module`` says the addon was installed
without demo data; with demo data, a missing record fails with its name.

The demo follows the day it was installed on, so the expected proration is
worked out here by hand from the company's working schedule: the weekdays
its attendances cover, less the public holidays of the company, per month.
For example, with the leave in October 2026 (22 weekdays, no public holiday)
the week off leaves 17/22 of the month.
"""

from datetime import timedelta

from pytz import timezone, utc

from odoo.tests import TransactionCase, tagged

MODULE = "sales_performance_hr_link."
DEMO = "sales_performance."
INCENTIVE = "sales_performance_incentive."

SALESPEOPLE = [
    "demo_user_leader_direct",
    "demo_user_leader_key_accounts",
    "demo_user_leader_channel",
    "demo_user_rep_olivia",
    "demo_user_rep_daniel",
    "demo_user_rep_sara",
    "demo_user_rep_tom",
    "demo_user_rep_amelia",
    "demo_user_rep_lucas",
    "demo_user_rep_hannah",
    "demo_user_rep_mateo",
    "demo_user_rep_chloe",
    "demo_user_rep_ravi",
]
TEAMS = ["demo_team_direct", "demo_team_key_accounts", "demo_team_channel"]


@tagged("post_install", "-at_install")
class TestDemo(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.with_demo = (
            cls.env["ir.module.module"]
            .search([("name", "=", "sales_performance_hr_link")])
            .demo
        )
        cls.company = cls.env.ref("base.main_company")
        cls.calendar = cls.company.resource_calendar_id
        cls.Employee = cls.env["hr.employee"].with_context(active_test=False)
        cls.revenue = cls._ref(DEMO + "kpi_invoiced_revenue")

    def setUp(self):
        super().setUp()
        if not self.with_demo:
            # The only skip: a database installed without demo data has no
            # story to check. With demo data, every record below must exist.
            self.skipTest("sales_performance_hr_link is installed without demo data")

    @classmethod
    def _ref(cls, xmlid):
        record = cls.env.ref(xmlid, raise_if_not_found=False)
        if not record:
            raise AssertionError(
                f"The demo record {xmlid} is missing although the addon is "
                "installed with demo data: the HR link demo did not run."
            )
        return record

    # ------------------------------------------------------------
    # Expected values, by hand
    # ------------------------------------------------------------

    def _working_days(self, period):
        """The working days of ``period`` under the company's schedule: the
        weekdays of its attendances, less the company's public holidays."""
        weekdays = {
            int(day) for day in self.calendar.attendance_ids.mapped("dayofweek")
        }
        tz = timezone(self.calendar.tz or "UTC")
        holidays = set()
        for leave in self.env["resource.calendar.leaves"].search(
            [
                ("resource_id", "=", False),
                ("calendar_id", "in", [self.calendar.id, False]),
            ]
        ):
            day = utc.localize(leave.date_from).astimezone(tz).date()
            last = utc.localize(leave.date_to).astimezone(tz).date()
            while day <= last:
                holidays.add(day)
                day += timedelta(days=1)
        days = []
        day = period.date_start
        while day <= period.date_end:
            if day.weekday() in weekdays and day not in holidays:
                days.append(day)
            day += timedelta(days=1)
        return days

    def _month(self, day):
        month = self.env["performance.period"].search(
            [
                ("company_id", "=", self.company.id),
                ("period_type", "=", "month"),
                ("date_start", "<=", day),
                ("date_end", ">=", day),
            ]
        )
        self.assertEqual(len(month), 1, f"one month period holds {day}")
        return month

    def _revenue_target(self, user, period):
        target = self.env["performance.target"].search(
            [
                ("period_id", "=", period.id),
                ("kpi_id", "=", self.revenue.id),
                ("owner_type", "=", "user"),
                ("user_id", "=", user.id),
            ]
        )
        self.assertEqual(len(target), 1, f"{user.name} has a target in {period.name}")
        return target

    def _assert_prorated(self, target, factor):
        self.assertAlmostEqual(target.proration_factor, factor, places=9)
        self.assertFalse(target.proration_missing)
        self.assertAlmostEqual(
            target.target_prorated, round(target.target_value * factor, 2), places=2
        )

    def _assert_statement_prorated(self, statement, factor):
        self.assertAlmostEqual(statement.proration_factor, factor, places=9)
        self.assertEqual(
            statement.target_incentive_prorated,
            statement.currency_id.round(statement.target_incentive * factor),
        )

    # ------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------

    def test_employees_linked(self):
        """Every demo salesperson, the HR officer and the newcomer have one
        employee in their company, in the sales department of their team,
        managed by their team leader, on the company's schedule."""
        departments = {}
        for xmlid in TEAMS:
            team = self._ref(DEMO + xmlid)
            department = self._ref(MODULE + xmlid.replace("_team_", "_department_"))
            self.assertEqual(department.name, team.name)
            self.assertEqual(department.manager_id.user_id, team.user_id)
            self.assertEqual(department.parent_id.name, "Sales")
            departments[team] = department
        users = [self._ref(DEMO + xmlid) for xmlid in SALESPEOPLE]
        users.append(self._ref(MODULE + "demo_user_rep_noah"))
        for user in users:
            employees = self.Employee.search([("user_id", "=", user.id)])
            self.assertEqual(len(employees), 1, user.name)
            self.assertEqual(employees.company_id, user.company_id)
            self.assertEqual(employees.resource_calendar_id, self.calendar)
            self.assertTrue(employees.job_id, user.name)
            self.assertTrue(employees.barcode, user.name)
            self.assertTrue(employees.performance_cost_centre, user.name)
            self.assertTrue(employees.performance_hire_date, user.name)
            team = user.sale_team_id
            leader = team.user_id
            if leader and leader != user:
                self.assertEqual(employees.department_id, departments[team])
                self.assertEqual(employees.parent_id.user_id, leader, user.name)
        hr_officer = self._ref(DEMO + "demo_user_hr_officer")
        self.assertEqual(len(hr_officer.employee_ids), 1)
        # Targets and statements carry the employee.
        mateo = self._ref(MODULE + "demo_employee_mateo")
        targets = self.env["performance.target"].search(
            [("user_id", "=", mateo.user_id.id)]
        )
        self.assertTrue(targets)
        self.assertEqual(targets.employee_id, mateo)
        self.assertEqual(targets.department_id, mateo.department_id)

    def test_week_off_prorates_target(self):
        """Five validated working days of paid time off in a month of N
        working days leave (N - 5) / N of the month's target: 17/22 in a
        month of 22 working days."""
        leave = self._ref(MODULE + "demo_leave_mateo_week")
        mateo = self._ref(MODULE + "demo_employee_mateo")
        self.assertEqual(leave.employee_id, mateo)
        self.assertEqual(leave.state, "validate")
        self.assertEqual(
            leave.holiday_status_id, self.env.ref("hr_holidays.holiday_status_cl")
        )
        self.assertEqual(leave.number_of_days, 5)
        month = self._month(leave.request_date_from)
        self.assertEqual(self._month(leave.request_date_to), month)
        working = self._working_days(month)
        leave_days = [
            day
            for day in working
            if leave.request_date_from <= day <= leave.request_date_to
        ]
        self.assertEqual(len(leave_days), 5)
        expected = (len(working) - 5) / len(working)
        self._assert_prorated(self._revenue_target(mateo.user_id, month), expected)

    def test_half_day_prorates_target_and_draft(self):
        """A validated half day off takes half a working day off the month's
        target and off the draft statement's target incentive."""
        leave = self._ref(MODULE + "demo_leave_hannah_morning")
        hannah = self._ref(MODULE + "demo_employee_hannah")
        self.assertEqual(leave.employee_id, hannah)
        self.assertEqual(leave.state, "validate")
        self.assertTrue(leave.request_unit_half)
        self.assertEqual(leave.number_of_days, 0.5)
        month = self._month(leave.request_date_from)
        working = self._working_days(month)
        self.assertIn(leave.request_date_from, working)
        expected = (len(working) - 0.5) / len(working)
        self._assert_prorated(self._revenue_target(hannah.user_id, month), expected)
        statements = self.env["incentive.statement"].search(
            [("user_id", "=", hannah.user_id.id), ("period_id", "=", month.id)]
        )
        drafts = statements.filtered(lambda statement: statement.state == "draft")
        self.assertTrue(drafts, "Hannah's statement of the month is a draft")
        for statement in drafts:
            self._assert_statement_prorated(statement, expected)

    def test_mid_month_hire(self):
        """Noah, hired on a working day in the middle of the month, has the
        share of the month's working days from his hire date on his target
        and on his first statement."""
        noah = self._ref(MODULE + "demo_employee_noah")
        hire = noah.performance_hire_date
        month = self._month(hire)
        working = self._working_days(month)
        self.assertIn(hire, working)
        self.assertGreater(hire, working[0])
        expected = len([day for day in working if day >= hire]) / len(working)
        self.assertLess(expected, 1.0)
        target = self._revenue_target(noah.user_id, month)
        self._assert_prorated(target, expected)
        self.assertEqual(target.parent_id.team_id, self._ref(DEMO + "demo_team_direct"))
        plan = self._ref(INCENTIVE + "demo_plan_field_sales")
        assignment = plan.assignment_ids.filtered(lambda a: a.user_id == noah.user_id)
        self.assertEqual(assignment.date_start, hire)
        statement = self.env["incentive.statement"].search(
            [
                ("plan_id", "=", plan.id),
                ("user_id", "=", noah.user_id.id),
                ("period_id", "=", month.id),
            ]
        )
        self.assertEqual(statement.state, "draft")
        self._assert_statement_prorated(statement, expected)

    def test_departure(self):
        """Ravi left: archived with his departure date, no participation in a
        published plan after it, no statement of a later period, and his
        last statements computed to that day and sent for approval."""
        ravi = self._ref(MODULE + "demo_employee_ravi")
        departure = ravi.departure_date
        self.assertFalse(ravi.active)
        self.assertTrue(departure)
        self.assertEqual(
            ravi.departure_reason_id, self.env.ref("hr.departure_resigned")
        )
        user = ravi.user_id
        assignments = self.env["incentive.plan.assignment"].search(
            [("user_id", "=", user.id), ("plan_id.state", "=", "published")]
        )
        self.assertTrue(assignments)
        for assignment in assignments:
            self.assertLessEqual(assignment.date_end, departure)
            self.assertEqual(assignment.left_date, departure)
        statements = self.env["incentive.statement"].search([("user_id", "=", user.id)])
        self.assertFalse(statements.filtered(lambda s: s.date_from > departure))
        self.assertFalse(statements.filtered(lambda s: s.state == "draft"))
        month = self._month(departure)
        last = statements.filtered(lambda s: s.period_id == month)
        self.assertTrue(last, "Ravi has statements of the month he left")
        # Those with nothing earned approved themselves (the plan option).
        zero = last.filtered(lambda s: s.currency_id.is_zero(s.amount_total))
        self.assertEqual(set((last - zero).mapped("state")), {"to_approve"})
        self.assertEqual(set(zero.mapped("state")) - {"approved"}, set())
        for statement in zero:
            self.assertIn(
                "Approved automatically: nothing earned.",
                "".join(statement.message_ids.mapped("body")),
            )
        last -= zero
        working = self._working_days(month)
        expected = len([day for day in working if day <= departure]) / len(working)
        self.assertLess(expected, 1.0)
        for statement in last:
            self._assert_statement_prorated(statement, expected)
            approver = statement._get_responsible_for_approval()
            self.assertIn(
                approver,
                statement.activity_ids.user_id,
                "the approver has the statement in their activities",
            )
        self._assert_prorated(self._revenue_target(user, month), expected)

    def test_no_target_without_proration(self):
        """No target of an open period of a salesperson with an employee is
        left unprorated."""
        users = self.Employee.search([("user_id", "!=", False)]).user_id
        targets = self.env["performance.target"].search(
            [
                ("owner_type", "=", "user"),
                ("user_id", "in", users.ids),
                ("period_id.state", "=", "open"),
            ]
        )
        self.assertTrue(targets)
        self.assertFalse(targets.filtered("proration_missing"))
        self.assertEqual(
            targets.filtered(lambda t: not t.employee_id), targets.browse()
        )
