from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

# What may change on a published plan: its terms are locked, a new version
# changes them.
PUBLISHED_WRITABLE = {
    "active",
    "auto_approve_zero",
    "state",
    "date_end",
    "assignment_ids",
    "description",
    "message_main_attachment_id",
}


class IncentivePlan(models.Model):
    _name = "incentive.plan"
    _description = "Incentive Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, name, version desc, id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    name = fields.Char(required=True, tracking=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    description = fields.Html(
        string="Plan Document", help="The terms the participants accept."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    version = fields.Integer(default=1, required=True, readonly=True, copy=False)
    previous_id = fields.Many2one(
        "incentive.plan", string="Previous Version", readonly=True, copy=False
    )
    date_start = fields.Date(string="Effective From", required=True, tracking=True)
    date_end = fields.Date(string="Effective To", required=True, tracking=True)
    published_date = fields.Datetime(readonly=True, copy=False)
    published_by_id = fields.Many2one("res.users", readonly=True, copy=False)

    # Terms
    earn_on = fields.Selection(
        [("invoice", "Invoice"), ("payment", "Payment")],
        default="invoice",
        required=True,
        tracking=True,
        help="On invoice: credited at the invoice date. On payment: only the paid "
        "share counts, at the payment date, pro rata for partial payments.",
    )
    clawback_days = fields.Integer(
        string="Clawback Window (days)",
        help="Credit notes claw back the credit of invoices at most this many days "
        "old; 0 claws back whatever the age of the invoice.",
    )
    clawback_convention = fields.Selection(
        [
            ("invoice_period", "In the Invoice's Period"),
            ("refund_period", "In the Credit Note's Period"),
        ],
        string="Credit Notes Count",
        default="invoice_period",
        required=True,
        tracking=True,
        help="In the invoice's period (default): a credit note counts in the period "
        "of the invoice it reverses, so that period is paid again at its own tiers, "
        "threshold and bonus conditions; when its statement is already approved, "
        "the difference is a correction in the next draft statement. Example: a "
        "January invoice of 10,000 paid 5 % in January's tier; a February credit "
        "note of 4,000 takes back 4,000 x 5 % = 200 (more if January falls to a "
        "lower tier), whatever February's sales.\n"
        "In the credit note's period: it lowers the period of its own date, at "
        "that period's rates; in the example, nothing is taken back if February "
        "stays below the first paying tier. A credit note dated after the "
        "participant left always counts in the invoice's period.",
    )
    kpi_id = fields.Many2one(
        "performance.kpi",
        string="Quota KPI",
        default=lambda self: self.env.ref(
            "sales_performance.kpi_invoiced_revenue", raise_if_not_found=False
        ),
        help="KPI whose target attainment the plan threshold reads.",
    )
    threshold_pct = fields.Float(
        string="Plan Threshold (%)",
        help="No payout at all below this attainment of the quota KPI; 0 for none.",
    )
    cap_amount = fields.Monetary(
        string="Plan Cap per Period",
        help="The rules of the plan pay at most this amount per period; 0 for no cap.",
    )
    # Approval
    auto_approve_zero = fields.Boolean(
        string="Approve Zero Statements",
        default=True,
        tracking=True,
        help="A statement submitted with nothing earned (no amount, no "
        "adjustment, no correction) and no open dispute is approved by itself, "
        "with a note: the team leader's queue holds only real work.",
    )
    rule_ids = fields.One2many("incentive.plan.rule", "plan_id", copy=True)
    assignment_ids = fields.One2many(
        "incentive.plan.assignment", "plan_id", string="Participants", copy=True
    )
    statement_ids = fields.One2many("incentive.statement", "plan_id")
    statement_count = fields.Integer(compute="_compute_statement_count")
    participant_count = fields.Integer(compute="_compute_participant_count")

    # ------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------

    @api.depends("name", "version")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = (
                f"{plan.name} (v{plan.version})" if plan.version > 1 else plan.name
            )

    def _compute_statement_count(self):
        counts = dict(
            self.env["incentive.statement"]._read_group(
                [("plan_id", "in", self.ids)], ["plan_id"], ["__count"]
            )
        )
        for plan in self:
            plan.statement_count = counts.get(plan, 0)

    @api.depends("assignment_ids.user_id")
    def _compute_participant_count(self):
        for plan in self:
            plan.participant_count = len(plan.assignment_ids.user_id)

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for plan in self:
            if plan.date_end < plan.date_start:
                raise ValidationError(
                    _("The plan %(plan)s ends before it starts.", plan=plan.name)
                )

    @api.constrains("threshold_pct", "cap_amount", "clawback_days")
    def _check_limits(self):
        for plan in self:
            if plan.threshold_pct < 0 or plan.cap_amount < 0 or plan.clawback_days < 0:
                raise ValidationError(
                    _(
                        "The threshold, cap and clawback window of %(plan)s cannot "
                        "be negative.",
                        plan=plan.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        self.check_access("write")
        if set(vals) - PUBLISHED_WRITABLE:
            self._check_draft()
        return super().write(vals)

    def unlink(self):
        if self.statement_ids:
            raise UserError(
                _("A plan with statements cannot be deleted: archive it instead.")
            )
        return super().unlink()

    def _check_draft(self):
        locked = self.filtered(lambda plan: plan.state != "draft")
        if locked:
            raise UserError(
                _(
                    "The plan %(plan)s is published: its terms are locked. Make a "
                    "new version to change them.",
                    plan=locked[0].display_name,
                )
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_publish(self):
        """Lock the terms, close the previous version and tell the participants."""
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    _(
                        "Only a draft plan can be published: %(plan)s is not.",
                        plan=plan.display_name,
                    )
                )
            if not plan.rule_ids:
                raise UserError(
                    _(
                        "The plan %(plan)s has no rule to pay by.",
                        plan=plan.display_name,
                    )
                )
            plan.assignment_ids._expand_teams()
            if not plan.assignment_ids.user_id:
                raise UserError(
                    _(
                        "The plan %(plan)s has no participant: add salespeople or "
                        "teams before publishing it.",
                        plan=plan.display_name,
                    )
                )
        for plan in self:
            previous = plan.previous_id
            if previous.state == "published" and previous.date_end >= plan.date_start:
                previous.write(
                    {
                        "date_end": max(
                            previous.date_start, plan.date_start - timedelta(days=1)
                        ),
                        "state": "closed",
                    }
                )
            plan.write(
                {
                    "state": "published",
                    "published_date": fields.Datetime.now(),
                    "published_by_id": self.env.user.id,
                }
            )
            plan.assignment_ids._notify_published()
        return True

    def action_close(self):
        self.filtered(lambda plan: plan.state == "published").write({"state": "closed"})
        return True

    def action_new_version(self):
        """A draft copy of the plan, one version up, to change its terms."""
        self.ensure_one()
        new = self.copy(
            {
                "name": self.name,
                "version": self.version + 1,
                "previous_id": self.id,
            }
        )
        return new._get_records_action(name=_("New Version"))

    def action_generate_statements(self):
        """Create or refresh the monthly statements of these plans from their
        start up to the current month."""
        today = fields.Date.context_today(self)
        for plan in self:
            if plan.state != "published":
                raise UserError(
                    _(
                        "Only a published plan makes statements: %(plan)s is not.",
                        plan=plan.display_name,
                    )
                )
            periods = self.env["performance.period"].search(
                [
                    ("company_id", "=", plan.company_id.id),
                    ("period_type", "=", "month"),
                    ("date_start", "<=", min(today, plan.date_end)),
                    ("date_end", ">=", plan.date_start),
                ],
                order="date_start",
            )
            for period in periods:
                plan.generate_statements(period)
        return self.action_open_statements() if len(self) == 1 else True

    def action_open_statements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_performance_incentive.action_incentive_statement"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action

    # ------------------------------------------------------------
    # Statements
    # ------------------------------------------------------------

    def generate_statements(self, period, users=None):
        """Create or refresh the statements of every participant of these
        plans for ``period``, in batch: targets, credits and scores are read
        with one query per rule, whatever the number of participants.
        ``users`` limits them to these participants (a chunk of a background
        close)."""
        self.check_access("read")
        Statement = self.env["incentive.statement"].sudo()
        plans = self.sudo().filtered(
            lambda plan: (
                plan.state in ("published", "closed")
                and plan.date_start <= period.date_end
                and plan.date_end >= period.date_start
            )
        )
        outside = self - plans.with_env(self.env)
        if outside:
            raise UserError(
                _(
                    "The period %(period)s is outside the dates of the published "
                    "plan %(plan)s.",
                    period=period.display_name,
                    plan=outside[0].display_name,
                )
            )
        plans.assignment_ids._expand_teams()
        domain = [("plan_id", "in", plans.ids), ("period_id", "=", period.id)]
        if users is not None:
            domain.append(("user_id", "in", users.ids))
        existing = Statement.search(domain)
        keys = {(st.plan_id.id, st.user_id.id) for st in existing}
        vals_list = []
        for plan in plans:
            assignments = plan.assignment_ids
            if users is not None:
                assignments = assignments.filtered(lambda a: a.user_id in users)
            for assignment in assignments._active_in(period):
                key = (plan.id, assignment.user_id.id)
                if key in keys:
                    continue
                keys.add(key)
                vals_list.append(plan._prepare_statement_vals(assignment, period))
            # Those who left before the period get a closing statement while
            # credit notes of their invoices may still claw back.
            left = assignments._left_before(period).filtered(
                lambda a, p=plan: (p.id, a.user_id.id) not in keys
            )
            owing = plan._get_late_refund_users(period, left)
            for assignment in left.filtered(lambda a, o=owing: a.user_id.id in o):
                keys.add((plan.id, assignment.user_id.id))
                vals_list.append(plan._prepare_statement_vals(assignment, period))
        created = Statement.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
        ).create(vals_list)
        statements = existing | created
        statements.action_compute()
        # A closing statement with nothing to claw back yet (the statement to
        # correct is not approved, or the rules ignore the products) is not
        # kept: a later generation makes it again.
        empty = created.filtered(
            lambda st: st.assignment_id._left_before(period) and not st.line_ids
        )
        empty.unlink()
        return (statements - empty).with_env(self.env)

    def _prepare_statement_vals(self, assignment, period):
        """Values of the statement of ``assignment``'s participant under this
        plan for ``period``."""
        self.ensure_one()
        return {
            "plan_id": self.id,
            "assignment_id": assignment.id,
            "user_id": assignment.user_id.id,
            "period_id": period.id,
            "company_id": self.company_id.id,
        }

    def _get_late_refund_users(self, period, assignments):
        """Ids of the users of ``assignments`` (who left the company) credited
        with a credit note dated after they left and up to the end of
        ``period``, of an invoice dated while they took part, inside the
        plan's clawback window: one grouped query."""
        self.ensure_one()
        assignments = assignments.filtered("user_id")
        if not assignments:
            return set()
        query = SQL(
            """
            SELECT DISTINCT window_.user_id
              FROM (%(credits)s) credit
              JOIN unnest(%(users)s::int[], %(starts)s::date[], %(lefts)s::date[])
                   AS window_(user_id, date_from, left_date)
                ON window_.user_id = credit.user_id
             WHERE credit.company_id = %(company)s
               AND credit.is_refund
               AND credit.date > window_.left_date
               AND credit.date <= %(period_end)s
               AND credit.origin_date BETWEEN window_.date_from AND window_.left_date
               AND %(window)s
            """,
            credits=self.env["incentive.credit"]._credit_query(self.earn_on),
            users=[a.user_id.id for a in assignments],
            starts=[a.date_start or self.date_start for a in assignments],
            lefts=[a.left_date for a in assignments],
            company=self.company_id.id,
            period_end=period.date_end,
            window=SQL("credit.date - credit.origin_date <= %s", self.clawback_days)
            if self.clawback_days
            else SQL("TRUE"),
        )
        return {user_id for (user_id,) in self.env.execute_query(query)}

    def _get_estimate_period(self, date):
        """The statement period that would credit a deal closed on ``date``:
        of the type the plan's statements use (monthly by default)."""
        self.ensure_one()
        period_type = self.statement_ids[:1].period_id.period_type or "month"
        return self.env["performance.period"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("period_type", "=", period_type),
                ("date_start", "<=", date),
                ("date_end", ">=", date),
            ],
            limit=1,
        )

    def _money(self, amount):
        return self.currency_id.format(amount)

    def _get_waiting_activities(self, activities):
        """The acceptance activities of ``activities`` whose participant has
        not accepted yet: only accepting closes them (``mail.activity``
        refuses "Mark Done")."""
        accept = self.env.ref("sales_performance_incentive.mail_activity_plan_accept")
        # sudo: the participation lines behind the activities, whoever asks.
        pending = {
            (assignment.plan_id.id, assignment.user_id.id)
            for assignment in self.sudo().assignment_ids
            if not assignment.accepted_date and assignment.plan_id.state == "published"
        }
        return activities.filtered(
            lambda activity: (
                activity.activity_type_id == accept
                and (activity.res_id, activity.user_id.id) in pending
            )
        )

    def _get_waiting_error(self, activity):
        self.ensure_one()
        return UserError(
            _(
                "%(user)s has not accepted the plan %(plan)s yet: accept it with "
                "its Accept button, and this activity closes by itself.",
                user=activity.user_id.name,
                plan=self.display_name,
            )
        )
