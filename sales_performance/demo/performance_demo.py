"""A year of sales activity for the demo company.

Called once by ``demo/sales_performance_demo.xml`` after the users, teams,
customers and products of the demo exist. Everything goes through the ORM and
the wizards a user would click (order confirmation, invoicing, credit notes,
payment registration, won/lost, activities done, target allocation), so the
figures on the targets are the ones the KPIs really compute.

The documents (``performance_demo_documents.py``) cover the twelve months up
to today, so that a database created early in the year still shows a full
pace picture. The random generator is
seeded: two databases created on the same day hold the same documents.
"""

import random
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .performance_demo_week import demo_weeks

DEMO = "sales_performance."

# Sales reps: yearly revenue plan, productivity (actual pace / plan: below
# 0.89 ends the year behind, above 1.11 ahead) and share of invoices collected.
REP_PLANS = [
    ("demo_user_rep_olivia", 300000, 1.24, 0.95),
    ("demo_user_rep_daniel", 300000, 1.00, 0.90),
    ("demo_user_rep_sara", 300000, 0.70, 0.85),
    ("demo_user_rep_tom", 300000, 0.96, 0.75),
    ("demo_user_rep_amelia", 600000, 1.16, 0.90),
    ("demo_user_rep_lucas", 480000, 0.78, 0.70),
    ("demo_user_rep_hannah", 420000, 1.02, 0.85),
    ("demo_user_rep_mateo", 360000, 1.30, 0.60),
    ("demo_user_rep_chloe", 300000, 0.66, 0.50),
    ("demo_user_rep_ravi", 240000, 1.00, 0.80),
]

# Sales teams and how each splits its targets between its members.
TEAM_ALLOCATION = [
    ("demo_team_direct", "equal"),
    ("demo_team_key_accounts", "weight"),
    ("demo_team_channel", "manual"),
]

WON_PER_REP = 6
PLAN_REASON = "Sales plan %s approved at the kick-off meeting"
STRETCH_REASON = "Stretch goal: Atlas Logistics expansion signed early"
CUT_REASON = "Territory reduced: two resellers moved to Direct Sales"
# The suite's addons whose demo ends with _demo_finish: it runs once, at
# the end of the last one installed.
SUITE = (
    "sales_performance",
    "sales_performance_incentive",
    "sales_performance_hr_link",
)
FAST = {
    "tracking_disable": True,
    "mail_notrack": True,
    "mail_create_nolog": True,
    "mail_activity_quick_update": True,
}


