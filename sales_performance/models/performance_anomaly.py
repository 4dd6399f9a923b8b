from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

# Set by the scan or by closing the flag, never typed in.
PROTECTED_FIELDS = {
    "rule_id",
    "key",
    "user_id",
    "team_id",
    "company_id",
    "date",
    "amount",
    "description",
    "move_ids",
    "order_ids",
    "partner_ids",
    "state",
    "decision",
    "decision_note",
    "closed_by_id",
}


class PerformanceAnomaly(models.Model):
    _name = "performance.anomaly"
    _description = "Performance Anomaly"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    rule_id = fields.Many2one(
        "performance.anomaly.rule", required=True, index=True, ondelete="restrict"
    )
    code = fields.Selection(related="rule_id.code", store=True)
    key = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        help="The rule and the documents flagged: the same documents are "
        "never flagged twice by a rule.",
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, index=True
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, index=True)
    amount = fields.Float(
        string="Figure",
        aggregator="sum",
        help="The amount flagged, or the number of new customers.",
    )
    description = fields.Text(required=True, readonly=True)

    # Documents
    move_ids = fields.Many2many("account.move", string="Invoices", readonly=True)
    order_ids = fields.Many2many("sale.order", string="Sales Orders", readonly=True)
    partner_ids = fields.Many2many("res.partner", string="Customers", readonly=True)
    move_count = fields.Integer(compute="_compute_document_counts")
    order_count = fields.Integer(compute="_compute_document_counts")

    # Review
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    decision = fields.Selection(
        [
            ("justified", "Justified"),
            ("violation", "Violation"),
            ("corrected", "Corrected"),
        ],
        readonly=True,
        tracking=True,
    )
    decision_note = fields.Text(readonly=True)
    closed_by_id = fields.Many2one("res.users", readonly=True)

    _sql_constraints = [
        (
            "key_company_uniq",
            "UNIQUE(key, company_id)",
            "These documents are already flagged by this rule.",
        ),
    ]

    @api.depends("rule_id.name", "user_id.name", "date")
    def _compute_name(self):
        for anomaly in self:
            anomaly.name = _(
                "%(rule)s: %(user)s, %(date)s",
                rule=anomaly.rule_id.name,
                user=anomaly.user_id.name,
                date=anomaly.date,
            )

    @api.depends("user_id")
    def _compute_team_id(self):
        for anomaly in self:
            anomaly.team_id = anomaly.user_id.sale_team_id

    @api.depends("move_ids", "order_ids")
    def _compute_document_counts(self):
        for anomaly in self:
            anomaly.move_count = len(anomaly.move_ids)
            anomaly.order_count = len(anomaly.order_ids)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        protected = PROTECTED_FIELDS.intersection(vals)
        if protected and not (self.env.su or self.env.context.get("anomaly_close")):
            raise UserError(
                _(
                    "A flag records what a scan found; it is closed only with "
                    "the Close button."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_close_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Close with a decision"),
            "res_model": "performance.anomaly.close",
            "view_mode": "form",
            "target": "new",
            "context": {"default_anomaly_ids": self.ids},
        }

    def action_close(self, decision, note):
        """Close open flags with a decision and a note; only the leader of the
        flag's team or HR decides. The leader's review activity is done."""
        if not decision or not (note or "").strip():
            raise UserError(_("Give a decision and a note to close a flag."))
        is_hr = self.env.user.has_group("sales_performance.group_performance_hr")
        for anomaly in self:
            if anomaly.state != "open":
                raise UserError(
                    _("%(flag)s is already closed.", flag=anomaly.display_name)
                )
            if not is_hr and anomaly.team_id.user_id != self.env.user:
                raise AccessError(
                    _(
                        "Only the leader of %(team)s or HR can close %(flag)s.",
                        team=anomaly.team_id.name or "-",
                        flag=anomaly.display_name,
                    )
                )
        self.with_context(anomaly_close=True).write(
            {
                "state": "closed",
                "decision": decision,
                "decision_note": note,
                "closed_by_id": self.env.user.id,
            }
        )
        activity_type = self.env.ref(
            "sales_performance.mail_activity_type_anomaly_review"
        )
        # sudo: the review activity belongs to the leader; HR closing the flag
        # completes it on their behalf.
        self.sudo().activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
        ).action_feedback(feedback=note)
        return True

    def action_view_documents(self):
        """Open the invoices, else the orders, else the customers flagged."""
        self.ensure_one()
        for field, model, name in (
            ("move_ids", "account.move", _("Invoices")),
            ("order_ids", "sale.order", _("Sales Orders")),
            ("partner_ids", "res.partner", _("Customers")),
        ):
            records = self[field]
            if records:
                action = {
                    "type": "ir.actions.act_window",
                    "name": name,
                    "res_model": model,
                    "domain": [("id", "in", records.ids)],
                    "view_mode": "list,form",
                }
                if len(records) == 1:
                    action.update(res_id=records.id, view_mode="form")
                return action
        return False

    # ------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------

    def _get_responsible_for_approval(self):
        """The team leader who decides on this flag, else the company's HR
        officer."""
        self.ensure_one()
        return self.team_id.user_id or self.company_id.performance_hr_user_id

    def _activity_schedule_review(self):
        """One review activity per flag for its reviewer, in one create."""
        activity_type = self.env.ref(
            "sales_performance.mail_activity_type_anomaly_review"
        )
        self.env["performance.workflow.mixin"]._schedule_activities(
            [
                {
                    "record": anomaly,
                    "activity_type": activity_type,
                    "user": anomaly._get_responsible_for_approval(),
                    # A reviewer without access hands over to the HR
                    # officers; a scheduled job never stops for want of them.
                    "groups": ("sales_performance.group_performance_manager",),
                    "fallback": anomaly.company_id._get_performance_hr_officers,
                    "if_denied": "skip",
                    "summary": anomaly.name,
                    "note": anomaly.description,
                }
                for anomaly in self
            ]
        )
