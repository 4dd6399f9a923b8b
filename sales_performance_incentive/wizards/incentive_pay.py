from odoo import _, api, fields, models
from odoo.exceptions import UserError


class IncentivePay(models.TransientModel):
    """*Mark as Paid*: how the validated statements were paid, from a bank
    or cash journal (an entry that clears their accrual) or by payroll."""

    _name = "incentive.pay"
    _description = "Pay Incentive Statements"

    statement_ids = fields.Many2many("incentive.statement", string="Statements")
    company_id = fields.Many2one("res.company", compute="_compute_company_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_total = fields.Monetary(string="Total", compute="_compute_company_id")
    method = fields.Selection(
        [("entry", "Payment Entry"), ("payroll", "Payroll")],
        string="Paid By",
        required=True,
        default="entry",
        help="Payment Entry: paid from a bank or cash journal; the entry clears "
        "the accrued commissions. Payroll: paid with the salaries; the payroll "
        "run is recorded on each statement.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
    )
    date = fields.Date(
        string="Payment Date",
        required=True,
        default=lambda self: fields.Date.context_today(self),
    )
    payroll_reference = fields.Char(help="The payroll run that pays them.")

    @api.model
    def _open_for(self, statements):
        return {
            "type": "ir.actions.act_window",
            "name": _("Mark as Paid"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_statement_ids": statements.ids},
        }

    @api.depends("statement_ids")
    def _compute_company_id(self):
        for wizard in self:
            wizard.company_id = wizard.statement_ids.company_id[:1]
            wizard.amount_total = sum(wizard.statement_ids.mapped("amount_total"))

    @api.depends("company_id")
    def _compute_journal_id(self):
        for wizard in self:
            if wizard.journal_id.company_id != wizard.company_id:
                wizard.journal_id = self.env["account.journal"].search(
                    [("type", "=", "bank"), ("company_id", "=", wizard.company_id.id)],
                    limit=1,
                )

    def action_confirm(self):
        self.ensure_one()
        statements = self.statement_ids
        if not statements:
            raise UserError(_("Select the statements to mark as paid."))
        if self.method == "entry" and not self.journal_id:
            raise UserError(_("Choose the bank or cash journal that paid them."))
        if self.method == "payroll" and not (self.payroll_reference or "").strip():
            raise UserError(_("Give the reference of the payroll run that paid them."))
        statements.action_pay(
            payment={
                "method": self.method,
                "date": self.date,
                "journal": self.journal_id,
                "reference": (self.payroll_reference or "").strip(),
            }
        )
        return {"type": "ir.actions.act_window_close"}

    def action_payroll_export(self):
        """The payroll export of these statements, to hand to payroll."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_performance_incentive.action_incentive_payroll_export"
        )
        action["context"] = {
            "default_mode": "payroll",
            "default_statement_ids": self.statement_ids.ids,
        }
        return action
