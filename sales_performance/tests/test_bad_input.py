from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import PerformanceCommon


@tagged("post_install", "-at_install")
class TestBadInput(PerformanceCommon):
    """Each bad input is refused with a clear message and changes nothing."""

    def _snapshot(self, model, domain=None):
        records = self.env[model].with_context(active_test=False).search(domain or [])
        fields_ = [
            name
            for name, field in records._fields.items()
            if field.store and field.type != "binary"
        ]
        records.invalidate_recordset()
        return records.read(fields_)

    def assertRefused(self, exception, message, function, model="performance.target"):
        before = self._snapshot(model)
        with self.assertRaises(exception) as caught:
            function()
        self.assertRegex(str(caught.exception), message)
        self.env.invalidate_all()
        self.assertEqual(self._snapshot(model), before)

    def test_overlapping_periods(self):
        """Two months of one company cannot share a day."""
        self.assertRefused(
            ValidationError,
            "overlaps",
            lambda: self.Period.create(
                {
                    "name": "Mid Jan",
                    "date_start": "2025-01-20",
                    "date_end": "2025-02-10",
                }
            ),
            model="performance.period",
        )

    def test_period_ending_before_it_starts(self):
        """A period cannot end before it starts."""
        self.assertRefused(
            ValidationError,
            "cannot end before it starts",
            lambda: self.Period.create(
                {
                    "name": "Bad",
                    "period_type": "year",
                    "date_start": "2040-02-01",
                    "date_end": "2040-01-01",
                }
            ),
            model="performance.period",
        )

    def test_target_on_closed_period(self):
        """A closed period takes no new target."""
        self.feb.action_close()
        self.assertRefused(
            UserError,
            "closed: it takes no new targets",
            lambda: self._target(10.0, period=self.feb),
        )

    def test_change_on_closed_period(self):
        """The targets of a closed period are frozen."""
        target = self._target(10.0, owner=self.rep_1, period=self.feb)
        self.feb.action_close()
        self.assertRefused(
            UserError,
            "closed: its targets cannot change",
            lambda: target.with_context(performance_change_reason="x").write(
                {"target_value": 20.0}
            ),
        )

    def test_negative_target(self):
        """A target cannot be negative."""
        self.assertRefused(
            ValidationError, "cannot be negative", lambda: self._target(-1.0)
        )
        target = self._target(5.0, period=self.feb)
        self.assertRefused(
            ValidationError,
            "cannot be negative",
            lambda: target.with_context(performance_change_reason="x").write(
                {"target_value": -5.0}
            ),
        )

    def test_negative_weight(self):
        """Allocation weights cannot be negative."""
        parent = self._target(100.0, owner=self.team_a, allocation_method="weight")
        parent.action_allocate()
        self.assertRefused(
            ValidationError,
            "weight of .* cannot be negative",
            lambda: parent.child_ids[0].write({"allocation_weight": -1.0}),
        )

    def test_all_zero_weights(self):
        """Allocating by weights needs at least one positive weight."""
        parent = self._target(100.0, owner=self.team_a, allocation_method="manual")
        parent.action_allocate()
        parent.child_ids.allocation_weight = 0.0
        parent.allocation_method = "weight"
        self.assertRefused(
            UserError, "at least one must be positive", parent.action_allocate
        )

    def test_history_without_actuals(self):
        """Allocating by last year's share needs last year's actuals."""
        parent = self._target(100.0, owner=self.team_a, allocation_method="history")
        self.assertRefused(UserError, "no actuals last year", parent.action_allocate)

    def test_child_on_other_kpi_or_period(self):
        """A child target has its parent's KPI and period."""
        parent = self._target(100.0, owner=self.team_a)
        self.assertRefused(
            ValidationError,
            "same KPI and period",
            lambda: self._target(
                10.0, kpi=self.kpi_won, owner=self.rep_1, parent_id=parent.id
            ),
        )
        self.assertRefused(
            ValidationError,
            "same KPI and period",
            lambda: self._target(
                10.0, period=self.feb, owner=self.rep_1, parent_id=parent.id
            ),
        )

    def test_child_on_wrong_level(self):
        """A company target is allocated to teams, not directly to salespeople."""
        parent = self._target(100.0)
        self.assertRefused(
            ValidationError,
            "cannot be a child",
            lambda: self._target(10.0, owner=self.rep_1, parent_id=parent.id),
        )

    def test_user_outside_the_team(self):
        """A salesperson target under a team target belongs to a member of that team."""
        parent = self._target(100.0, owner=self.team_a)
        self.assertRefused(
            ValidationError,
            "is not a member of the sales team Team A",
            lambda: self._target(10.0, owner=self.rep_3, parent_id=parent.id),
        )

    def test_duplicate_target(self):
        """One target per KPI, period and owner."""
        self._target(10.0, owner=self.rep_1)
        self.assertRefused(
            ValidationError,
            "already a target",
            lambda: self._target(20.0, owner=self.rep_1),
        )

    def test_target_in_other_company_than_its_team(self):
        """A team target lives in its team's company."""
        other = self.setup_other_company()["company"]
        self.env.user.company_ids += other
        period = self.Period.create(
            {
                "name": "O",
                "date_start": "2025-01-01",
                "date_end": "2025-01-31",
                "company_id": other.id,
            }
        )
        self.assertRefused(
            ValidationError,
            "its sales team Team A belongs to",
            lambda: self.Target.create(
                {
                    "kpi_id": self.kpi_revenue.id,
                    "period_id": period.id,
                    "company_id": other.id,
                    "owner_type": "team",
                    "team_id": self.team_a.id,
                    "target_value": 1.0,
                }
            ),
        )

    @freeze_time("2025-01-10")
    def test_change_without_reason(self):
        """Once the period started, changing a target needs a reason."""
        target = self._target(100.0, owner=self.rep_1)
        self.assertRefused(
            UserError, "give a reason", lambda: target.write({"target_value": 50.0})
        )

    @freeze_time("2025-01-10")
    def test_allocation_without_reason(self):
        """Re-allocating a started period through the wizard needs a reason."""
        parent = self._target(100.0, owner=self.team_a)
        parent.action_allocate()
        parent.with_context(performance_change_reason="Budget").target_value = 300.0
        wizard = (
            self.env["performance.target.allocate"]
            .with_context(active_model="performance.target", active_ids=parent.ids)
            .create({"allocation_method": "equal"})
        )
        self.assertTrue(wizard.reason_required)
        self.assertRefused(UserError, "give a reason", wizard.action_allocate)

    def test_source_kpi_field_of_another_model(self):
        """A source KPI's fields belong to its model."""
        self.assertRefused(
            ValidationError,
            "does not belong to the model account.move",
            lambda: self.Kpi.create(
                {
                    "name": "Broken",
                    "code": "BROKEN",
                    "kind": "source",
                    "model_id": self.env.ref("account.model_account_move").id,
                    "date_field_id": self.env.ref("crm.field_crm_lead__date_closed").id,
                    "user_field_id": self.env.ref(
                        "account.field_account_move__invoice_user_id"
                    ).id,
                    "aggregation": "count",
                }
            ),
            model="performance.kpi",
        )

    def test_source_kpi_domain_does_not_parse(self):
        """A source KPI's domain must parse and name fields of its model."""
        for domain in ("[('state', '=', ", "[('no_such_field', '=', 1)]", "42"):
            self.assertRefused(
                ValidationError,
                "domain of the KPI .* is not valid",
                lambda domain=domain: self.kpi_revenue.copy(
                    {"code": "REV2", "domain": domain}
                ),
                model="performance.kpi",
            )

    def test_ratio_referring_to_itself(self):
        """A ratio KPI cannot divide by itself, directly or through another ratio."""
        collected = self.env.ref("sales_performance.kpi_collected")
        self.assertRefused(
            ValidationError,
            "refers to itself",
            lambda: self.kpi_win_rate.write({"denominator_id": self.kpi_win_rate.id}),
            model="performance.kpi",
        )
        outer = self.Kpi.create(
            {
                "name": "Outer",
                "code": "OUTER",
                "kind": "ratio",
                "unit": "number",
                "numerator_id": self.kpi_win_rate.id,
                "denominator_id": collected.id,
            }
        )
        self.assertRefused(
            ValidationError,
            "refers to itself",
            lambda: self.kpi_win_rate.write({"numerator_id": outer.id}),
            model="performance.kpi",
        )
