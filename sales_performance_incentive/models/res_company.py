from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    incentive_validator_group_id = fields.Many2one(
        "res.groups",
        string="Statement Validators",
        help="Finance or HR group that validates approved statements for "
        "payroll; the incentive administrators when empty.",
    )
    incentive_validator_id = fields.Many2one(
        "res.users",
        string="Statement Validator",
        help="Person who receives the validation activities; by default the "
        "first member of the validators' group.",
    )

    # Accounting (see incentive_accounting.py)
    incentive_expense_account_id = fields.Many2one(
        "account.account",
        string="Commission Expense Account",
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
        help="Debited with the commissions of the validated statements.",
    )
    incentive_accrual_account_id = fields.Many2one(
        "account.account",
        string="Accrued Commissions Account",
        domain="[('account_type', 'in', ('liability_current', 'liability_payable')),"
        " ('reconcile', '=', True)]",
        help="Credited with the commissions of the validated statements and "
        "cleared when they are paid (it must allow reconciliation).",
    )
    incentive_journal_id = fields.Many2one(
        "account.journal",
        string="Commission Journal",
        domain="[('type', '=', 'general')]",
        help="Miscellaneous journal of the commission accruals.",
    )
    incentive_analytic_split = fields.Selection(
        [("none", "No Analytic Split"), ("team", "Sales Team")],
        string="Analytic Split",
        default="none",
        required=True,
        help="How commission expense is split analytically: by the analytic "
        "account of the participant's sales team (or, with the HR link, of "
        "their department or cost centre).",
    )

    @api.constrains(
        "incentive_expense_account_id",
        "incentive_accrual_account_id",
        "incentive_journal_id",
    )
    def _check_incentive_accounting(self):
        for company in self:
            records = (
                company.incentive_expense_account_id
                | company.incentive_accrual_account_id
            )
            foreign = records.filtered_domain(
                ["!", *records._check_company_domain(company)]
            ) or company.incentive_journal_id.filtered(
                lambda journal, c=company: journal.company_id != c
            )
            if foreign:
                raise ValidationError(
                    _(
                        "%(record)s belongs to another company than %(company)s.",
                        record=foreign[:1].display_name,
                        company=company.name,
                    )
                )
            account = company.incentive_accrual_account_id
            if account and not account.reconcile:
                raise ValidationError(
                    _(
                        "The accrued commissions account %(account)s must allow "
                        "reconciliation: payments clear it.",
                        account=account.display_name,
                    )
                )

    def _get_incentive_validator_group(self):
        self.ensure_one()
        return self.incentive_validator_group_id or self.env.ref(
            "sales_performance_incentive.group_incentive_admin"
        )

    def _is_incentive_accounting_set(self):
        """Whether validated statements of this company are posted."""
        self.ensure_one()
        return bool(
            self.incentive_expense_account_id
            and self.incentive_accrual_account_id
            and self.incentive_journal_id
        )
