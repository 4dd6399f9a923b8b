from odoo import models


class IncentiveStatement(models.Model):
    _inherit = "incentive.statement"

    def _get_accrual_analytic_accounts(self):
        """By the employee's department (its analytic account), or by their
        cost centre: the analytic account whose reference is the cost centre,
        found in one search for all the statements."""
        result = super()._get_accrual_analytic_accounts()
        by_split = self.grouped(lambda st: st.company_id.incentive_analytic_split)
        for statement in by_split.get("department", []):
            analytic = statement.department_id.incentive_analytic_account_id
            if analytic:
                result[statement.id] = analytic
        by_cost_centre = by_split.get("cost_centre", self.browse())
        # sudo: the cost centre is for HR officers; the validator need not be.
        centres = {
            statement.id: statement.employee_id.sudo().performance_cost_centre
            for statement in by_cost_centre
        }
        analytics = self.env["account.analytic.account"].search(
            [
                ("code", "in", [code for code in centres.values() if code]),
                ("company_id", "in", [*by_cost_centre.company_id.ids, False]),
            ]
        )
        for statement in by_cost_centre:
            analytic = analytics.filtered(
                lambda account, st=statement: (
                    account.code == centres[st.id]
                    and account.company_id in (st.company_id, st.company_id.browse())
                )
            )[:1]
            if analytic:
                result[statement.id] = analytic
        return result
