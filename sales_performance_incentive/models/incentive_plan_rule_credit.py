from collections import defaultdict

from odoo import models
from odoo.tools import SQL

# Up to this many participants, credits are read user by user through an
# index rather than by scanning the company's invoice lines.
SMALL_BATCH = 50


class IncentivePlanRule(models.Model):
    """What a rule is credited: its filters on the credit rows and its
    grouped read of them (see ``incentive.credit``)."""

    _inherit = "incentive.plan.rule"

    def _credits_team_leader(self):
        """Whether the rule credits the leader of the sales team of each
        credit row rather than its salesperson (team override)."""
        self.ensure_one()
        return self.kind == "team_override"

    def _get_credit_dates(self, window):
        """The first and last day of credits this rule counts inside a user's
        ``window`` (see ``incentive.plan._get_windows``): the period, or the
        plan to date for cumulative rules, within a spiff's own dates."""
        self.ensure_one()
        date_from = (
            window["cumulative_from"] if self.cumulative else window["date_from"]
        )
        date_to = window["date_to"]
        if self.kind == "spiff":
            date_from = max(filter(None, [date_from, self.date_from]))
            date_to = min(filter(None, [date_to, self.date_to]))
        return date_from, date_to

    def _get_credit_domain_sql(self):
        """Filters of this rule on credit rows, as SQL on the alias ``credit``."""
        clauses = [SQL("TRUE")]
        if self.product_ids:
            clauses.append(SQL("credit.product_id IN %s", tuple(self.product_ids.ids)))
        if self.categ_ids:
            categories = self.env["product.category"].search(
                [("id", "child_of", self.categ_ids.ids)]
            )
            clauses.append(SQL("credit.categ_id IN %s", tuple(categories.ids)))
        if self.plan_id.clawback_days:
            clauses.append(
                SQL(
                    "(NOT credit.is_refund OR credit.origin_date IS NULL "
                    "OR credit.date - credit.origin_date <= %s)",
                    self.plan_id.clawback_days,
                )
            )
        return SQL(" AND ").join(clauses)

    def _get_bases_key(self):
        """What ``_get_bases`` depends on besides the windows: rules with the
        same key are credited the same rows."""
        self.ensure_one()
        return (
            self._credits_team_leader(),
            self.cumulative,
            (self.date_from, self.date_to) if self.kind == "spiff" else None,
            tuple(sorted(self.product_ids.ids)),
            tuple(sorted(self.categ_ids.ids)),
        )

    def _get_bases(self, windows, extra):
        """``{user_id: {"amount", "margin", "quantity"}}`` credited under this
        rule inside each user's window, from one grouped query."""
        self.ensure_one()
        plan = self.plan_id
        rows = []
        for user_id, window in windows.items():
            date_from, date_to = self._get_credit_dates(window)
            if date_from <= date_to:
                rows.append(
                    (
                        user_id,
                        date_from,
                        date_to,
                        window["part_from"],
                        window["part_to"],
                    )
                )
        bases = defaultdict(lambda: {"amount": 0.0, "margin": 0.0, "quantity": 0.0})
        if not rows:
            return bases
        users, starts, ends, part_froms, part_tos = zip(*rows, strict=True)
        if self._credits_team_leader():
            # The leader is credited with the base of the teams they lead.
            owner = SQL("team.user_id")
            join = SQL("JOIN crm_team team ON team.id = credit.team_id")
        else:
            owner = SQL("credit.user_id")
            join = SQL("")
        query = SQL(
            """
            SELECT window_.user_id, SUM(credit.amount), SUM(credit.margin),
                   SUM(credit.quantity)
              FROM (%(credits)s) credit
              %(join)s
              JOIN unnest(
                       %(users)s::int[], %(starts)s::date[], %(ends)s::date[],
                       %(part_froms)s::date[], %(part_tos)s::date[]
                   ) AS window_(user_id, date_from, date_to, part_from, part_to)
                ON window_.user_id = %(owner)s
               AND %(credit_date)s BETWEEN window_.date_from AND window_.date_to
             WHERE credit.company_id = %(company)s
               AND %(filters)s
             GROUP BY window_.user_id
            """,
            credits=self.env["incentive.credit"]._credit_query(
                plan.earn_on,
                # A few participants (a rep's home, the estimator): read their
                # invoices through the index, not every line of the company.
                user_ids=list(users)
                if not self._credits_team_leader() and len(users) <= SMALL_BATCH
                else None,
            ),
            join=join,
            users=list(users),
            starts=list(starts),
            ends=list(ends),
            part_froms=list(part_froms),
            part_tos=list(part_tos),
            credit_date=plan._get_credit_date_sql(),
            owner=owner,
            company=plan.company_id.id,
            filters=self._get_credit_domain_sql(),
        )
        for user_id, amount, margin, quantity in self.env.execute_query(query):
            bases[user_id] = {
                "amount": float(amount or 0.0),
                "margin": float(margin or 0.0),
                "quantity": float(quantity or 0.0),
            }
        for row in extra:
            if self._credits_team_leader() or not self._matches(row, windows):
                continue
            base = bases[row["user_id"]]
            for key in ("amount", "margin", "quantity"):
                base[key] += row[key]
        return bases

    def _matches(self, row, windows):
        """Whether a hypothetical credit row falls under this rule."""
        window = windows.get(row["user_id"])
        if not window:
            return False
        date_from, date_to = self._get_credit_dates(window)
        if not date_from <= row["date"] <= date_to:
            return False
        product = self.env["product.product"].browse(row.get("product_id"))
        if self.product_ids and product not in self.product_ids:
            return False
        if self.categ_ids and not (
            product.categ_id
            and product.categ_id.parent_path.startswith(
                tuple(categ.parent_path for categ in self.categ_ids)
            )
        ):
            return False
        return True
