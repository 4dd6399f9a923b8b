from odoo import fields, models


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

    def _get_incentive_validator_group(self):
        self.ensure_one()
        return self.incentive_validator_group_id or self.env.ref(
            "sales_performance_incentive.group_incentive_admin"
        )
