from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    incentive_analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Commission Analytic Account",
        check_company=True,
        help="Analytic account of the commission expense of this team's "
        "salespeople, when the company splits it by sales team.",
    )
