from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    incentive_validator_group_id = fields.Many2one(
        related="company_id.incentive_validator_group_id", readonly=False
    )
    incentive_validator_id = fields.Many2one(
        related="company_id.incentive_validator_id", readonly=False
    )

    incentive_expense_account_id = fields.Many2one(
        related="company_id.incentive_expense_account_id", readonly=False
    )
    incentive_accrual_account_id = fields.Many2one(
        related="company_id.incentive_accrual_account_id", readonly=False
    )
    incentive_journal_id = fields.Many2one(
        related="company_id.incentive_journal_id", readonly=False
    )
    incentive_analytic_split = fields.Selection(
        related="company_id.incentive_analytic_split", readonly=False
    )

    # Setup checklist
    incentive_setup_plan = fields.Boolean(
        string="Incentive Plan Published", compute="_compute_performance_setup"
    )
    incentive_setup_validators = fields.Boolean(
        string="Statement Validators Chosen", compute="_compute_performance_setup"
    )

    def _compute_performance_setup(self):
        for settings in self:
            company = settings.company_id
            settings.incentive_setup_plan = bool(
                self.env["incentive.plan"].search_count(
                    [("company_id", "=", company.id), ("state", "=", "published")],
                    limit=1,
                )
            )
            settings.incentive_setup_validators = bool(
                company.incentive_validator_group_id or company.incentive_validator_id
            )
        return super()._compute_performance_setup()

    def _get_performance_setup_steps(self):
        return [
            *super()._get_performance_setup_steps(),
            "incentive_setup_plan",
            "incentive_setup_validators",
        ]

    def action_incentive_setup_plan(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "sales_performance_incentive.action_incentive_plan"
        )
