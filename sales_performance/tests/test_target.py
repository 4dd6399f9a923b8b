from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import JAN_15, REP_GROUPS, PerformanceCommon


@tagged("post_install", "-at_install")
class TestTargetActuals(PerformanceCommon):
    @freeze_time("2025-01-16")
    def test_actual_attainment_and_pace(self):
        """Half-way through January, 40 % is behind, 55 % on track and 80 % ahead."""
        self._invoices(
            [
                (self.rep_1, 400.0, JAN_15),
                (self.rep_2, 550.0, JAN_15),
                (self.rep_3, 800.0, JAN_15),
            ]
        )
        targets = self.Target.browse(
            [
                self._target(1000.0, owner=rep).id
                for rep in (self.rep_1, self.rep_2, self.rep_3)
            ]
        )
        targets.action_compute()
        self.assertEqual(targets.mapped("actual"), [400.0, 550.0, 800.0])
        self.assertEqual(targets.mapped("attainment"), [40.0, 55.0, 80.0])
        self.assertAlmostEqual(targets[0].elapsed_pct, 1600 / 31, places=1)
        self.assertEqual(targets.mapped("pace_status"), ["behind", "on_track", "ahead"])

    @freeze_time("2025-01-16")
    def test_ratio_kpi_paced_against_full_target(self):
        """A ratio KPI is expected at its target all period long, not pro rata."""
        target = self._target(50.0, kpi=self.kpi_win_rate, owner=self.rep_1)
        leads = self.env["crm.lead"].create(
            [
                {"name": f"D{i}", "type": "opportunity", "user_id": self.rep_1.id}
                for i in range(2)
            ]
        )
        leads.action_set_won()
        leads.write({"date_closed": "2025-01-10 10:00:00"})
        target.action_compute()
        self.assertEqual(target.actual, 100.0)
        self.assertEqual(target.attainment, 200.0)
        self.assertEqual(target.pace_status, "ahead")

    def test_team_and_company_actuals(self):
        """Team and company targets add up their documents."""
        self._invoices(
            [
                (self.rep_1, 100.0, JAN_15),
                (self.rep_2, 200.0, JAN_15),
                (self.rep_3, 400.0, JAN_15),
            ]
        )
        company = self._target(1000.0)
        team_a = self._target(500.0, owner=self.team_a, parent_id=company.id)
        team_b = self._target(500.0, owner=self.team_b, parent_id=company.id)
        (company | team_a | team_b).action_compute()
        self.assertEqual(
            (company.actual, team_a.actual, team_b.actual), (700.0, 300.0, 400.0)
        )
        self.assertEqual(team_b.attainment, 80.0)

    def test_kpis_asked_at_different_levels_in_one_refresh(self):
        """One refresh of revenue targets at every level, of rep revenue in
        two periods and of rep win rates gives each target its own value."""
        self._invoices(
            [
                (self.rep_1, 100.0, JAN_15),
                (self.rep_3, 400.0, JAN_15),
                (self.rep_1, 60.0, date(2025, 2, 3)),
            ]
        )
        leads = self.env["crm.lead"].create(
            [
                {"name": f"D{i}", "type": "opportunity", "user_id": self.rep_1.id}
                for i in range(4)
            ]
        )
        leads[:1].action_set_won()
        leads[1:].action_set_lost()
        leads.write({"date_closed": "2025-01-10 10:00:00"})
        company = self._target(1000.0)
        team = self._target(500.0, owner=self.team_a, parent_id=company.id)
        rep_jan = self._target(300.0, owner=self.rep_1, parent_id=team.id)
        rep_feb = self._target(300.0, owner=self.rep_1, period=self.feb)
        rate = self._target(50.0, kpi=self.kpi_win_rate, owner=self.rep_1)
        rate_3 = self._target(50.0, kpi=self.kpi_win_rate, owner=self.rep_3)
        targets = company | team | rep_jan | rep_feb | rate | rate_3
        targets.action_compute()
        self.assertEqual(
            targets.mapped("actual"), [500.0, 100.0, 100.0, 60.0, 25.0, 0.0]
        )

    def test_compute_queries_do_not_grow_with_targets(self):
        """Refreshing eight user targets costs the same queries as refreshing two."""
        extra_users = [
            new_test_user(self.env, login=f"extra_{index}", groups=REP_GROUPS)
            for index in range(4)
        ]
        reps = self.rep_1 | self.rep_2 | self.rep_3 | self.rep_4
        users = reps.browse(reps.ids + [user.id for user in extra_users])
        self._invoices(
            [
                (user, 100.0, day)
                for user in users
                for day in (JAN_15, date(2025, 2, 15), date(2025, 3, 15))
            ]
        )

        def targets(period, owners):
            return self.Target.browse(
                [self._target(10.0, owner=o, period=period).id for o in owners]
            )

        warm_up = targets(self.mar, users[:1])
        few = targets(self.jan, users[:2])
        many = targets(self.feb, users)
        warm_up.action_compute()
        count_few = self._count_queries(few.action_compute)
        count_many = self._count_queries(many.action_compute)
        self.assertEqual(count_few, count_many)
        self.assertEqual(many.mapped("actual"), [100.0] * 8)

    def test_closed_period_and_manual_kpi_keep_their_actual(self):
        """Refreshing leaves closed periods and manual KPIs alone."""
        self._invoices([(self.rep_1, 100.0, date(2025, 2, 10))])
        csat = self.env.ref("sales_performance.kpi_customer_satisfaction")
        manual = self._target(
            90.0, kpi=csat, owner=self.rep_1, period=self.feb, actual=85.0
        )
        closed = self._target(500.0, owner=self.rep_1, period=self.feb)
        self.feb.action_close()
        # Closing brings the actuals up to date, then freezes them.
        self.assertEqual(closed.actual, 100.0)
        self._invoices([(self.rep_1, 40.0, date(2025, 2, 11))])
        (manual | closed).action_compute()
        self.assertEqual(manual.actual, 85.0)
        self.assertEqual(closed.actual, 100.0)

    def test_cron_refreshes_open_periods(self):
        """The scheduled job refreshes every target of an open period."""
        self._invoices([(self.rep_1, 250.0, JAN_15)])
        target = self._target(1000.0, owner=self.rep_1)
        self.env.ref(
            "sales_performance.ir_cron_performance_target_compute"
        ).method_direct_trigger()
        self.assertEqual(target.actual, 250.0)
        self.assertTrue(target.actual_date)

    def test_source_documents_action(self):
        """A target opens exactly the documents behind its actual."""
        mine = self._invoices([(self.rep_1, 250.0, JAN_15), (self.rep_1, 50.0, JAN_15)])
        self._invoices(
            [(self.rep_2, 70.0, JAN_15), (self.rep_1, 10.0, date(2025, 2, 1))]
        )
        action = self._target(1000.0, owner=self.rep_1).action_view_documents()
        self.assertEqual(action["res_model"], "account.move")
        self.assertEqual(self.env["account.move"].search(action["domain"]), mine)


