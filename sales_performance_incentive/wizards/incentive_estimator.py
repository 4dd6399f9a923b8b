from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class IncentiveEstimator(models.TransientModel):
    """What-if: the pay a hypothetical deal adds, computed by the engine that
    writes the statements, without saving anything but this form."""

    _name = "incentive.estimator"
    _description = "Commission Estimator"

    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        default=lambda self: self.env.user,
    )
    lead_id = fields.Many2one("crm.lead", string="Opportunity")
    plan_id = fields.Many2one(
        "incentive.plan",
        compute="_compute_plan_id",
        store=True,
        readonly=False,
        domain="[('state', '=', 'published'), "
        "('assignment_ids.user_id', '=', user_id)]",
    )
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date = fields.Date(
        string="Expected Close", required=True, default=fields.Date.context_today
    )
    product_id = fields.Many2one("product.product")
    quantity = fields.Float(default=1.0)
    amount = fields.Monetary(string="Deal Amount (untaxed)")
    period_id = fields.Many2one("performance.period", compute="_compute_estimate")
    current_payout = fields.Monetary(
        string="Payout Without the Deal", compute="_compute_estimate"
    )
    estimated_payout = fields.Monetary(
        string="Payout With the Deal", compute="_compute_estimate"
    )
    difference = fields.Monetary(string="The Deal Adds", compute="_compute_estimate")
    explanation = fields.Text(compute="_compute_estimate")

    @api.depends("user_id")
    def _compute_plan_id(self):
        for wizard in self:
            wizard.plan_id = self.env["incentive.plan"].search(
                [
                    ("state", "=", "published"),
                    ("assignment_ids.user_id", "=", wizard.user_id.id),
                    # Computed as superuser: keep to the active companies.
                    ("company_id", "in", self.env.companies.ids),
                ],
                order="date_start desc",
                limit=1,
            )

    @api.depends("plan_id", "user_id", "date", "product_id", "quantity", "amount")
    def _compute_estimate(self):
        for wizard in self:
            wizard.update(wizard._estimate())

    def _estimate(self):
        self.ensure_one()
        empty = {
            "period_id": False,
            "current_payout": 0.0,
            "estimated_payout": 0.0,
            "difference": 0.0,
            "explanation": False,
        }
        if not (self.plan_id and self.user_id and self.date):
            return empty
        self._check_user()
        # sudo: the engine reads the credits and targets of the salesperson,
        # whom the check above allows the current user to see.
        plan = self.plan_id.sudo()
        period = plan._get_estimate_period(self.date)
        if not period:
            return empty
        user = self.user_id
        # What a statement computed now would read: the targets refreshed
        # first, except on a read-only request (a form reloading, whose
        # onchange already refreshed them): a write there would make Odoo
        # run the whole request again.
        if not self.env.cr.readonly:
            plan._refresh_targets(period, user)
        row = {
            "user_id": user.id,
            "date": self.date,
            "amount": self.amount,
            "margin": self.amount
            - self.quantity * self.product_id.sudo().standard_price,
            "quantity": self.quantity if self.product_id else 0.0,
            "product_id": self.product_id.id,
        }
        before = plan._get_payouts(period, user)[user.id]
        after = plan._get_payouts(period, user, extra=[row])[user.id]
        # The statement's adjustments and corrections count with and without
        # the deal: the baseline is what My Performance calls earned.
        booked = self._get_booked(plan, period, user)
        current = sum(vals["amount"] for vals in before) + booked
        estimated = sum(vals["amount"] for vals in after) + booked
        return {
            "period_id": period.id,
            "current_payout": current,
            "estimated_payout": estimated,
            "difference": estimated - current,
            "explanation": "\n".join(vals["name"] for vals in after),
        }

    @api.model
    def _get_booked(self, plan, period, user):
        """The adjustments and corrections already on ``user``'s statement of
        ``plan`` for ``period``: typed or booked, not computed from credits."""
        statement = (
            self.env["incentive.statement"]
            .sudo()
            .search(
                [
                    ("plan_id", "=", plan.id),
                    ("period_id", "=", period.id),
                    ("user_id", "=", user.id),
                ],
                limit=1,
            )
        )
        return sum(
            line.amount
            for line in statement.line_ids
            if line.kind in ("adjustment", "correction")
        )

    @api.constrains("user_id")
    def _check_user(self):
        user = self.env.user
        if (
            self.env.su
            or self.user_id == user
            or user.has_group("sales_performance_incentive.group_incentive_admin")
        ):
            return
        if self.user_id.sale_team_id.user_id == user:
            return
        raise AccessError(_("You can estimate your own pay and your team's only."))

    def action_estimate(self):
        """Recompute (the form does it live; this keeps a button for phones)."""
        self.ensure_one()
        if not self.plan_id:
            raise UserError(
                _("%(user)s takes part in no published plan.", user=self.user_id.name)
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
