from datetime import date

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import IncentiveCommon


@tagged("post_install", "-at_install")
class TestBadInput(IncentiveCommon):
    def _assert_refused(self, error, message, function):
        """``function`` fails with ``message`` and leaves plans and statements
        as they were."""
        counts = (self.Plan.search_count([]), self.Statement.search_count([]))
        with self.assertRaises(error) as catcher:
            function()
        self.assertIn(message, str(catcher.exception))
        self.assertEqual(
            (self.Plan.search_count([]), self.Statement.search_count([])), counts
        )

    def _tiers(self, tiers):
        return self._plan(
            [{"kind": "tiered", "tier_basis": "amount", "tiers": tiers}], publish=False
        )

    def test_gapped_tiers(self):
        """Tiers with a gap are refused."""
        self._assert_refused(
            ValidationError,
            "leaves a gap",
            lambda: self._tiers([(0, 100, 1), (120, None, 2)]),
        )

    def test_overlapping_tiers(self):
        """Overlapping tiers are refused."""
        self._assert_refused(
            ValidationError,
            "overlaps",
            lambda: self._tiers([(0, 100, 1), (80, None, 2)]),
        )

    def test_negative_rates(self):
        """Negative rates are refused, on a rule and on a tier."""
        self._assert_refused(
            ValidationError,
            "negative",
            lambda: self._plan([{"kind": "percentage", "rate": -1}], publish=False),
        )
        self._assert_refused(
            ValidationError,
            "negative rate",
            lambda: self._tiers([(0, 100, 1), (100, None, -2)]),
        )

    def test_splits_not_100(self):
        """Credit splits must add up to 100 %."""
        order = self.env["sale.order"].create({"partner_id": self.customers[0].id})
        with self.assertRaises(ValidationError) as catcher:
            order.write(
                {
                    "incentive_split_ids": [
                        Command.create({"user_id": self.rep_1.id, "percentage": 50}),
                        Command.create({"user_id": self.rep_2.id, "percentage": 40}),
                    ]
                }
            )
        self.assertIn("add up to 90", str(catcher.exception))
        self.assertFalse(order.incentive_split_ids)

    def test_publish_without_participants(self):
        """A plan without participants cannot be published."""
        plan = self._plan([{"kind": "percentage", "rate": 1}], users=[], publish=False)
        self._assert_refused(UserError, "no participant", plan.action_publish)
        self.assertEqual(plan.state, "draft")

    def test_edit_published_plan(self):
        """Terms of a published plan are locked: plan, rules and tiers."""
        plan = self._plan(
            [
                {
                    "kind": "tiered",
                    "tier_basis": "amount",
                    "tiers": [(0, 100, 1), (100, None, 2)],
                }
            ]
        )
        with self.assertRaises(UserError):
            plan.write({"earn_on": "payment"})
        with self.assertRaises(UserError):
            plan.rule_ids.write({"rate": 50})
        with self.assertRaises(UserError):
            plan.rule_ids.tier_ids[0].write({"rate": 50})
        self.assertEqual(plan.earn_on, "invoice")
        self.assertEqual(plan.rule_ids.tier_ids[0].rate, 1)

    def test_statement_outside_plan_dates(self):
        """Statements for a period outside the plan's dates are refused."""
        plan = self._plan(
            [{"kind": "percentage", "rate": 1}],
            date_start=date(2025, 3, 1),
            date_end=date(2025, 6, 30),
        )
        self._assert_refused(
            UserError, "outside the dates", lambda: plan.generate_statements(self.jan)
        )

    def test_plan_dates_and_limits(self):
        """A plan ending before it starts, or with a negative cap, is refused."""
        self._assert_refused(
            ValidationError,
            "ends before it starts",
            lambda: self._plan(
                [{"kind": "percentage", "rate": 1}],
                publish=False,
                date_end=date(2024, 12, 31),
            ),
        )
        self._assert_refused(
            ValidationError,
            "cannot be negative",
            lambda: self._plan(
                [{"kind": "percentage", "rate": 1}], publish=False, cap_amount=-5
            ),
        )

    def test_rule_needs_kpi_and_products(self):
        """Conditions need their KPI; spiffs need their products."""
        self._assert_refused(
            ValidationError,
            "needs the KPI",
            lambda: self._plan([{"kind": "bonus", "amount": 10}], publish=False),
        )
        self._assert_refused(
            ValidationError,
            "needs the products",
            lambda: self._plan([{"kind": "spiff", "amount": 10}], publish=False),
        )

    def test_twice_in_a_plan(self):
        """A salesperson takes part in a plan once over the same dates."""
        self._assert_refused(
            ValidationError,
            "twice",
            lambda: self._plan(
                [{"kind": "percentage", "rate": 1}],
                users=[self.rep_1, self.rep_1],
                publish=False,
            ),
        )