@tagged("post_install", "-at_install")
class TestTargetAllocation(PerformanceCommon):
    def test_company_to_teams_to_reps_equal(self):
        """Allocate makes a child per team, then per member, split to the cent."""
        company = self._target(100_000.01)
        company.action_allocate()
        self.assertEqual(company.child_ids.team_id, self.team_a | self.team_b)
        self.assertEqual(
            company.child_ids.mapped("target_value"), [50_000.01, 50_000.0]
        )
        team_target = company.child_ids.filtered(lambda t: t.target_value == 50_000.01)
        team_target.action_allocate()
        self.assertEqual(team_target.child_ids.user_id, team_target.team_id.member_ids)
        self.assertEqual(
            team_target.child_ids.mapped("target_value"), [25_000.01, 25_000.0]
        )
        self.assertEqual(team_target.child_ids.team_id, team_target.team_id)
        self.assertEqual(company.children_total, 100_000.01)
        self.assertEqual(company.allocation_gap, 0.0)

    def test_large_team_allocated_in_one_go(self):
        """A team of 150 salespeople: allocating its target creates the 150
        targets in one batch, and 150 salesperson targets created together
        each take the salesperson's team."""
        users = self._reps(150, "Large team")
        team = self.env["crm.team"].create(
            {"name": "Large team", "member_ids": [Command.set(users.ids)]}
        )
        team_target = self._target(1_500_000.0, owner=team)
        team_target.action_allocate()
        self.assertEqual(team_target.child_ids.user_id, users)
        self.assertEqual(team_target.child_ids.team_id, team)
        self.assertEqual(set(team_target.child_ids.mapped("target_value")), {10_000.0})
        targets = self.Target.create(
            [self._target_vals(100.0, owner=user, period=self.feb) for user in users]
        )
        self.assertEqual(targets.team_id, team)
        self.assertEqual(len(targets), 150)

    def test_three_way_split_sums_to_parent(self):
        """1,000,000 over three reps is 333,333.34 + 333,333.33 + 333,333.33."""
        rep_5 = new_test_user(self.env, login="rep_5", groups=REP_GROUPS)
        self.team_a.member_ids = [Command.link(rep_5.id)]
        team_target = self._target(1_000_000.0, owner=self.team_a)
        team_target.action_allocate()
        values = team_target.child_ids.sorted("id").mapped("target_value")
        self.assertEqual(values, [333_333.34, 333_333.33, 333_333.33])
        self.assertEqual(sum(values), 1_000_000.0)

    def test_weights(self):
        """Weights split in proportion; the remainder goes to the largest fraction."""
        team_target = self._target(
            1000.0, owner=self.team_a, allocation_method="manual"
        )
        team_target.action_allocate()
        children = team_target.child_ids.sorted("id")
        children[0].allocation_weight = 1
        children[1].allocation_weight = 2
        team_target.allocation_method = "weight"
        team_target.action_allocate()
        self.assertEqual(children.mapped("target_value"), [333.33, 666.67])

    def test_last_year_share(self):
        """Last year's share: each child gets the share of last year's actual it had."""
        self._invoices(
            [
                (self.rep_1, 300.0, date(2024, 1, 10)),
                (self.rep_2, 100.0, date(2024, 1, 20)),
            ]
        )
        team_target = self._target(
            2000.0, owner=self.team_a, allocation_method="history"
        )
        team_target.action_allocate()
        by_user = {child.user_id: child.target_value for child in team_target.child_ids}
        self.assertEqual(by_user, {self.rep_1: 1500.0, self.rep_2: 500.0})

    def test_manual_keeps_values(self):
        """Manual allocation adds missing children at zero and changes nothing."""
        team_target = self._target(
            1000.0, owner=self.team_a, allocation_method="manual"
        )
        team_target.action_allocate()
        self.assertEqual(team_target.child_ids.mapped("target_value"), [0.0, 0.0])
        team_target.child_ids[0].target_value = 700.0
        team_target.action_allocate()
        self.assertEqual(
            sorted(team_target.child_ids.mapped("target_value")), [0.0, 700.0]
        )

    def test_whole_numbers_for_counts(self):
        """Count KPIs allocate whole units: 5 won deals over two reps is 3 and 2."""
        team_target = self._target(5, kpi=self.kpi_won, owner=self.team_a)
        team_target.action_allocate()
        self.assertEqual(
            team_target.child_ids.sorted("id").mapped("target_value"), [3.0, 2.0]
        )

    def test_percent_targets_are_copied(self):
        """A percentage target is not split: every child gets the same rate."""
        team_target = self._target(35.0, kpi=self.kpi_win_rate, owner=self.team_a)
        team_target.action_allocate()
        self.assertEqual(team_target.child_ids.mapped("target_value"), [35.0, 35.0])
        self.assertFalse(team_target.is_inflated)

    def test_inflation_warning(self):
        """Children above the parent beyond the tolerance (5 %) raise the flag."""
        self.env.company.performance_inflation_tolerance = 5.0
        parent = self._target(1000.0, owner=self.team_a, allocation_method="manual")
        child_1 = self._target(600.0, owner=self.rep_1, parent_id=parent.id)
        child_2 = self._target(440.0, owner=self.rep_2, parent_id=parent.id)
        self.assertFalse(parent.is_inflated)
        self.assertEqual(parent.allocation_gap, -40.0)
        child_2.with_context(performance_change_reason="Stretch").target_value = 460.0
        self.assertTrue(parent.is_inflated)
        self.assertEqual(parent.children_total, child_1.target_value + 460.0)


