from collections import defaultdict

from odoo import Command, _, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class IncentiveStatementCorrection(models.AbstractModel):
    """Corrections: a frozen statement recomputed as of now, its difference
    landing in the participant's next draft statement. Part of
    ``incentive.statement``."""

    _name = "incentive.statement.correction"
    _description = "Corrections of Frozen Statements"

    def _get_next_draft(self):
        """The statement an adjustment of this one lands in: itself while a
        draft, else the participant's next draft statement of the plan, made
        for the next period when there is none yet."""
        self.ensure_one()
        if self.state == "draft":
            return self
        draft = self.search(
            [
                ("plan_id", "=", self.plan_id.id),
                ("user_id", "=", self.user_id.id),
                ("state", "=", "draft"),
                ("date_from", ">", self.date_to),
            ],
            order="date_from, id",
            limit=1,
        )
        if draft:
            return draft
        period = self.env["performance.period"].search(
            [
                ("period_type", "=", self.period_id.period_type),
                ("company_id", "=", self.company_id.id),
                ("date_start", ">", self.date_to),
            ],
            order="date_start",
            limit=1,
        )
        if not period:
            raise UserError(
                _(
                    "There is no period after %(period)s to carry the adjustment "
                    "to: create the next periods first.",
                    period=self.period_id.display_name,
                )
            )
        # sudo: statements are only ever created by the system.
        draft = self.sudo().create(
            {
                "plan_id": self.plan_id.id,
                "assignment_id": self.assignment_id.id,
                "user_id": self.user_id.id,
                "period_id": period.id,
                "company_id": self.company_id.id,
            }
        )
        draft.action_compute()
        return draft.with_env(self.env)

    def _get_corrections(self):
        """Corrections of the frozen statements of these participants: each
        frozen statement is recomputed as of now (cumulative rules keep what
        they booked, their true-up catches up anyway) and the difference with
        what was booked for it lands in the participant's first draft
        statement after it. ``{statement_id: [line values]}``."""
        plan = self.plan_id
        self.flush_model()
        drafts = self.search(
            [
                ("plan_id", "=", plan.id),
                ("user_id", "in", self.user_id.ids),
                ("state", "=", "draft"),
            ],
            order="date_from, id",
        )
        by_user = defaultdict(list)
        for draft in drafts:
            by_user[draft.user_id.id].append(draft)
        frozen = self.search(
            [
                ("plan_id", "=", plan.id),
                ("user_id", "in", self.user_id.ids),
                ("frozen", "=", True),
            ]
        )
        # An older draft (a month nobody submitted) does not hold back the
        # corrections of the frozen months after it.
        landing = {
            statement.id: next(
                (
                    d
                    for d in by_user[statement.user_id.id]
                    if d.date_from > statement.date_to
                ),
                None,
            )
            for statement in frozen
        }
        frozen = frozen.filtered(lambda st: landing[st.id] in self)
        if not frozen:
            return {}
        booked = dict(
            self.env["incentive.statement.line"]._read_group(
                [
                    ("origin_statement_id", "in", frozen.ids),
                    ("kind", "=", "correction"),
                    ("statement_id", "not in", self.ids),
                ],
                ["origin_statement_id"],
                ["amount:sum"],
            )
        )
        named = defaultdict(set)
        for line in self.env["incentive.statement.line"].search(
            [
                ("origin_statement_id", "in", frozen.ids),
                ("kind", "=", "correction"),
                ("statement_id", "not in", self.ids),
            ]
        ):
            named[line.origin_statement_id.id].update(line.refund_move_ids.ids)
        refunds = frozen._get_late_refunds()
        corrections = defaultdict(list)
        by_period = defaultdict(lambda: frozen.browse())
        for statement in frozen:
            by_period[statement.period_id] |= statement
        currency = plan.currency_id
        for period, batch in by_period.items():
            keep = {
                (line.statement_id.user_id.id, line.rule_id.id): line.amount
                for line in batch.line_ids
                if line.kind == "rule" and line.rule_id.cumulative
            }
            payouts = plan._get_payouts(period, batch.user_id, keep=keep)
            for statement in batch:
                recomputed = sum(
                    vals["amount"] for vals in payouts[statement.user_id.id]
                )
                approved = statement.amount_earned
                already = booked.get(statement, 0.0)
                difference = currency.round(recomputed - approved - already)
                if currency.is_zero(difference):
                    continue
                draft = landing[statement.id]
                new_refunds = refunds[statement.id] - refunds[statement.id].filtered(
                    lambda move, st=statement: move.id in named[st.id]
                )
                explanation = " ".join(
                    [
                        _(
                            "%(statement)s now pays %(recomputed)s; %(approved)s "
                            "was approved and %(already)s already corrected.",
                            statement=statement.display_name,
                            recomputed=currency.format(recomputed),
                            approved=currency.format(approved),
                            already=currency.format(already),
                        ),
                        *statement._get_changed_sentences(
                            payouts[statement.user_id.id]
                        ),
                    ]
                )
                if new_refunds:
                    name = _(
                        "Credit note %(refunds)s (%(period)s): %(amount)s. "
                        "%(explanation)s",
                        refunds=", ".join(
                            _(
                                "%(refund)s of %(invoice)s",
                                refund=move.name,
                                invoice=move.reversed_entry_id.name,
                            )
                            for move in new_refunds
                        ),
                        period=period.display_name,
                        amount=currency.format(difference),
                        explanation=explanation,
                    )
                else:
                    name = _(
                        "Correction of %(statement)s (%(period)s): %(amount)s. "
                        "%(explanation)s",
                        statement=statement.display_name,
                        period=period.display_name,
                        amount=currency.format(difference),
                        explanation=explanation,
                    )
                corrections[draft.id].append(
                    {
                        "kind": "correction",
                        "sequence": 950,
                        "origin_statement_id": statement.id,
                        "base": recomputed,
                        "rate": 0.0,
                        "amount": difference,
                        "credit_date_from": period.date_start,
                        "credit_date_to": period.date_end,
                        "refund_move_ids": [Command.set(new_refunds.ids)],
                        "name": name,
                    }
                )
        return corrections

    def _get_changed_sentences(self, vals_list):
        """The explanations of the lines of ``vals_list`` (this frozen
        statement recomputed) whose amount differs from the frozen line of the
        same rule: why a correction takes a bonus or a tier back."""
        self.ensure_one()
        frozen = defaultdict(float)
        for line in self.line_ids.filtered(lambda line: line.kind in ("rule", "cap")):
            frozen[line.rule_id.id, line.kind] += line.amount
        return [
            vals["name"]
            for vals in vals_list
            if not self.currency_id.is_zero(
                vals["amount"] - frozen[vals.get("rule_id") or False, vals["kind"]]
            )
        ]

    def _get_late_refunds(self):
        """Per statement of these (frozen), the credit notes dated after its
        period that now count in it (the participant's own, their split share,
        or their team's for a team override): ``{statement_id: moves}``, one
        query."""
        refunds = defaultdict(lambda: self.env["account.move"])
        plan = self.plan_id
        if not self or (
            plan.clawback_convention != "invoice_period"
            and not any(self.assignment_id.mapped("left_date"))
        ):
            return refunds
        windows = plan._get_windows(self.period_id[:1], self.user_id)
        rows = [
            (
                statement.id,
                statement.user_id.id,
                statement.date_from,
                statement.date_to,
                windows[statement.user_id.id]["part_from"],
                windows[statement.user_id.id]["part_to"],
            )
            for statement in self
        ]
        ids, users, starts, ends, part_froms, part_tos = zip(*rows, strict=True)
        query = SQL(
            """
            SELECT DISTINCT window_.statement_id, credit.move_id
              FROM (%(credits)s) credit
              LEFT JOIN crm_team team ON team.id = credit.team_id
              JOIN unnest(
                       %(ids)s::int[], %(users)s::int[], %(starts)s::date[],
                       %(ends)s::date[], %(part_froms)s::date[], %(part_tos)s::date[]
                   ) AS window_(
                       statement_id, user_id, date_from, date_to, part_from, part_to
                   )
                ON window_.user_id = credit.user_id
                   OR (%(overrides)s AND window_.user_id = team.user_id)
             WHERE credit.company_id = %(company)s
               AND credit.is_refund
               AND credit.date > window_.date_to
               AND %(credit_date)s BETWEEN window_.date_from AND window_.date_to
            """,
            credits=self.env["incentive.credit"]._credit_query(plan.earn_on),
            ids=list(ids),
            users=list(users),
            starts=list(starts),
            ends=list(ends),
            part_froms=list(part_froms),
            part_tos=list(part_tos),
            company=plan.company_id.id,
            credit_date=plan._get_credit_date_sql(),
            overrides="team_override" in plan.rule_ids.mapped("kind"),
        )
        for statement_id, move_id in self.env.execute_query(query):
            refunds[statement_id] |= self.env["account.move"].browse(move_id)
        return refunds
