from odoo import fields, models


class HrDepartment(models.Model):
    _inherit = "hr.department"

    incentive_analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Commission Analytic Account",
        check_company=True,
        help="Analytic account of the commission expense of this department's "
        "employees, when the company splits it by department.",
    )
