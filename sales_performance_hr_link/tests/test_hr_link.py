from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import HrLinkCommon


@tagged("post_install", "-at_install")
class TestHrLink(HrLinkCommon):
    """April 2025 has 22 working weekdays; no public holiday is defined.
    Field Sales, managed by Director, holds rep_1, rep_2 (hired on 15 April)
    and rep_3 (whose manager is Boss, leader_b); rep_4 has no employee."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.apr = cls.months[3]
        company = cls.env.company
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Standard 40 hours", "tz": "UTC", "company_id": company.id}
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="sales_director",
            groups="sales_team.group_sale_salesman_all_leads,"
            "sales_performance.group_performance_manager",
            company_id=company.id,
        )
        cls.director = cls._hire(cls.sales_manager, name="Director")
        cls.field_sales.manager_id = cls.director
        cls.boss = cls._hire(cls.leader_b, name="Boss")
        schedule = {
            "resource_calendar_id": cls.calendar.id,
            "tz": "UTC",
            "department_id": cls.field_sales.id,
        }
        cls.emp_1 = cls._hire(cls.rep_1, **schedule)
        cls.emp_2 = cls._hire(
            cls.rep_2, performance_hire_date=date(2025, 4, 15), **schedule
        )
        cls.emp_3 = cls._hire(cls.rep_3, parent_id=cls.boss.id, **schedule)
        cls.leave_type = cls.env["hr.leave.type"].create(
            {
                "name": "Paid Time Off",
                "requires_allocation": "no",
                "leave_validation_type": "no_validation",
                "company_id": company.id,
            }
        )

    def _leave(self, employee, date_from, date_to):
        leave = self.env["hr.leave"].create(
            {
                "employee_id": employee.id,
                "holiday_status_id": self.leave_type.id,
                "request_date_from": date_from,
                "request_date_to": date_to,
            }
        )
        if leave.state != "validate":
            leave.action_validate()
        return leave

    def test_records_show_employee(self):
        """Targets, scorecards and statements carry employee, department, job."""
        target = self._target(1_000, owner=self.rep_1, period=self.apr)
        self.assertEqual(target.employee_id, self.emp_1)
        self.assertEqual(target.department_id, self.field_sales)
        groups = self.Target._read_group(
            [("id", "=", target.id)], ["department_id"], ["__count"]
        )
        self.assertEqual(groups, [(self.field_sales, 1)])

    def test_leave_prorates_target_and_incentive(self):
        """22 working days, 5 on validated leave: 17/22 of the target and of
        the target incentive."""
        self._leave(self.emp_1, date(2025, 4, 7), date(2025, 4, 11))
        target = self._target(110_000, owner=self.rep_1, period=self.apr)
        target.action_compute()
        self.assertAlmostEqual(target.proration_factor, 17 / 22, places=4)
        # 110,000 x 17 / 22 = 85,000.
        self.assertAlmostEqual(target.target_prorated, 85_000.0, places=2)
        self._invoices([(self.rep_1, 85_000, date(2025, 4, 20))])
        target.action_compute()
        self.assertAlmostEqual(target.attainment, 100.0, places=2)

        plan = self._plan([{"kind": "percentage", "rate": 1}])
        plan.assignment_ids.sudo().target_incentive = 26_400
        statement = self._statement(plan, self.rep_1, self.apr)
        self.assertAlmostEqual(statement.proration_factor, 17 / 22, places=4)
        # A year's 26,400 over 12 months: 2,200 for April; 2,200 x 17 / 22 = 1,700.
        self.assertEqual(statement.target_incentive, 2_200.0)
        self.assertEqual(statement.target_incentive_prorated, 1_700.0)

    def test_hire_mid_month(self):
        """Hired on the 11th working day of a 22-day month: 12/22."""
        target = self._target(22_000, owner=self.rep_2, period=self.apr)
        target.action_compute()
        self.assertAlmostEqual(target.proration_factor, 12 / 22, places=4)
        self.assertAlmostEqual(target.target_prorated, 12_000.0, places=2)

    def test_full_month_is_one(self):
        """No leave, no hire or departure inside the period: factor 1."""
        target = self._target(5_000, owner=self.rep_1, period=self.apr)
        target.action_compute()
        self.assertEqual(target.proration_factor, 1.0)

    def test_no_employee_is_explicit(self):
        """A salesperson without employee: flagged, refused when prorating on
        purpose, counted in full only when the company says so."""
        target = self._target(5_000, owner=self.rep_4, period=self.apr)
        target.action_compute()
        self.assertTrue(target.proration_missing)
        with self.assertRaises(UserError) as caught:
            target.action_prorate()
        self.assertIn("has no employee", str(caught.exception))
        self.env.company.performance_prorate_without_employee = True
        target.action_prorate()
        self.assertFalse(target.proration_missing)
        self.assertEqual(target.proration_factor, 1.0)

    def test_proration_queries_do_not_grow_with_employees(self):
        """Prorating 120 salesperson targets for the first time costs the
        queries of prorating two: one read of the schedule for all employees
        sharing it, and the targets written in one UPDATE, not one per
        hundred."""
        users = self._reps(120, "Prorated")
        employees = self.env["hr.employee"].create(
            [
                {
                    "name": user.name,
                    "user_id": user.id,
                    "resource_calendar_id": self.calendar.id,
                    "tz": "UTC",
                }
                for user in users
            ]
        )
        # One employee on leave in each period: May 2025 has 22 working
        # weekdays, June 21.
        self._leave(employees[0], date(2025, 5, 5), date(2025, 5, 9))
        self._leave(employees[1], date(2025, 6, 2), date(2025, 6, 6))
        mar, may, jun = self.months[2], self.months[4], self.months[5]

        def targets(period, owners):
            return self.Target.create(
                [
                    self._target_vals(1_000, owner=owner, period=period)
                    for owner in owners
                ]
            )

        warm_up = targets(mar, users[:1])
        few = targets(jun, users[1:3])
        many = targets(may, users)
        warm_up.action_compute()
        count_few = self._count_queries(few.action_compute)
        count_many = self._count_queries(many.action_compute)
        self.assertEqual(count_few, count_many)
        self.assertAlmostEqual(many[0].proration_factor, 17 / 22, places=4)
        self.assertAlmostEqual(many[0].target_prorated, 772.73, places=2)
        self.assertEqual(set(many[1:].mapped("proration_factor")), {1.0})
        self.assertAlmostEqual(few[0].proration_factor, 16 / 21, places=4)
        self.assertEqual(few[1].proration_factor, 1.0)
        self.assertFalse(any(many.mapped("proration_missing")))

    def test_shared_working_days_equal_each_employee_alone(self):
        """Employees without days of their own share one computation per
        company; the factors equal each employee computed alone. April 2025:
        22 weekdays, Easter Monday (the 21st) a public holiday of this
        company only."""
        company = self.env.company
        other_company = self.env["res.company"].create({"name": "Other Sales Co"})
        calendar = self.env["resource.calendar"].create(
            {"name": "Shared 40 hours", "tz": "UTC", "company_id": False}
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Easter Monday",
                "calendar_id": calendar.id,
                "company_id": company.id,
                "date_from": "2025-04-21 00:00:00",
                "date_to": "2025-04-21 23:59:59",
                "time_type": "leave",
            }
        )
        hired = date(2025, 4, 15)

        def employee(name, **vals):
            return self.env["hr.employee"].create(
                {
                    "name": name,
                    "company_id": company.id,
                    "resource_calendar_id": calendar.id,
                    "tz": "UTC",
                    **vals,
                }
            )

        plain = employee("Plain")
        plain_hired = employee("Plain hired", performance_hire_date=hired)
        on_leave = employee("On leave")
        self._leave(on_leave, date(2025, 4, 7), date(2025, 4, 11))
        saturdays = employee("Saturdays", performance_hire_date=hired)
        self.env["resource.calendar.attendance"].create(
            {
                "name": "Saturday morning",
                "calendar_id": calendar.id,
                "resource_id": saturdays.resource_id.id,
                "dayofweek": "5",
                "hour_from": 8,
                "hour_to": 12,
            }
        )
        abroad = employee(
            "Abroad", company_id=other_company.id, performance_hire_date=hired
        )
        employees = plain | plain_hired | on_leave | saturdays | abroad
        together = employees._get_performance_proration(
            self.apr.date_start, self.apr.date_end
        )
        alone = {}
        for one in employees:
            alone.update(
                one._get_performance_proration(self.apr.date_start, self.apr.date_end)
            )
        self.assertEqual(together, alone)
        # 21 working days; from the 15th: 15-18, 22-25, 28-30.
        self.assertEqual(together[plain.id], 1.0)
        self.assertAlmostEqual(together[plain_hired.id], 11 / 21, places=6)
        self.assertAlmostEqual(together[on_leave.id], 16 / 21, places=6)
        # Four Saturdays more, two of them from the 15th.
        self.assertAlmostEqual(together[saturdays.id], 13 / 25, places=6)
        # The other company has no holiday: 22 days, 12 from the 15th.
        self.assertAlmostEqual(together[abroad.id], 12 / 22, places=6)

    def test_approver_from_hr_hierarchy(self):
        """Team leader first, then the employee's manager, then the department
        manager; never the person themselves."""
        self.assertEqual(
            self.rep_1._get_performance_approver(self.env.company, self.leader_a),
            self.leader_a,
        )
        self.assertEqual(
            self.rep_3._get_performance_approver(self.env.company), self.leader_b
        )
        self.assertEqual(
            self.rep_1._get_performance_approver(self.env.company),
            self.sales_manager,
        )
        self.team_a.user_id = False
        # Nothing is invoiced: without the option the statement approves itself.
        plan = self._plan([{"kind": "percentage", "rate": 1}], auto_approve_zero=False)
        statement = self._statement(plan, self.rep_1, self.apr)
        self.assertEqual(statement._get_responsible_for_approval(), self.sales_manager)
        statement.action_submit()
        statement.with_user(self.sales_manager).action_approve()
        self.assertEqual(statement.state, "approved")

    def test_department_manager_reads_department(self):
        """A department manager reads the statements of their department, and
        not others'."""
        plan = self._plan(
            [{"kind": "percentage", "rate": 1}],
            users=self.rep_1 | self.rep_4,
        )
        statements = plan.generate_statements(self.apr)
        visible = self.Statement.with_user(self.sales_manager).search(
            [("plan_id", "=", plan.id)]
        )
        self.assertEqual(
            visible, statements.filtered(lambda s: s.user_id == self.rep_1)
        )
        other = statements.filtered(lambda s: s.user_id == self.rep_4)
        with self.assertRaises(AccessError):
            other.with_user(self.sales_manager).read(["amount_total"])

    def test_department_manager_team_statements(self):
        """My Team's Statements of a department manager holds their
        department's statements, not another's nor their own."""
        plan = self._plan(
            [{"kind": "percentage", "rate": 1}],
            users=self.rep_1 | self.rep_4 | self.sales_manager,
        )
        statements = plan.generate_statements(self.apr)
        Statement = self.Statement.with_user(self.sales_manager)
        action = Statement.action_open_team_statements()
        self.assertEqual(
            Statement.search(action["domain"] + [("plan_id", "=", plan.id)]),
            statements.filtered(lambda s: s.user_id == self.rep_1),
        )

    def test_employee_smart_buttons(self):
        """The employee form counts and opens the person's records."""
        self._target(1_000, owner=self.rep_1, period=self.apr)
        self.assertEqual(self.emp_1.performance_target_count, 1)
        action = self.emp_1.action_open_performance_targets()
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]).user_id, self.rep_1
        )

    def test_departure_finalises_statements(self):
        """Archiving an employee who left on 15 April: April's statement is
        computed up to that day and sent for approval, May's is removed and
        no later statement is made."""
        self._invoices(
            [
                (self.rep_1, 1_000, date(2025, 4, 10)),
                (self.rep_1, 9_000, date(2025, 4, 20)),
            ]
        )
        plan = self._plan([{"kind": "percentage", "rate": 10}])
        april = self._statement(plan, self.rep_1, self.apr)
        may = self._statement(plan, self.rep_1, self.months[4])
        self.assertEqual(april.amount_total, 1_000.0)
        self.emp_1.write({"departure_date": date(2025, 4, 15)})
        self.emp_1.action_archive()
        self.assertFalse(may.exists())
        self.assertEqual(april.state, "to_approve")
        # Only the invoice before the departure is credited.
        self.assertEqual(april.amount_total, 100.0)
        assignment = plan.assignment_ids.filtered(lambda a: a.user_id == self.rep_1)
        self.assertEqual(assignment.date_end, date(2025, 4, 15))
        june = plan.generate_statements(self.months[5])
        self.assertFalse(june.filtered(lambda st: st.user_id == self.rep_1))

    def _refund(self, invoice, amount, refund_date):
        refund = self._invoices(
            [(self.rep_1, amount, refund_date, self.customers[0], "out_refund")],
            post=False,
        )
        refund.reversed_entry_id = invoice
        refund.action_post()
        return refund

    def test_clawback_after_departure(self):
        """rep_1 leaves on 15 April. Credit notes dated later still claw back
        inside the plan's 60-day window, from the statement of the invoice's
        period, in a closing statement; nothing else is paid after leaving.

        Tiers (marginal): 5 % up to 10,000, 10 % above.
        April: invoice of 20,000 on 10 April: 10,000 x 5 % + 10,000 x 10 % = 1,500.
        Credit note of 12,000 on 20 May (40 days): April's base becomes 8,000,
        8,000 x 5 % = 400, so 1,100 is clawed back in May.
        Credit note of 1,000 on 20 June for an invoice of 5 March (107 days):
        outside the window, nothing."""
        march_invoice, april_invoice = self._invoices(
            [
                (self.rep_1, 5_000, date(2025, 3, 5)),
                (self.rep_1, 20_000, date(2025, 4, 10)),
            ]
        )
        plan = self._plan(
            [
                {
                    "kind": "tiered",
                    "tier_basis": "amount",
                    "tiers": [(0, 10_000, 5), (10_000, None, 10)],
                }
            ],
            clawback_days=60,
        )
        april = self._statement(plan, self.rep_1, self.apr)
        self.assertEqual(april.amount_total, 1_500.0)
        self.emp_1.write({"departure_date": date(2025, 4, 15)})
        self.emp_1.action_archive()
        assignment = plan.assignment_ids.filtered(lambda a: a.user_id == self.rep_1)
        self.assertEqual(assignment.left_date, date(2025, 4, 15))
        self.assertEqual(april.state, "to_approve")
        self.assertEqual(april.amount_total, 1_500.0)

        may, june = self.months[4], self.months[5]
        self._refund(april_invoice, 12_000, date(2025, 5, 20))
        self._refund(march_invoice, 1_000, date(2025, 6, 20))
        # April is not approved yet: nothing to correct, no closing statement.
        self.assertFalse(
            plan.generate_statements(may).filtered(lambda st: st.user_id == self.rep_1)
        )
        april.with_user(self.leader_a).action_approve()
        self.assertEqual(april.state, "approved")

        closing = plan.generate_statements(may).filtered(
            lambda st: st.user_id == self.rep_1
        )
        self.assertEqual(closing.state, "draft")
        self.assertEqual(closing.line_ids.mapped("kind"), ["correction"])
        self.assertEqual(closing.line_ids.origin_statement_id, april)
        self.assertEqual(closing.amount_total, -1_100.0)
        # The approved statement is left as it was.
        self.assertEqual(april.amount_total, 1_500.0)
        closing.action_compute()
        self.assertEqual(closing.amount_total, -1_100.0)
        # June: the late credit note is outside the window and May's clawback
        # is not booked twice.
        self.assertFalse(
            plan.generate_statements(june).filtered(lambda st: st.user_id == self.rep_1)
        )
        self.assertEqual(closing.amount_total, -1_100.0)

    def test_departure_through_odoo_wizard(self):
        """Odoo's departure wizard archives first and records the date after:
        the departure is completed all the same, and records keep the
        archived employee."""
        self._invoices([(self.rep_1, 1_000, date(2025, 4, 10))])
        plan = self._plan([{"kind": "percentage", "rate": 10}])
        april = self._statement(plan, self.rep_1, self.apr)
        draft_plan = self._plan(
            [{"kind": "percentage", "rate": 5}], publish=False, name="Next Plan"
        )
        wizard = (
            self.env["hr.departure.wizard"]
            .with_context(active_id=self.emp_1.id, toggle_active=True)
            .create({"departure_date": date(2025, 4, 15)})
        )
        wizard.action_register_departure()
        self.assertFalse(self.emp_1.active)
        self.assertEqual(april.state, "to_approve")
        assignment = plan.assignment_ids.filtered(lambda a: a.user_id == self.rep_1)
        self.assertEqual(assignment.left_date, date(2025, 4, 15))
        self.assertFalse(draft_plan.assignment_ids)
        # The statement keeps its employee and department.
        for fname in ("employee_id", "department_id"):
            self.env.add_to_compute(april._fields[fname], april)
        april.flush_recordset()
        self.assertEqual(april.employee_id, self.emp_1)
        self.assertEqual(april.department_id, self.field_sales)

    def test_departed_member_not_added_by_team(self):
        """A plan published after a member of its team left: a plan starting
        after the departure leaves them out, one running over it ends their
        line on the departure day."""
        self.emp_1.write({"departure_date": date(2025, 4, 15)})
        self.emp_1.action_archive()
        team_line = [{"team_id": self.team_a.id}]
        later = self._plan(
            [{"kind": "percentage", "rate": 1}],
            users=self.env["res.users"],
            publish=False,
            name="From May",
            date_start=date(2025, 5, 1),
            assignment_ids=[(0, 0, vals) for vals in team_line],
        )
        later.action_publish()
        self.assertEqual(later.assignment_ids.user_id, self.rep_2)
        running = self._plan(
            [{"kind": "percentage", "rate": 1}],
            users=self.env["res.users"],
            publish=False,
            name="Whole Year",
            assignment_ids=[(0, 0, vals) for vals in team_line],
        )
        running.action_publish()
        line = running.assignment_ids.filtered(lambda a: a.user_id == self.rep_1)
        self.assertEqual(line.date_end, date(2025, 4, 15))
        self.assertEqual(line.left_date, date(2025, 4, 15))
        self.assertFalse(
            running.generate_statements(self.months[5]).filtered(
                lambda st: st.user_id == self.rep_1
            )
        )