@tagged("post_install", "-at_install")
class TestTargetChanges(PerformanceCommon):
    @classmethod
    def default_env_context(cls):
        return {}

    @freeze_time("2025-01-10")
    def test_change_after_start_needs_reason(self):
        """After the period starts a target changes only with a logged reason."""
        target = self._target(1000.0, owner=self.rep_1)
        self.cr.precommit.run()  # the target was created in an earlier transaction
        with self.assertRaisesRegex(UserError, "give a reason"):
            target.target_value = 1200.0
        self.assertEqual(target.target_value, 1000.0)
        target.write({"target_value": 1200.0, "change_reason": "New key account"})
        self.env.flush_all()
        self.cr.precommit.run()  # tracking is written when the transaction commits
        self.assertEqual(target.target_value, 1200.0)
        target.invalidate_recordset(["message_ids"])
        bodies = target.message_ids.mapped("body")
        self.assertTrue(any("New key account" in body for body in bodies))
        tracked = target.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "target_value"
        )
        self.assertEqual(
            (tracked.old_value_float, tracked.new_value_float), (1000.0, 1200.0)
        )

    @freeze_time("2025-01-10")
    def test_change_before_start_is_free(self):
        """Before its period starts a target changes without a reason."""
        target = self._target(1000.0, owner=self.rep_1, period=self.feb)
        target.target_value = 900.0
        self.assertEqual(target.target_value, 900.0)
        self.assertFalse(target.reason_required)

    @freeze_time("2025-01-10")
    def test_reason_reaches_allocated_targets(self):
        """Editing allocated targets from the parent's form uses the parent's reason."""
        parent = self._target(1000.0, owner=self.team_a)
        parent.action_allocate()
        child = parent.child_ids[0]
        self.cr.precommit.run()
        with self.assertRaisesRegex(UserError, "give a reason"):
            parent.write(
                {"child_ids": [Command.update(child.id, {"target_value": 600.0})]}
            )
        parent.write(
            {
                "change_reason": "Territory moved",
                "child_ids": [Command.update(child.id, {"target_value": 600.0})],
            }
        )
        self.assertEqual(child.target_value, 600.0)
        self.assertTrue(
            any("Territory moved" in body for body in child.message_ids.mapped("body"))
        )