class PerformanceDemo(models.AbstractModel):
    _name = "performance.demo"
    _description = "Sales Performance Demo Data"

    @api.model
    def _generate(self):
        """Create the demo year of the main company (once)."""
        company = self.env.ref("base.main_company")
        demo = self.with_company(company).with_context(**FAST)
        today = fields.Date.context_today(demo)
        year_period = demo._demo_periods(company, today)
        revenue_kpi = demo.env.ref(DEMO + "kpi_invoiced_revenue")
        if demo.env["performance.target"].search_count(
            [("period_id", "=", year_period.id), ("kpi_id", "=", revenue_kpi.id)],
            limit=1,
        ):
            return
        journal = demo._demo_sale_journal(company)
        rng = random.Random(42)
        window_start = today - timedelta(days=364)
        reps = demo._demo_reps()
        invoices = demo._demo_invoices(rng, reps, window_start, today)
        demo._demo_refunds(rng, invoices, journal, today)
        demo._demo_payments(rng, reps, invoices, today)
        leads = demo._demo_opportunities(rng, reps, window_start, today)
        demo._demo_activities(rng, reps, leads, window_start, today)
        demo._demo_targets(company, today, year_period, reps)
        demo._demo_scorecards(company, today, reps)
        demo._demo_manual_values(company, today)

    @api.model
    def _demo_weeks(self):
        """Last week's plans and reports, this week's plans
        (``performance_demo_week.py``)."""
        company = self.env.ref("base.main_company")
        demo_weeks(self.with_company(company).with_context(**FAST), company)

    @api.model
    def _demo_finish(self, module):
        """The last step of the demo install, once every addon of the suite
        being installed has told its story: flag the anomalies of the year's
        documents, refresh every open target, and close the months before
        last (and the quarters they complete) through the real close, as the
        administrator would; last month stays open for its reviews and the
        current month runs."""
        Module = self.env["ir.module.module"]
        if Module.search([("name", "=", module)]).state != "to install":
            return
        if Module.search_count(
            [
                ("name", "in", SUITE),
                ("name", "!=", module),
                ("state", "=", "to install"),
            ]
        ):
            return
        company = self.env.ref("base.main_company")
        admin = self.env.ref("base.user_admin")
        demo = self.with_company(company).with_context(**FAST)
        today = fields.Date.context_today(demo)
        demo.env["performance.anomaly.rule"].search([])._detect(
            today - timedelta(days=364), today
        )
        Period = demo.env["performance.period"]
        demo.env["performance.target"].search(
            [("company_id", "=", company.id), ("period_id.state", "=", "open")]
        ).action_compute()
        last_month_start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        months = Period.search(
            [
                ("company_id", "=", company.id),
                ("period_type", "=", "month"),
                ("state", "=", "open"),
                ("date_end", "<", last_month_start),
            ],
            order="date_start",
        )
        months.with_user(admin).action_close()
        quarters = Period.search(
            [
                ("company_id", "=", company.id),
                ("period_type", "=", "quarter"),
                ("state", "=", "open"),
                ("date_end", "<", last_month_start),
            ],
            order="date_start",
        ).filtered(lambda quarter: set(quarter.child_ids.mapped("state")) == {"closed"})
        quarters.with_user(admin).action_close()

    # ------------------------------------------------------------
    # Set-up
    # ------------------------------------------------------------

    def _demo_periods(self, company, today):
        """The fiscal year holding today, and the previous one (closed) when
        the twelve months of documents reach into it. Returns the year."""
        Period = self.env["performance.period"]
        year = today.year
        if today >= Period._fiscal_year_start(year + 1, company):
            year += 1
        previous_start = Period._fiscal_year_start(year - 1, company)
        start = Period._fiscal_year_start(year, company)
        previous = self._demo_find_year(company, previous_start)
        if not previous and today - timedelta(days=364) < start:
            previous = Period.generate_fiscal_year(year - 1, company)
            all_previous = Period.search([("id", "child_of", previous.id)])
            all_previous.action_close()
        return self._demo_find_year(company, start) or Period.generate_fiscal_year(
            year, company
        )

    def _demo_find_year(self, company, date_start):
        return self.env["performance.period"].search(
            [
                ("company_id", "=", company.id),
                ("period_type", "=", "year"),
                ("date_start", "=", date_start),
            ],
            limit=1,
        )

    def _demo_sale_journal(self, company):
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        if not journal or not journal.default_account_id:
            raise UserError(
                _(
                    "The Sales Performance demo needs a sales journal with an income "
                    "account in %(company)s: install a chart of accounts first.",
                    company=company.name,
                )
            )
        return journal

    def _demo_reps(self):
        """One dict per sales rep: user, team, customers and plan."""
        reps = []
        for xmlid, plan, productivity, collection in REP_PLANS:
            user = self.env.ref(DEMO + xmlid)
            customers = self.env["res.partner"].search(
                [("user_id", "=", user.id), ("is_company", "=", True)], order="id"
            )
            reps.append(
                {
                    "user": user,
                    "team": user.sale_team_id,
                    "customers": customers,
                    "plan": plan,
                    "productivity": productivity,
                    "collection": collection,
                }
            )
        return reps

    # ------------------------------------------------------------
    # Targets
    # ------------------------------------------------------------

    def _demo_targets(self, company, today, year_period, reps):
        """Company targets of the year, the current quarter and month,
        allocated to the teams and their reps, then computed."""
        Period = self.env["performance.period"]
        current = Period.search(
            [
                ("id", "child_of", year_period.id),
                ("period_type", "in", ("quarter", "month")),
                ("date_start", "<=", today),
                ("date_end", ">=", today),
            ]
        )
        quarter = current.filtered(lambda period: period.period_type == "quarter")
        month = current.filtered(lambda period: period.period_type == "month")
        revenue = self.env.ref(DEMO + "kpi_invoiced_revenue")
        won = self.env.ref(DEMO + "kpi_won_count")
        team_plans = defaultdict(float)
        for rep in reps:
            team_plans[rep["team"]] += rep["plan"]
        for period, share in ((year_period, 1.0), (quarter, 0.25), (month, 1.0 / 12)):
            self._demo_revenue_targets(
                company, period, revenue, reps, team_plans, share
            )
        self._demo_won_targets(company, year_period, won, reps)
        self._demo_target_revisions(year_period, month, revenue)
        self.env["performance.target"].search(
            [("company_id", "=", company.id), ("period_id.state", "=", "open")]
        ).action_compute()

    def _demo_revenue_targets(self, company, period, kpi, reps, team_plans, share):
        Target = self.env["performance.target"].with_context(
            performance_change_reason=PLAN_REASON % period.name
        )
        company_target = Target.create(
            {
                "period_id": period.id,
                "kpi_id": kpi.id,
                "company_id": company.id,
                "owner_type": "company",
                "allocation_method": "weight",
                "target_value": round(sum(team_plans.values()) * share, -2),
            }
        )
        methods = {
            self.env.ref(DEMO + xmlid): method for xmlid, method in TEAM_ALLOCATION
        }
        team_targets = Target.create(
            [
                {
                    "parent_id": company_target.id,
                    "period_id": period.id,
                    "kpi_id": kpi.id,
                    "company_id": company.id,
                    "owner_type": "team",
                    "team_id": team.id,
                    "allocation_method": method,
                    "allocation_weight": team_plans[team] / 1000.0,
                }
                for team, method in methods.items()
            ]
        )
        weighted = team_targets.filtered(
            lambda target: target.allocation_method == "weight"
        )
        Target.create(
            [
                {
                    "parent_id": team_target.id,
                    "period_id": period.id,
                    "kpi_id": kpi.id,
                    "company_id": company.id,
                    "owner_type": "user",
                    "user_id": rep["user"].id,
                    "allocation_weight": rep["plan"] / 1000.0,
                }
                for team_target in weighted
                for rep in reps
                if rep["team"] == team_target.team_id
            ]
        )
        company_target.action_allocate()
        team_targets.action_allocate()
        plans = {rep["user"]: rep["plan"] for rep in reps}
        for target in team_targets.filtered(
            lambda t: t.allocation_method == "manual"
        ).child_ids:
            target.target_value = round(plans[target.user_id] * share, -2)
        return company_target

    def _demo_won_targets(self, company, period, kpi, reps):
        Target = self.env["performance.target"].with_context(
            performance_change_reason=PLAN_REASON % period.name
        )
        company_target = Target.create(
            {
                "period_id": period.id,
                "kpi_id": kpi.id,
                "company_id": company.id,
                "owner_type": "company",
                "allocation_method": "equal",
                "target_value": WON_PER_REP * len(reps),
            }
        )
        team_targets = Target.create(
            [
                {
                    "parent_id": company_target.id,
                    "period_id": period.id,
                    "kpi_id": kpi.id,
                    "company_id": company.id,
                    "owner_type": "team",
                    "team_id": self.env.ref(DEMO + xmlid).id,
                    "allocation_method": "equal",
                }
                for xmlid, _method in TEAM_ALLOCATION
            ]
        )
        company_target.action_allocate()
        team_targets.action_allocate()
        return company_target

    def _demo_target_revisions(self, year_period, month, kpi):
        """Two changes made after the start of the period, with their reason:
        a stretch goal that inflates a team, a cut that leaves a gap."""
        Target = self.env["performance.target"]
        stretch = Target.search(
            [
                ("period_id", "=", month.id),
                ("kpi_id", "=", kpi.id),
                ("user_id", "=", self.env.ref(DEMO + "demo_user_rep_amelia").id),
            ]
        )
        stretch.with_context(
            performance_change_reason=STRETCH_REASON
        ).target_value = round(stretch.target_value * 1.3, -2)
        cut = Target.search(
            [
                ("period_id", "=", year_period.id),
                ("kpi_id", "=", kpi.id),
                ("user_id", "=", self.env.ref(DEMO + "demo_user_rep_chloe").id),
            ]
        )
        cut.with_context(performance_change_reason=CUT_REASON).target_value = round(
            cut.target_value * 0.85, -2
        )

    # ------------------------------------------------------------
    # Scorecards
    # ------------------------------------------------------------

    def _demo_scorecards(self, company, today, reps):
        """Last month's scorecards, spread over the review steps so that every
        leader and the HR officer has something waiting in their activities."""
        company.performance_hr_user_id = self.env.ref(DEMO + "demo_user_hr_officer")
        last_month_day = today.replace(day=1) - timedelta(days=1)
        period = self.env["performance.period"].search(
            [
                ("company_id", "=", company.id),
                ("period_type", "=", "month"),
                ("date_start", "<=", last_month_day),
                ("date_end", ">=", last_month_day),
            ],
            limit=1,
        )
        template = self.env.ref(DEMO + "demo_scorecard_template")
        cards = template.generate_scorecards(period)
        csat = self.env.ref(DEMO + "kpi_customer_satisfaction")
        by_user = {card.user_id: card for card in cards}
        # Steps reached, in the order of REP_PLANS: approved, calibration,
        # manager review, or still at self review.
        steps = ["approved", "hr_calibration", "manager_review", "self_review"]
        hr_user = company.performance_hr_user_id
        for index, rep in enumerate(reps):
            card = by_user.get(rep["user"])
            if not card:
                continue
            leader = card.manager_id
            line = card.line_ids.filtered(lambda line: line.kpi_id == csat)
            line.with_user(leader).actual = 70 + (index * 7) % 30
            step = steps[index % len(steps)]
            if step == "self_review":
                continue
            card.with_user(rep["user"]).write(
                {"self_review": "Good month with the key accounts; pipeline is full."}
            )
            card.with_user(rep["user"]).action_submit()
            if step == "manager_review":
                continue
            card.with_user(leader).write({"manager_comment": "Agreed."})
            card.with_user(leader).action_approve()
            if step == "approved":
                card.with_user(hr_user).action_approve()
        appealed = cards.filtered(lambda card: card.state == "approved")[:1]
        appealed.with_user(appealed.user_id).action_appeal(
            reason="The credit note of the pulled deal should not count against me."
        )
