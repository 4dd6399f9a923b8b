from datetime import date

from odoo import Command

from odoo.addons.sales_performance.tests.common import PerformanceCommon


class IncentiveCommon(PerformanceCommon):
    """The performance fixtures (2025 fiscal year, two teams, leaders, reps,
    HR) plus an incentive administrator and helpers to build plans. No demo
    data is used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref(
            "sales_performance_incentive.group_incentive_admin"
        )
        cls.Plan = cls.env["incentive.plan"]
        cls.Statement = cls.env["incentive.statement"]
        cls.Credit = cls.env["incentive.credit"]
        cls.kpi_retention = cls.Kpi.create(
            {
                "name": "Customer Retention",
                "code": "test_retention",
                "kind": "manual",
                "unit": "percent",
            }
        )

    @classmethod
    def _plan(cls, rules, users=None, publish=True, **vals):
        """A 2025 plan with ``rules`` (values of incentive.plan.rule, tiers
        given as ``(lower, upper, rate)`` under ``tiers``) for ``users``."""
        plan = cls.Plan.create(cls._plan_vals(rules, users=users, **vals))
        if publish:
            plan.action_publish()
        return plan

    @classmethod
    def _plan_vals(cls, rules, users=None, **vals):
        """Values of :meth:`_plan`, not saved."""
        rule_commands = []
        for rule in rules:
            rule = dict(rule)
            tiers = rule.pop("tiers", [])
            rule.setdefault("name", rule["kind"].title())
            rule["tier_ids"] = [
                Command.create({"lower": lower, "upper": upper or 0.0, "rate": rate})
                for lower, upper, rate in tiers
            ]
            rule_commands.append(Command.create(rule))
        return {
            "name": vals.pop("name", "Sales Plan 2025"),
            "date_start": date(2025, 1, 1),
            "date_end": date(2025, 12, 31),
            "rule_ids": rule_commands,
            "assignment_ids": [
                Command.create({"user_id": user.id})
                for user in (users if users is not None else cls.rep_1)
            ],
            **vals,
        }

    def _statement(self, plan, user, period=None):
        statements = plan.generate_statements(period or self.jan)
        return statements.filtered(lambda st: st.user_id == user)

    def _amounts(self, statement):
        return [line.amount for line in statement.line_ids.sorted("sequence")]
