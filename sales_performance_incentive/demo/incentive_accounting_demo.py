"""Payouts in the books, for the demo: commission accounts, a journal and an
analytic account per sales team in the main company's chart of accounts;
the demo's validated months are then accrued and its paid months paid from
the bank. A company without a chart of accounts is left unset: the demo
validates and pays as without accounting."""

import logging
from datetime import timedelta

from odoo import Command, api, models

_logger = logging.getLogger(__name__)

MODULE = "sales_performance_incentive."


class IncentiveDemo(models.AbstractModel):
    _inherit = "incentive.demo"

    @api.model
    def _demo_accounting(self, company):
        """Set the commission accounts, journal and split of ``company``."""
        if company._is_incentive_accounting_set():
            return
        Account = self.env["account.account"].with_company(company)
        domain = Account._check_company_domain(company)
        if not Account.search_count(domain, limit=1):
            _logger.info("No chart of accounts in %s: nothing posted.", company.name)
            return
        expense = Account.create(
            {
                "name": "Sales Commissions",
                "code": self._demo_free_code(Account, domain, "630100"),
                "account_type": "expense",
            }
        )
        accrual = Account.create(
            {
                "name": "Accrued Commissions",
                "code": self._demo_free_code(Account, domain, "230300"),
                "account_type": "liability_current",
                "reconcile": True,
            }
        )
        journal = self.env["account.journal"].create(
            {
                "name": "Commissions",
                "code": "COMM",
                "type": "general",
                "company_id": company.id,
            }
        )
        plan = self.env["account.analytic.plan"].create({"name": "Sales Teams"})
        teams = self.env["crm.team"].search([("company_id", "in", (company.id, False))])
        analytics = self.env["account.analytic.account"].create(
            [
                {
                    "name": team.name,
                    "plan_id": plan.id,
                    "company_id": team.company_id.id,
                }
                for team in teams
            ]
        )
        for team, analytic in zip(teams, analytics, strict=True):
            team.incentive_analytic_account_id = analytic
        company.write(
            {
                "incentive_expense_account_id": expense.id,
                "incentive_accrual_account_id": accrual.id,
                "incentive_journal_id": journal.id,
                "incentive_analytic_split": "team",
            }
        )
        self.env.ref("base.user_admin").groups_id = [
            Command.link(self.env.ref("analytic.group_analytic_accounting").id)
        ]
        self.env["ir.model.data"]._update_xmlids(
            [
                {"xml_id": MODULE + name, "record": record, "noupdate": True}
                for name, record in (
                    ("demo_account_commission_expense", expense),
                    ("demo_account_commission_accrual", accrual),
                    ("demo_journal_commission", journal),
                )
            ]
        )

    @api.model
    def _demo_free_code(self, Account, domain, code):
        """``code``, or the next one free in the chart."""
        while Account.search_count([*domain, ("code", "=", code)], limit=1):
            code = str(int(code) + 1)
        return code

    def _demo_pay(self, statements, admin):
        """Paid from the bank when the books are set, as without them else."""
        company = statements.company_id[:1]
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        if not (company._is_incentive_accounting_set() and journal):
            return super()._demo_pay(statements, admin)
        statements.with_user(admin).action_pay(
            payment={
                "method": "entry",
                "journal": journal,
                # Paid with the next month's salaries.
                "date": max(statements.mapped("date_to")) + timedelta(days=10),
                "reference": "",
            }
        )
