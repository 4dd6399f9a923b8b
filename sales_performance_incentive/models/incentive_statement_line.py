from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from . import incentive_explanation as explanation


class IncentiveStatementLine(models.Model):
    _name = "incentive.statement.line"
    _description = "Incentive Statement Line"
    _order = "statement_id, sequence, id"

    statement_id = fields.Many2one(
        "incentive.statement", required=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one(related="statement_id.user_id", store=True)
    company_id = fields.Many2one(related="statement_id.company_id", store=True)
    currency_id = fields.Many2one(related="statement_id.currency_id")
    state = fields.Selection(related="statement_id.state")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [
            ("rule", "Rule"),
            ("cap", "Plan Cap"),
            ("correction", "Correction"),
            ("adjustment", "Adjustment"),
        ],
        required=True,
        default="rule",
    )
    rule_id = fields.Many2one("incentive.plan.rule", ondelete="restrict", index=True)
    name = fields.Char(string="Explanation as Written", required=True)
    # What the engine computed, written out in the reader's language by
    # ``explanation`` (see ``incentive_explanation``).
    explanation_data = fields.Json(readonly=True, copy=False)
    explanation = fields.Char(compute="_compute_explanation")
    base = fields.Monetary()
    rate = fields.Float(digits=(16, 4))
    quantity = fields.Float()
    amount = fields.Monetary(required=True)
    credit_date_from = fields.Date(string="Credited From")
    credit_date_to = fields.Date(string="Credited To")
    origin_statement_id = fields.Many2one(
        "incentive.statement",
        string="Corrected Statement",
        index=True,
        ondelete="restrict",
    )
    dispute_id = fields.Many2one("incentive.dispute", ondelete="set null")
    dispute_ids = fields.One2many("incentive.dispute", "line_id", string="Disputes")
    # sudo: the mark of a line is read with the line.
    dispute_state = fields.Selection(
        [
            ("open", "Disputed"),
            ("accepted", "Dispute Accepted"),
            ("rejected", "Dispute Rejected"),
        ],
        compute="_compute_dispute_state",
        compute_sudo=True,
        help="The line's open dispute, else how its last dispute was resolved.",
    )
    refund_move_ids = fields.Many2many(
        "account.move",
        string="Credit Notes",
        readonly=True,
        help="The credit notes this correction claws back in the period of the "
        "invoices they reverse.",
    )

    @api.depends("dispute_ids.state")
    def _compute_dispute_state(self):
        for line in self:
            disputes = line.dispute_ids.sorted("id")
            line.dispute_state = (
                "open"
                if "open" in disputes.mapped("state")
                else disputes[-1:].state or False
            )

    @api.depends("name", "explanation_data")
    @api.depends_context("lang")
    def _compute_explanation(self):
        for line in self:
            line.explanation = (
                explanation.render(line.env, line.explanation_data) or line.name
            )

    @api.depends("explanation")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for line in self:
            line.display_name = line.explanation

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_editable()
        return lines

    def write(self, vals):
        self._check_editable()
        return super().write(vals)

    def unlink(self):
        self._check_editable()
        return super().unlink()

    def _split_unchanged(self, vals_list):
        """Return the lines of ``self`` that already hold one of
        ``vals_list`` exactly, and the values no line holds."""
        free = defaultdict(list)
        for line in self:
            free[line.statement_id.id].append(line)
        kept = self.browse()
        missing = []
        for vals in vals_list:
            candidates = free[vals["statement_id"]]
            line = next((line for line in candidates if line._holds(vals)), None)
            if line:
                candidates.remove(line)
                kept |= line
            else:
                missing.append(vals)
        return kept, missing

    def _holds(self, vals):
        self.ensure_one()
        for name, value in vals.items():
            field = self._fields[name]
            if self[name] != field.convert_to_record(
                field.convert_to_cache(value, self), self
            ):
                return False
        return True

    def _check_editable(self):
        """Lines are written by the engine and by dispute resolutions only,
        and never on a statement past draft."""
        if not self.env.su:
            raise AccessError(_("Statement lines are computed, not typed in."))
        frozen = self.statement_id.filtered(lambda st: st.state != "draft")
        if frozen:
            raise UserError(
                _(
                    "The statement %(statement)s is %(state)s: its lines cannot "
                    "change. Corrections go to the next draft statement.",
                    statement=frozen[0].display_name,
                    state=dict(
                        frozen._fields["state"]._description_selection(self.env)
                    )[frozen[0].state],
                )
            )

    def action_open_credits(self):
        """The credit rows behind this line; for a correction, those of the
        credit notes it claws back, or the statement it corrects."""
        self.ensure_one()
        statement = self.statement_id
        if self.kind == "correction" and not self.refund_move_ids:
            return self.origin_statement_id._get_records_action()
        domain = [
            ("company_id", "=", statement.company_id.id),
            ("basis", "=", statement.plan_id.earn_on),
        ]
        if self.kind == "correction":
            return {
                "type": "ir.actions.act_window",
                "name": _("Credits"),
                "res_model": "incentive.credit",
                "view_mode": "list,kanban,pivot",
                # Cards on a phone: the list has a dozen columns.
                "mobile_view_mode": "kanban",
                "domain": domain
                + [
                    ("move_id", "in", self.refund_move_ids.ids),
                    "|",
                    ("user_id", "=", statement.user_id.id),
                    ("team_id.user_id", "=", statement.user_id.id),
                ],
            }
        if self.credit_date_from:
            domain.append(("date", ">=", self.credit_date_from))
        if self.credit_date_to:
            domain.append(("date", "<=", self.credit_date_to))
        rule = self.rule_id
        if rule.kind == "team_override":
            domain.append(("team_id.user_id", "=", statement.user_id.id))
        else:
            domain.append(("user_id", "=", statement.user_id.id))
        if rule.product_ids:
            domain.append(("product_id", "in", rule.product_ids.ids))
        if rule.categ_ids:
            domain.append(("categ_id", "child_of", rule.categ_ids.ids))
        return {
            "type": "ir.actions.act_window",
            "name": _("Credits"),
            "res_model": "incentive.credit",
            "view_mode": "list,kanban,pivot",
            "mobile_view_mode": "kanban",
            "domain": domain,
            "context": {"search_default_group_by_move": 0},
        }

    def action_dispute(self):
        """Open the dispute form for this line."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Dispute"),
            "res_model": "incentive.dispute",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id},
        }
