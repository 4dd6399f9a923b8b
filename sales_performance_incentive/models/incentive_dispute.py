from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class IncentiveDispute(models.Model):
    """A salesperson disagrees with a line of their statement. The dispute
    waits in the approver's activities and is accepted (with an adjustment
    in the participant's next draft statement) or rejected, with a reason."""

    _name = "incentive.dispute"
    _description = "Incentive Dispute"
    _inherit = ["performance.workflow.mixin"]
    _order = "create_date desc, id desc"

    # The line as it was disputed: a draft statement rewrites its lines at
    # every refresh, the dispute stays with the statement.
    line_id = fields.Many2one(
        "incentive.statement.line",
        string="Statement Line",
        index=True,
        ondelete="set null",
    )
    statement_id = fields.Many2one(
        "incentive.statement",
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    rule_id = fields.Many2one("incentive.plan.rule", readonly=True)
    line_name = fields.Char(string="Disputed Line", readonly=True)
    line_amount = fields.Monetary(readonly=True)
    user_id = fields.Many2one(
        related="statement_id.user_id", store=True, string="Salesperson"
    )
    team_id = fields.Many2one(related="statement_id.team_id", store=True)
    company_id = fields.Many2one(related="statement_id.company_id", store=True)
    currency_id = fields.Many2one(related="statement_id.currency_id")
    reason = fields.Text(required=True, tracking=True)
    amount_claimed = fields.Monetary(
        help="What the salesperson thinks is missing (or too much, when negative).",
    )
    state = fields.Selection(
        [("open", "Open"), ("accepted", "Accepted"), ("rejected", "Rejected")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    resolution = fields.Text(readonly=True, tracking=True)
    amount_granted = fields.Monetary(readonly=True, tracking=True)
    adjustment_line_id = fields.Many2one(
        "incentive.statement.line", string="Adjustment", readonly=True
    )
    resolved_by_id = fields.Many2one("res.users", readonly=True)

    @api.depends("line_id", "user_id")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = _(
                "Dispute of %(user)s on %(line)s",
                user=dispute.user_id.name or "",
                line=dispute.rule_id.name or dispute.line_name or "",
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not all(vals.get("line_id") for vals in vals_list):
            raise UserError(_("A dispute is about a line of a statement."))
        lines = self.env["incentive.statement.line"].browse(
            [vals["line_id"] for vals in vals_list]
        )
        lines.check_access("read")
        for line in lines:
            if line.statement_id.user_id != self.env.user:
                raise AccessError(
                    _("Only the salesperson of a statement disputes its lines.")
                )
            if line.statement_id.state == "draft":
                raise UserError(
                    _(
                        "The statement %(statement)s is a draft: it is still "
                        "refreshed every day. Its lines can be disputed once it "
                        "is submitted.",
                        statement=line.statement_id.display_name,
                    )
                )
        # sudo: a line disputed by its salesperson, whoever may read the dispute.
        disputed = self.sudo().search(
            [("line_id", "in", lines.ids), ("state", "=", "open")], limit=1
        )
        if disputed:
            raise UserError(
                _(
                    "The line %(line)s is already disputed: wait for the "
                    "resolution of that dispute.",
                    line=disputed.rule_id.name or disputed.line_name,
                )
            )
        # sudo: the salesperson may open a dispute, not write its other fields.
        line_by_id = {line.id: line for line in lines}
        disputes = super(IncentiveDispute, self.sudo()).create(
            [
                {
                    **vals,
                    "state": "open",
                    "statement_id": line_by_id[vals["line_id"]].statement_id.id,
                    "rule_id": line_by_id[vals["line_id"]].rule_id.id,
                    "line_name": line_by_id[vals["line_id"]].name,
                    "line_amount": line_by_id[vals["line_id"]].amount,
                }
                for vals in vals_list
            ]
        )
        disputes._activity_update()
        for dispute in disputes:
            dispute.statement_id.message_post(
                body=_(
                    "%(user)s disputes the line %(line)s: %(reason)s",
                    user=self.env.user.name,
                    line=dispute.line_name,
                    reason=dispute.reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return disputes.with_env(self.env)

    def write(self, vals):
        if not self.env.su and set(vals) - {"activity_ids", "message_ids"}:
            raise AccessError(_("Disputes are resolved with their buttons."))
        return super().write(vals)

    def action_file(self):
        """The dispute form's button: the dispute is filed when the form is
        saved; confirm it to the salesperson and close the form."""
        self.ensure_one()
        # sudo: who decides, whatever records of them the salesperson may read.
        approver = self.sudo()._get_responsible_for_approval()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Dispute filed"),
                "message": _(
                    "Your dispute of %(line)s is filed and waits on %(user)s. "
                    "You will be notified of the resolution.",
                    line=self.rule_id.name or self.line_name,
                    user=approver.name or _("the incentive administrators"),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_accept(self, resolution, amount):
        """Accept the dispute: ``amount`` is added to the participant's next
        draft statement as an adjustment."""
        self._check_resolver(resolution)
        currency = self.currency_id[:1]
        for dispute in self:
            if currency.is_zero(amount):
                raise UserError(_("An accepted dispute grants an amount."))
            statement = dispute.statement_id._get_next_draft()
            line = (
                self.env["incentive.statement.line"]
                .sudo()
                .create(
                    {
                        "statement_id": statement.id,
                        "kind": "adjustment",
                        "sequence": 960,
                        "origin_statement_id": dispute.statement_id.id,
                        "dispute_id": dispute.id,
                        "amount": dispute.currency_id.round(amount),
                        "name": _(
                            "Dispute on %(statement)s accepted: %(resolution)s",
                            statement=dispute.statement_id.display_name,
                            resolution=resolution,
                        ),
                    }
                )
            )
            dispute.sudo().write(
                {
                    "resolution": resolution,
                    "amount_granted": line.amount,
                    "adjustment_line_id": line.id,
                    "resolved_by_id": self.env.uid,
                }
            )
        self._move_to("accepted")
        self._notify_resolution()
        return True

    def action_reject(self, resolution):
        self._check_resolver(resolution)
        self.sudo().write({"resolution": resolution, "resolved_by_id": self.env.uid})
        self._move_to("rejected")
        self._notify_resolution()
        return True

    def action_resolve(self):
        """Open the resolution form."""
        return self.env["incentive.reason"]._open_for(self, "dispute")

    def _check_resolver(self, resolution):
        if not resolution:
            raise UserError(_("Explain the resolution of the dispute."))
        for dispute in self._check_state("open"):
            if dispute.user_id == self.env.user:
                raise AccessError(_("Nobody resolves their own dispute."))
            approver = dispute._get_responsible_for_approval()
            if (
                self.env.user != approver
                and not dispute.statement_id._is_incentive_admin()
            ):
                raise AccessError(
                    _("This dispute waits on %(user)s.", user=approver.name)
                )

    def _get_state_error(self):
        return UserError(_("This dispute is already resolved."))

    def _notify_resolution(self):
        for dispute in self:
            dispute.message_post(
                body=_(
                    "Dispute %(state)s: %(resolution)s",
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        dispute.state
                    ],
                    resolution=dispute.resolution,
                ),
                partner_ids=dispute.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

    def _get_state_activities(self):
        return {
            "open": (
                self.env.ref("sales_performance_incentive.mail_activity_dispute"),
                "_get_responsible_for_approval",
            )
        }

    def _get_responsible_for_approval(self):
        """The approver of the statement disputed."""
        self.ensure_one()
        return self.statement_id._get_responsible_for_approval()

    def _get_state_access(self):
        """As the statement's approval: an approver without access hands
        over to the incentive administrators."""
        return {
            "open": (
                (
                    "sales_performance.group_performance_manager",
                    "sales_performance_incentive.group_incentive_admin",
                ),
                "_get_incentive_admins",
            )
        }

    def _get_incentive_admins(self):
        self.ensure_one()
        return self.statement_id._get_incentive_admins()

    def _get_step_messages(self):
        # The resolution, told to the salesperson, is the step's trace.
        return {("open", "accepted"): False, ("open", "rejected"): False}

    def _get_step_buttons(self):
        return _("Resolve")
