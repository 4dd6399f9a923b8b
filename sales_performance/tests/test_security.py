from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import HR_GROUPS, JAN_15, PerformanceCommon


@tagged("post_install", "-at_install")
class TestTargetAccess(PerformanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_target = cls._target(1000.0)
        cls.team_a_target = cls._target(
            600.0, owner=cls.team_a, parent_id=cls.company_target.id
        )
        cls.team_b_target = cls._target(
            400.0, owner=cls.team_b, parent_id=cls.company_target.id
        )
        cls.rep_1_target = cls._target(
            300.0, owner=cls.rep_1, parent_id=cls.team_a_target.id
        )
        cls.rep_2_target = cls._target(
            300.0, owner=cls.rep_2, parent_id=cls.team_a_target.id
        )
        cls.rep_3_target = cls._target(
            400.0, owner=cls.rep_3, parent_id=cls.team_b_target.id
        )
        cls.all_targets = (
            cls.company_target
            | cls.team_a_target
            | cls.team_b_target
            | cls.rep_1_target
            | cls.rep_2_target
            | cls.rep_3_target
        )

    def test_rep_sees_only_own_targets(self):
        """A rep reads their own targets and nothing else."""
        Target = self.Target.with_user(self.rep_1)
        self.assertEqual(
            Target.search([("id", "in", self.all_targets.ids)]), self.rep_1_target
        )
        self.assertEqual(self.rep_1_target.with_user(self.rep_1).target_value, 300.0)
        with self.assertRaises(AccessError):
            self.rep_2_target.with_user(self.rep_1).read(["target_value"])
        with self.assertRaises(AccessError):
            self.team_a_target.with_user(self.rep_1).read(["target_value"])

    def test_rep_cannot_change_or_create_targets(self):
        """A rep cannot raise, lower, create or delete a target, not even their own."""
        with self.assertRaises(AccessError):
            self.rep_1_target.with_user(self.rep_1).write({"target_value": 1.0})
        with self.assertRaises(AccessError):
            self.Target.with_user(self.rep_1).create(
                {
                    "kpi_id": self.kpi_revenue.id,
                    "period_id": self.feb.id,
                    "owner_type": "user",
                    "user_id": self.rep_1.id,
                    "target_value": 1.0,
                }
            )
        with self.assertRaises(AccessError):
            self.rep_1_target.with_user(self.rep_1).unlink()
        self.assertEqual(self.rep_1_target.target_value, 300.0)

    def test_leader_sees_own_team(self):
        """A leader reads the targets of the teams they lead and of their members."""
        Target = self.Target.with_user(self.leader_a)
        self.assertEqual(
            Target.search([("id", "in", self.all_targets.ids)]),
            self.team_a_target | self.rep_1_target | self.rep_2_target,
        )
        with self.assertRaises(AccessError):
            self.rep_3_target.with_user(self.leader_a).read(["target_value"])

    def test_leader_allocates_own_team_only(self):
        """A leader allocates their team's target, and no other team's."""
        team_target = self._target(900.0, owner=self.team_a, period=self.feb)
        team_target.with_user(self.leader_a).action_allocate()
        self.assertEqual(team_target.child_ids.mapped("target_value"), [450.0, 450.0])
        with self.assertRaises(AccessError):
            self.Target.with_user(self.leader_a).create(
                {
                    "kpi_id": self.kpi_revenue.id,
                    "period_id": self.feb.id,
                    "owner_type": "user",
                    "team_id": self.team_b.id,
                    "user_id": self.rep_3.id,
                    "target_value": 1.0,
                }
            )
        with self.assertRaises(AccessError):
            self.team_b_target.with_user(self.leader_a).action_allocate()

    def test_refresh_counts_documents_the_user_cannot_read(self):
        """A rep refreshes their own actual; a team's counts every member's."""
        self._invoices([(self.rep_1, 100.0, JAN_15), (self.rep_2, 50.0, JAN_15)])
        self.rep_1_target.with_user(self.rep_1).action_compute()
        self.assertEqual(self.rep_1_target.actual, 100.0)
        self.team_a_target.with_user(self.leader_a).action_compute()
        self.assertEqual(self.team_a_target.actual, 150.0)
        with self.assertRaises(AccessError):
            self.rep_2_target.with_user(self.rep_1).action_compute()

    def test_hr_sees_all_but_configures_nothing(self):
        """HR reads every target of the company but cannot change KPIs or periods."""
        Target = self.Target.with_user(self.hr_officer)
        self.assertEqual(
            Target.search([("id", "in", self.all_targets.ids)]), self.all_targets
        )
        with self.assertRaises(AccessError):
            self.kpi_revenue.with_user(self.hr_officer).write({"name": "Revenue"})
        with self.assertRaises(AccessError):
            self.jan.with_user(self.hr_officer).write({"name": "January"})

    def test_admin_configures(self):
        """The performance administrator creates periods and KPIs."""
        year = self.Period.with_user(self.perf_admin).generate_fiscal_year(2031)
        self.assertEqual(len(year.child_ids.child_ids), 12)
        kpi = self.Kpi.with_user(self.perf_admin).create(
            {
                "name": "Satisfaction",
                "code": "SAT2",
                "kind": "manual",
                "unit": "percent",
            }
        )
        self.assertEqual(kpi.kind, "manual")

    def test_rep_cannot_configure(self):
        """A rep reads KPIs and periods and changes neither."""
        self.assertTrue(self.kpi_revenue.with_user(self.rep_1).name)
        with self.assertRaises(AccessError):
            self.Kpi.with_user(self.rep_1).create(
                {"name": "X", "code": "X", "kind": "manual"}
            )
        with self.assertRaises(AccessError):
            self.Period.with_user(self.rep_1).generate_fiscal_year(2032)

    def test_other_company_targets_are_invisible(self):
        """HR of one company does not see the targets of another company."""
        other = self.setup_other_company()["company"]
        period = self.Period.create(
            {
                "name": "Other Jan",
                "date_start": "2025-01-01",
                "date_end": "2025-01-31",
                "company_id": other.id,
            }
        )
        foreign = self.Target.create(
            {
                "kpi_id": self.kpi_revenue.id,
                "period_id": period.id,
                "company_id": other.id,
                "owner_type": "company",
                "target_value": 5.0,
            }
        )
        Target = self.Target.with_user(self.hr_officer)
        self.assertFalse(Target.search([("id", "=", foreign.id)]))
        with self.assertRaises(AccessError):
            foreign.with_user(self.hr_officer).read(["target_value"])
        both = new_test_user(
            self.env,
            login="hr_both",
            groups=HR_GROUPS,
            company_id=other.id,
            company_ids=[Command.set((other | self.env.company).ids)],
        )
        self.assertEqual(
            self.Target.with_user(both)
            .with_company(other)
            .search([("id", "=", foreign.id)]),
            foreign,
        )


@tagged("post_install", "-at_install")
class TestInvoiceReportAccess(PerformanceCommon):
    def test_rows_follow_the_target_rules(self):
        """Invoice analysis: a rep sees own rows, a leader the team's, HR all."""
        invoices = self._invoices(
            [
                (self.rep_1, 100.0, JAN_15),
                (self.rep_2, 200.0, JAN_15),
                (self.rep_3, 300.0, JAN_15),
            ]
        )
        Report = self.env["performance.invoice.report"]
        domain = [("move_id", "in", invoices.ids)]
        self.env.flush_all()
        self.assertEqual(
            Report.with_user(self.rep_1).search(domain).move_id, invoices[0]
        )
        self.assertEqual(
            Report.with_user(self.leader_a).search(domain).move_id, invoices[:2]
        )
        self.assertEqual(
            Report.with_user(self.hr_officer).search(domain).move_id, invoices
        )
        groups = Report.with_user(self.rep_1).read_group(
            domain, ["amount_untaxed:sum"], []
        )
        self.assertEqual(groups[0]["amount_untaxed"], 100.0)


@tagged("post_install", "-at_install")
class TestLeaderLimits(PerformanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_target = cls._target(1000.0, owner=cls.team_a)
        cls.rep_target = cls._target(
            500.0, owner=cls.rep_1, parent_id=cls.team_target.id
        )

    def test_leader_cannot_change_the_team_target(self):
        """The target handed down to a team is not the leader's to change or delete."""
        as_leader = self.team_target.with_user(self.leader_a)
        for vals in ({"target_value": 1.0}, {"parent_id": False}, {"actual": 5.0}):
            with self.assertRaises(AccessError):
                as_leader.write(dict(vals, change_reason="x"))
        with self.assertRaises(AccessError):
            as_leader.unlink()
        self.assertEqual(self.team_target.target_value, 1000.0)

    def test_leader_cannot_set_own_target_or_company_target(self):
        """A leader sets neither their own target nor a company target."""
        self.team_a.member_ids = [Command.link(self.leader_a.id)]
        own = self._target(
            100.0, owner=self.leader_a, period=self.feb, team_id=self.team_a.id
        )
        with self.assertRaises(AccessError):
            own.with_user(self.leader_a).write({"target_value": 1.0})
        with self.assertRaises(AccessError):
            self.Target.with_user(self.leader_a).create(
                {
                    "kpi_id": self.kpi_revenue.id,
                    "period_id": self.feb.id,
                    "owner_type": "company",
                    "target_value": 1.0,
                }
            )

    def test_leader_chooses_the_split(self):
        """The leader picks how the team target is split, through the wizard."""
        wizard = (
            self.env["performance.target.allocate"]
            .with_user(self.leader_a)
            .with_context(
                active_model="performance.target", active_ids=self.team_target.ids
            )
            .create({"allocation_method": "equal", "reason": "Kick-off"})
        )
        wizard.action_allocate()
        # The team target already had one allocated target: it gets it all.
        self.assertEqual(self.rep_target.target_value, 1000.0)
        self.assertEqual(self.team_target.allocation_method, "equal")
        with self.assertRaises(AccessError):
            self.team_target.with_user(self.leader_b)._set_allocation_method("manual")

    def test_actual_of_computed_kpi_is_not_typed(self):
        """Nobody types in the actual of a computed KPI."""
        with self.assertRaisesRegex(UserError, "computed from documents"):
            self.rep_target.with_user(self.leader_a).write({"actual": 999999.0})
        with self.assertRaisesRegex(UserError, "computed from documents"):
            self.rep_target.with_user(self.hr_officer).write({"actual": 999999.0})
        self.assertEqual(self.rep_target.actual, 0.0)

    def test_delete_rules(self):
        """After the start only HR deletes a target; in a closed period nobody does."""
        with self.assertRaisesRegex(UserError, "only HR can delete it"):
            self.rep_target.with_user(self.leader_a).unlink()
        other = self._target(10.0, owner=self.rep_2, parent_id=self.team_target.id)
        other.with_user(self.hr_officer).unlink()
        self.assertFalse(other.exists())
        self.jan.action_close()
        with self.assertRaisesRegex(UserError, "closed"):
            self.rep_target.with_user(self.hr_officer).unlink()

    def test_only_admin_closes_periods(self):
        """Closing a period is configuration: HR cannot, the administrator can."""
        with self.assertRaises(AccessError):
            self.feb.with_user(self.hr_officer).action_close()
        self.feb.with_user(self.perf_admin).action_close()
        self.assertEqual(self.feb.state, "closed")
