"""Records of the multi-company tests that are long to write: target rounds,
invoices and the weekly rhythm's plans and manual values, in both companies."""

from datetime import date

from odoo import Command
from odoo.tests import freeze_time

# Every model of the suite whose records belong to a company, and the path to
# that company (its own field, or its parent's).
COMPANY_PATHS = {
    "incentive.cost.report": "company_id",
    "incentive.credit": "company_id",
    "incentive.dispute": "company_id",
    "incentive.plan": "company_id",
    "incentive.plan.assignment": "company_id",
    "incentive.plan.rule": "company_id",
    "incentive.plan.tier": "rule_id.company_id",
    "incentive.statement": "company_id",
    "incentive.statement.line": "company_id",
    "performance.anomaly": "company_id",
    "performance.anomaly.rule": "company_id",
    "performance.calibration.report": "company_id",
    "performance.invoice.report": "company_id",
    "performance.kpi": "company_id",
    "performance.period": "company_id",
    "performance.scorecard": "company_id",
    "performance.scorecard.line": "scorecard_id.company_id",
    "performance.scorecard.template": "company_id",
    "performance.target": "company_id",
    "performance.target.analysis": "company_id",
    "performance.target.proposal": "company_id",
    "performance.target.round": "company_id",
    "performance.kpi.value": "company_id",
    "performance.week.plan": "company_id",
    "performance.week.plan.line": "company_id",
}
# Own-records rules: an incentive administrator is only a User: Own Records of
# the performance addon and owns none of these records.
NOTHING_OWNED = {
    ("incentive_admin", "performance.target"),
    ("incentive_admin", "performance.scorecard"),
    ("incentive_admin", "performance.scorecard.line"),
    ("incentive_admin", "performance.invoice.report"),
    # Ann is in no team: no round of targets is hers.
    ("rep", "performance.target.proposal"),
    ("rep", "performance.target.round"),
    ("incentive_admin", "performance.target.proposal"),
    ("incentive_admin", "performance.target.round"),
    ("incentive_admin", "performance.target.analysis"),
    # Nor a plan of the week or a manual value: Ann is in no team.
    ("rep", "performance.kpi.value"),
    ("rep", "performance.week.plan"),
    ("rep", "performance.week.plan.line"),
    ("incentive_admin", "performance.kpi.value"),
    ("incentive_admin", "performance.week.plan"),
    ("incentive_admin", "performance.week.plan.line"),
}


def target_rounds(cls):
    """February's targets of team A (company A) and of team B1 (company
    B), both led by leader_a, negotiated in January."""
    rounds = cls.env["performance.target.round"]
    with freeze_time("2025-01-20"):
        for team, period in ((cls.team_a, cls.feb), (cls.team_b1, cls.feb_b)):
            company = period.company_id
            cls._target(1000.0, owner=team, period=period, company_id=company.id)
            rounds |= rounds.create(
                {
                    "period_id": period.id,
                    "team_id": team.id,
                    "company_id": company.id,
                    "deadline": "2025-01-25",
                }
            )
        rounds.action_propose()
    return rounds


def post_invoices(cls, company, specs, currency=None):
    """Post one January invoice in ``company`` per ``(user, amount)``."""
    currency = currency or company.currency_id
    moves = (
        cls.env["account.move"]
        .with_company(company)
        .create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.customers[0].id,
                    "invoice_date": date(2025, 1, 10),
                    "invoice_user_id": user.id,
                    "currency_id": currency.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for user, amount in specs
            ]
        )
    )
    moves.action_post()
    return moves


def weekly_records(cls):
    """The first week of January's plans of team A (company A) and of team
    B1 (company B), and a manual KPI value of a member of each, entered by
    leader_a who leads both teams."""
    Period = cls.env["performance.period"]
    plans = cls.env["performance.week.plan"]
    values = cls.env["performance.kpi.value"]
    for team, month, kpi, rep in (
        (cls.team_a, cls.jan, cls.kpis[0], cls.rep_1),
        (cls.team_b1, cls.jan_b, cls.kpis[1], cls.rep_b1),
    ):
        company = month.company_id
        team.performance_plan_kpi_ids = cls.kpi_revenue
        week = Period._get_week(month.date_start, company)
        plans |= plans.with_company(company)._open_plans(week, team)
        values |= values.create(
            {"period_id": month.id, "user_id": rep.id, "kpi_id": kpi.id, "value": 4}
        )
    return plans, values
