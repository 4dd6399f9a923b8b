from datetime import timedelta

from odoo import api, fields, models

DEMO = "sales_performance."


class PerformanceDemoAgreement(models.AbstractModel):
    _name = "performance.demo.agreement"
    _description = "Sales Performance Demo: Agreed Targets"

    @api.model
    def _generate(self):
        """Direct Sales negotiating next month's revenue targets: Olivia has
        accepted hers, Daniel countered and waits on his leader, Sara and Tom
        have not answered yet."""
        company = self.env.ref("base.main_company")
        team = self.env.ref(DEMO + "demo_team_direct")
        Round = self.env["performance.target.round"].with_company(company)
        today = fields.Date.context_today(self)
        month_start = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        self.env["performance.demo"].with_company(company)._demo_periods(
            company, month_start
        )
        month = self.env["performance.period"].search(
            [
                ("company_id", "=", company.id),
                ("period_type", "=", "month"),
                ("date_start", "=", month_start),
            ],
            limit=1,
        )
        if not month or Round.search_count([("period_id", "=", month.id)]):
            return
        revenue = self.env.ref(DEMO + "kpi_invoiced_revenue")
        current = self.env["performance.target"].search(
            [
                ("owner_type", "=", "team"),
                ("team_id", "=", team.id),
                ("kpi_id", "=", revenue.id),
                ("period_id.period_type", "=", "month"),
                ("period_id.date_start", "<=", today),
                ("period_id.date_end", ">=", today),
            ],
            limit=1,
        )
        self.env["performance.target"].create(
            {
                "period_id": month.id,
                "kpi_id": revenue.id,
                "company_id": company.id,
                "owner_type": "team",
                "team_id": team.id,
                "allocation_method": "equal",
                "target_value": round((current.target_value or 100000.0) * 1.05, -2),
            }
        )
        leader = team.user_id
        rnd = Round.with_user(leader).create(
            {
                "period_id": month.id,
                "team_id": team.id,
                "deadline": month_start - timedelta(days=1),
            }
        )
        rnd.action_propose()
        proposals = {p.user_id.login: p for p in rnd.proposal_ids}
        olivia = self.env.ref(DEMO + "demo_user_rep_olivia")
        proposals[olivia.login].with_user(olivia).action_accept()
        daniel = self.env.ref(DEMO + "demo_user_rep_daniel")
        proposal = proposals[daniel.login]
        proposal.with_user(daniel).action_counter(
            round(proposal.proposed_value * 0.85, -2),
            "Two of my key accounts are renegotiating their contracts next month.",
        )
