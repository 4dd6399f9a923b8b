from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from odoo.addons.sales_performance.models.batch import store_values

# Who sees the journal entries of a statement: accounting users. Reps and
# leaders have no accounting rights and never read them.
ACCOUNTING_GROUPS = "account.group_account_invoice,account.group_account_readonly"
# Who sees what a statement accrued: accounting, and who validates or pays.
ACCRUAL_GROUPS = (
    ACCOUNTING_GROUPS + ",sales_performance_incentive.group_incentive_admin,"
    "sales_performance.group_performance_hr"
)


class IncentiveStatement(models.Model):
    """Payouts in the books: validating statements accrues their commission
    expense (one entry per company and period, a debit and a credit line per
    statement), sending one back before payment reverses its lines, and
    paying clears the accrual with a payment entry, or records the payroll
    run that pays it."""

    _inherit = "incentive.statement"

    accrual_move_id = fields.Many2one(
        "account.move",
        string="Accrual Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=ACCOUNTING_GROUPS,
    )
    payment_move_id = fields.Many2one(
        "account.move",
        string="Payment Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=ACCOUNTING_GROUPS,
    )
    accrued_amount = fields.Monetary(
        string="Accrued",
        currency_field="company_currency_id",
        readonly=True,
        copy=False,
        groups=ACCRUAL_GROUPS,
        help="Commission expense accrued in the books for this statement, in "
        "the company's currency.",
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    payroll_reference = fields.Char(
        readonly=True,
        copy=False,
        tracking=True,
        help="The payroll run that paid this statement.",
    )
    account_move_count = fields.Integer(
        string="Journal Entries",
        compute="_compute_account_move_count",
        groups=ACCOUNTING_GROUPS,
    )

    def _compute_account_move_count(self):
        counts = dict(
            self.env["account.move.line"]._read_group(
                [("incentive_statement_id", "in", self.ids)],
                ["incentive_statement_id"],
                ["move_id:count_distinct"],
            )
        )
        for statement in self:
            statement.account_move_count = counts.get(statement, 0)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_the_books(self):
        # sudo: whoever deletes a draft may not read the entries.
        booked = (
            self.env["account.move.line"]
            .sudo()
            .search([("incentive_statement_id", "in", self.ids)], limit=1)
            .incentive_statement_id
        )
        if booked:
            raise UserError(
                _(
                    "%(statement)s was posted in the books (and reversed): it "
                    "is kept with its journal entries.",
                    statement=booked.display_name,
                )
            )

    # ------------------------------------------------------------
    # Workflow hooks
    # ------------------------------------------------------------

    def action_validate(self):
        """Validate, then tell when nothing was posted: the accounts of the
        company are not set."""
        unset = self.company_id.filtered(
            lambda company: not company._is_incentive_accounting_set()
        )
        # Refused before anything is written; checked again once locked.
        self._get_accruals_to_post()._check_accrual_lock_dates()
        result = super().action_validate()
        if unset:
            return self._notify(
                _(
                    "Validated. Nothing was posted in the books: set the "
                    "commission accounts and journal of %(companies)s in the "
                    "Settings.",
                    companies=", ".join(unset.mapped("name")),
                )
            )
        return result

    def action_pay(self, payment=None):
        """Mark paid. With the accounts set, asks how it was paid (the
        *Mark as Paid* dialog); ``payment`` is its answer: ``method``
        (``entry`` or ``payroll``), ``date``, ``journal`` (a bank or cash
        journal) or ``reference`` (the payroll run)."""
        configured = any(
            company._is_incentive_accounting_set() for company in self.company_id
        )
        if payment is None and configured:
            return self.env["incentive.pay"]._open_for(self)
        payment = payment or {}
        statements = self.filtered(lambda statement: statement.state == "validated")
        if payment.get("method") == "entry" and statements:
            statements._check_payment_entry(payment["journal"], payment["date"])
        result = super().action_pay()
        vals = {}
        if payment.get("date"):
            vals["paid_date"] = payment["date"]
        if payment.get("method") == "payroll":
            vals["payroll_reference"] = payment["reference"]
        if vals:
            # sudo: the payment details follow the step, checked above.
            statements.sudo().write(vals)
        if payment.get("method") == "entry":
            statements.sudo()._post_payments(payment["journal"], payment["date"])
        return result

    def _move_to(self, state, note=None):
        """Accrue what is validated, reverse what is sent back before
        payment: after the caller checked the step and locked the rows,
        before the state is written. The lock dates are checked first, so a
        refusal changes nothing."""
        if state == "validated":
            to_post = self.filtered(
                lambda st: (
                    st.state == "approved"
                    and not st.sudo().accrual_move_id
                    and st.company_id._is_incentive_accounting_set()
                )
            )
            to_post._check_accrual_lock_dates()
            # sudo: who validates was checked (validator group); they need no
            # accounting rights.
            to_post.sudo()._post_accruals()
        elif state in ("draft", "to_approve", "approved"):
            sent_back = self.filtered(lambda st: st.state == "validated")
            if sent_back:
                # sudo: as above, the validator sends back.
                sent_back.sudo()._reverse_accruals()
                sent_back.sudo().write(
                    {"validated_by_id": False, "validated_date": False}
                )
        return super()._move_to(state, note=note)

    def _get_step_messages(self):
        return {
            **super()._get_step_messages(),
            ("validated", "draft"): _("Sent back"),
        }

    # ------------------------------------------------------------
    # Accrual
    # ------------------------------------------------------------

    def _get_accruals_to_post(self):
        return self.filtered(
            lambda st: (
                st.state == "approved"
                and not st.sudo().accrual_move_id
                and st.company_id._is_incentive_accounting_set()
            )
        )

    def _check_accrual_lock_dates(self):
        """Refuse, before anything changes, to accrue into a locked period."""
        for (company, period), _batch in self.grouped(
            lambda st: (st.company_id, st.period_id)
        ).items():
            locks = company._get_lock_date_violations(
                period.date_end, sale=False, purchase=False, tax=False
            )
            if locks:
                raise UserError(
                    _(
                        "The commissions of %(period)s would be posted on "
                        "%(date)s, which is locked in the books of %(company)s "
                        "(%(locks)s). Nothing was validated: ask your "
                        "accountant to reopen the period first.",
                        period=period.display_name,
                        date=format_date(self.env, period.date_end),
                        company=company.name,
                        locks=company._format_lock_dates(locks),
                    )
                )

    def _get_accrual_amounts(self):
        """``{statement id: total in company currency}``, converted at the
        end of the statement's period with the company's rates."""
        return {
            statement.id: statement.currency_id._convert(
                statement.amount_total,
                statement.company_id.currency_id,
                statement.company_id,
                statement.date_to,
            )
            for statement in self
        }

    def _get_accrual_analytic_accounts(self):
        """``{statement id: analytic account}`` of the company's split;
        *HR link*: by department or cost centre. Statements without one are
        left out."""
        return {
            statement.id: statement.team_id.incentive_analytic_account_id
            for statement in self
            if statement.company_id.incentive_analytic_split == "team"
            and statement.team_id.incentive_analytic_account_id
        }

    def _prepare_accrual_line_vals(self, amount, analytic):
        """A debit of the expense and a credit of the accrued commissions for
        this statement (the other way round for a net clawback)."""
        self.ensure_one()
        company = self.company_id
        label = _(
            "Commission %(period)s: %(user)s (%(plan)s)",
            period=self.period_id.name,
            user=self.user_id.name,
            plan=self.plan_id.name,
        )
        common = {
            "name": label,
            "partner_id": self.user_id.partner_id.id,
            "incentive_statement_id": self.id,
            "currency_id": self.currency_id.id,
        }
        return [
            {
                **common,
                "account_id": company.incentive_expense_account_id.id,
                "balance": amount,
                "amount_currency": self.amount_total,
                "analytic_distribution": {str(analytic.id): 100.0}
                if analytic
                else False,
            },
            {
                **common,
                "account_id": company.incentive_accrual_account_id.id,
                "balance": -amount,
                "amount_currency": -self.amount_total,
            },
        ]

    def _post_accruals(self):
        """One posted entry per company and period for these statements, in
        one create; statements with nothing to pay have no line."""
        analytics = self._get_accrual_analytic_accounts()
        amounts = self._get_accrual_amounts()
        vals_list, batches = [], []
        for (company, period), batch in self.grouped(
            lambda st: (st.company_id, st.period_id)
        ).items():
            batch = batch.filtered(
                lambda st, c=company: not c.currency_id.is_zero(amounts[st.id])
            )
            if not batch:
                continue
            line_vals = []
            for statement in batch:
                line_vals += statement._prepare_accrual_line_vals(
                    amounts[statement.id], analytics.get(statement.id)
                )
            vals_list.append(
                {
                    "move_type": "entry",
                    "company_id": company.id,
                    "journal_id": company.incentive_journal_id.id,
                    "date": period.date_end,
                    "ref": _("Commissions %(period)s", period=period.name),
                    "line_ids": [Command.create(vals) for vals in line_vals],
                }
            )
            batches.append(batch)
        moves = self.env["account.move"].create(vals_list)
        moves.action_post()
        for move, batch in zip(moves, batches, strict=True):
            batch.write({"accrual_move_id": move.id})
        posted = self.filtered("accrual_move_id")
        store_values(
            posted,
            "accrued_amount",
            {statement.id: amounts[statement.id] for statement in posted},
        )
        return moves

    def _reverse_accruals(self):
        """Reverse the accrual lines of these statements with Odoo's
        reversal (dated as the accrual, or after the lock date), and
        reconcile each with its accrual."""
        statements = self.filtered("accrual_move_id")
        moves = statements.accrual_move_id
        defaults = []
        for move in moves:
            lines = move.line_ids.filtered(
                lambda line: line.incentive_statement_id in statements
            )
            defaults.append(
                {
                    "date": move.date,
                    "ref": _("Reversal of %(entry)s: sent back", entry=move.name),
                    "line_ids": [
                        Command.create(line._get_incentive_copy_vals())
                        for line in lines
                    ],
                }
            )
        reversals = moves._reverse_moves(defaults)
        reversals.action_post()
        # Posting a reversal matches it with every open line of the entry's
        # accounts, other participants' included: matched again per statement.
        reversals.line_ids.filtered(
            lambda line: line.matched_debit_ids or line.matched_credit_ids
        ).remove_move_reconcile()
        statements._reconcile_accruals(reversals)
        statements.write({"accrual_move_id": False, "accrued_amount": 0.0})
        return reversals

    def _reconcile_accruals(self, moves):
        """Reconcile, per statement, its open accrual line with its lines of
        ``moves`` on the accrued commissions account."""
        plan = []
        for statement in self:
            account = statement.company_id.incentive_accrual_account_id

            def of_statement(line, st=statement, a=account):
                return line.incentive_statement_id == st and line.account_id == a

            accruals = statement.accrual_move_id.line_ids.filtered(
                lambda line, f=of_statement: f(line) and not line.reconciled
            )
            lines = accruals | moves.line_ids.filtered(of_statement)
            if accruals and len(lines) > 1:
                plan.append(lines)
        if plan:
            self.env["account.move.line"]._reconcile_plan(plan)

    # ------------------------------------------------------------
    # Payment
    # ------------------------------------------------------------

    def _check_payment_entry(self, journal, date):
        if len(self.company_id) > 1 or journal.company_id != self.company_id:
            raise UserError(
                _("Pay the statements of one company at a time, from its journal.")
            )
        missing = self.filtered(
            lambda st: (
                not st.sudo().accrual_move_id
                and not st.currency_id.is_zero(st.amount_total)
            )
        )
        if missing:
            raise UserError(
                _(
                    "%(statement)s has no accrual in the books (it was validated "
                    "before the commission accounts were set): record its "
                    "payroll reference instead.",
                    statement=missing[0].display_name,
                )
            )
        locks = journal.company_id._get_lock_date_violations(
            date, sale=False, purchase=False, tax=False
        )
        if locks:
            raise UserError(
                _(
                    "%(date)s is locked in the books (%(locks)s): pay on a later "
                    "date. Nothing was marked as paid.",
                    date=format_date(self.env, date),
                    locks=journal.company_id._format_lock_dates(locks),
                )
            )

    def _post_payments(self, journal, date):
        """One payment entry from ``journal`` for these statements of one
        company: each statement's open accrual is debited and reconciled, the
        journal's outstanding payments account credited."""
        company = journal.company_id
        account = company.incentive_accrual_account_id
        accruals = self.accrual_move_id.line_ids.filtered(
            lambda line: (
                line.incentive_statement_id in self
                and line.account_id == account
                and not line.reconciled
            )
        )
        if not accruals:
            return self.env["account.move"]
        line_vals = [
            {
                "name": line.name,
                "account_id": account.id,
                "partner_id": line.partner_id.id,
                "balance": -line.amount_residual,
                "incentive_statement_id": line.incentive_statement_id.id,
            }
            for line in accruals
        ]
        method_line = journal._get_available_payment_method_lines("outbound")[:1]
        counterpart = method_line.payment_account_id or journal.default_account_id
        total = sum(vals["balance"] for vals in line_vals)
        line_vals.append(
            {
                "name": _("Commissions paid"),
                "account_id": counterpart.id,
                "balance": -total,
            }
        )
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "company_id": company.id,
                "journal_id": journal.id,
                "date": date,
                "ref": _("Commission payment"),
                "line_ids": [Command.create(vals) for vals in line_vals],
            }
        )
        move.action_post()
        self.write({"payment_move_id": move.id})
        self._reconcile_accruals(move)
        return move

    # ------------------------------------------------------------
    # Navigation
    # ------------------------------------------------------------

    def action_open_account_moves(self):
        """The journal entries of this statement: accrual, reversals,
        payment."""
        self.ensure_one()
        moves = (
            self.env["account.move.line"]
            .search([("incentive_statement_id", "=", self.id)])
            .move_id
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_journal_line"
        )
        action.update(
            domain=[("id", "in", moves.ids)],
            context={"create": False},
        )
        if len(moves) == 1:
            action.update(res_id=moves.id, view_mode="form", views=[(False, "form")])
        return action

    @api.model
    def _notify(self, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "warning",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
