from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import brackets

RULE_KINDS = [
    ("percentage", "Percentage"),
    ("tiered", "Tiered"),
    ("bonus", "Bonus"),
    ("multiplier", "Multiplier"),
    ("spiff", "Spiff"),
    ("team_override", "Team Override"),
]
OPERATORS = {
    ">=": lambda value, limit: value >= limit,
    ">": lambda value, limit: value > limit,
    "<=": lambda value, limit: value <= limit,
    "<": lambda value, limit: value < limit,
}


class IncentivePlanRule(models.Model):
    _name = "incentive.plan.rule"
    _description = "Incentive Rule"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        "incentive.plan", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(RULE_KINDS, required=True, default="percentage")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")

    # What is credited
    base = fields.Selection(
        [("revenue", "Revenue"), ("margin", "Margin")],
        default="revenue",
        required=True,
        help="Credited revenue, or credited revenue minus the products' cost.",
    )
    product_ids = fields.Many2many("product.product", string="Products")
    categ_ids = fields.Many2many("product.category", string="Product Categories")
    rate = fields.Float(
        string="Rate (%)", digits=(16, 4), help="Share of the base paid out."
    )
    amount = fields.Monetary(
        help="Bonus: the amount paid when the condition holds. Spiff: the amount "
        "paid per unit sold."
    )
    date_from = fields.Date(string="Spiff From")
    date_to = fields.Date(string="Spiff To")

    # Tiers
    tier_basis = fields.Selection(
        [("amount", "Credited Amount"), ("attainment", "Attainment (%)")],
        default="attainment",
        help="Breakpoints in credited amount, or in percent of the target of the "
        "rule's KPI.",
    )
    tier_mode = fields.Selection(
        [("marginal", "Marginal"), ("whole", "Whole")],
        default="marginal",
        help="Marginal: each tier's rate on the part of the base inside it. Whole: "
        "the rate of the tier reached on the whole base.",
    )
    cumulative = fields.Boolean(
        string="Plan to Date",
        help="Evaluate the tiers on everything credited since the plan began and "
        "pay the difference with what was already earned (monthly true-up).",
    )
    tier_ids = fields.One2many("incentive.plan.tier", "rule_id", copy=True)

    # Conditions
    kpi_id = fields.Many2one(
        "performance.kpi",
        string="KPI",
        help="KPI whose target attainment sets the tiers, the condition or the "
        "threshold of this rule.",
    )
    condition_measure = fields.Selection(
        [
            ("attainment", "KPI Attainment (%)"),
            ("value", "KPI Value"),
            ("score", "Scorecard Score"),
        ],
        default="attainment",
    )
    condition_operator = fields.Selection(
        [(">=", "at least"), (">", "above"), ("<=", "at most"), ("<", "below")],
        default=">=",
    )
    condition_value = fields.Float()
    multiplier_pct = fields.Float(
        string="Multiplier (%)",
        help="Share of the other rules' payout added (or removed, when negative) "
        "when the condition holds: 10 adds 10 %.",
    )
    threshold_pct = fields.Float(
        string="Threshold (%)",
        help="No payout from this rule below this attainment of its KPI; 0 for none.",
    )
    cap_amount = fields.Monetary(
        string="Cap", help="The most this rule pays per period; 0 for no cap."
    )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("rate", "amount", "cap_amount", "threshold_pct", "multiplier_pct")
    def _check_amounts(self):
        for rule in self:
            if min(rule.rate, rule.amount, rule.cap_amount, rule.threshold_pct) < 0:
                raise ValidationError(
                    _(
                        "The rule %(rule)s has a negative rate, amount, cap or "
                        "threshold.",
                        rule=rule.name,
                    )
                )
            if rule.multiplier_pct < -100:
                raise ValidationError(
                    _("A multiplier cannot remove more than the whole payout.")
                )

    @api.constrains("kind", "kpi_id", "tier_basis", "condition_measure", "product_ids")
    def _check_kind(self):
        """What every rule needs, then what its kind needs, by the kind's
        ``_check_kind_<kind>`` method when it has one."""
        for rule in self:
            if rule.threshold_pct:
                rule._check_kpi()
            check = getattr(rule, f"_check_kind_{rule.kind}", None)
            if check:
                check()

    def _check_kpi(self):
        self.ensure_one()
        if not self.kpi_id:
            raise ValidationError(
                _("The rule %(rule)s needs the KPI it reads.", rule=self.name)
            )

    def _check_kind_tiered(self):
        if self.tier_basis == "attainment":
            self._check_kpi()

    def _check_kind_bonus(self):
        if self.condition_measure != "score":
            self._check_kpi()

    def _check_kind_multiplier(self):
        self._check_kind_bonus()

    def _check_kind_spiff(self):
        if not self.product_ids:
            raise ValidationError(
                _("The spiff %(rule)s needs the products it pays for.", rule=self.name)
            )

    @api.constrains("kind", "tier_ids")
    def _check_tiers(self):
        messages = {
            "empty": _("The tiered rule %(rule)s has no tier."),
            "negative_lower": _("The first tier of %(rule)s starts below zero."),
            "order": _("Tier %(tier)s of %(rule)s ends before it starts."),
            "gap": _(
                "Tier %(tier)s of %(rule)s leaves a gap after the tier before it."
            ),
            "overlap": _("Tier %(tier)s of %(rule)s overlaps the tier before it."),
            "open_end": _("Only the last tier of %(rule)s may have no upper limit."),
            "negative_rate": _("Tier %(tier)s of %(rule)s has a negative rate."),
        }
        for rule in self.filtered(lambda r: r.kind == "tiered"):
            try:
                brackets.check_brackets(rule._get_brackets())
            except brackets.BracketError as error:
                raise ValidationError(
                    messages[error.code]
                    % {"rule": rule.name, "tier": (error.index or 0) + 1}
                ) from error

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for rule in self:
            if rule.date_from and rule.date_to and rule.date_to < rule.date_from:
                raise ValidationError(
                    _("The spiff %(rule)s ends before it starts.", rule=rule.name)
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules.plan_id._check_draft()
        return rules

    def write(self, vals):
        self.check_access("write")
        self.plan_id._check_draft()
        return super().write(vals)

    def unlink(self):
        self.plan_id._check_draft()
        return super().unlink()

    # ------------------------------------------------------------
    # Payouts, one method per kind
    # ------------------------------------------------------------

    def _get_line_payout(self, user, measures):
        """One statement line of values for ``user``: base, rate, amount and
        the sentence that explains them, from the payout of the rule's kind
        (``_payout_<kind>``), within the rule's threshold and cap."""
        self.ensure_one()
        window = measures.window(user.id)
        vals = {
            "kind": "rule",
            "rule_id": self.id,
            "sequence": self.sequence,
            "credit_date_from": window["cumulative_from"]
            if self.cumulative
            else window["date_from"],
            "credit_date_to": window["date_to"],
            "base": 0.0,
            "rate": 0.0,
            "quantity": 0.0,
            "amount": 0.0,
        }
        vals.update(getattr(self, f"_payout_{self.kind}")(user, measures))
        return self._apply_limits(user, vals, measures)

    def _scales_payout(self):
        """Whether the rule's kind scales what the other rules pay
        (``_scale_<kind>``, paid after them) instead of paying on a base of
        its own (``_payout_<kind>``)."""
        self.ensure_one()
        return hasattr(self, f"_scale_{self.kind}")

    def _get_scaled_payout(self, user, subtotal, measures):
        """The line of a rule that scales ``subtotal``, what the other rules
        pay ``user``, from the ``_scale_<kind>`` method of its kind, within
        the rule's cap."""
        self.ensure_one()
        vals = {
            "kind": "rule",
            "rule_id": self.id,
            "sequence": self.sequence,
            "base": subtotal,
            "rate": 0.0,
            "quantity": 0.0,
            "amount": 0.0,
        }
        vals.update(getattr(self, f"_scale_{self.kind}")(user, subtotal, measures))
        if self.cap_amount and vals["amount"] > self.cap_amount:
            vals["amount"] = self.cap_amount
            vals["name"] += " " + _(
                "Capped at %(cap)s.", cap=self.plan_id._money(self.cap_amount)
            )
        return vals

    def _get_credited_base(self, user, measures):
        """The credited revenue or margin of ``user`` under this rule."""
        credited = measures.credited(user.id, self)
        return credited[{"revenue": "amount", "margin": "margin"}[self.base]]

    def _get_rate_payout(self, base, what):
        amount = base * self.rate / 100.0
        money = self.plan_id._money
        return {
            "base": base,
            "rate": self.rate,
            "amount": amount,
            "name": _(
                "%(rate)s %% of %(base)s credited %(what)s: %(amount)s.",
                rate=self.rate,
                base=money(base),
                what=what,
                amount=money(amount),
            ),
        }

    def _payout_percentage(self, user, measures):
        """The rate on the credited base."""
        base_label = dict(self._fields["base"]._description_selection(self.env))[
            self.base
        ]
        return self._get_rate_payout(
            self._get_credited_base(user, measures), base_label.lower()
        )

    def _payout_team_override(self, user, measures):
        """The rate on the base credited to the teams the user leads."""
        return self._get_rate_payout(
            self._get_credited_base(user, measures), _("to the teams led")
        )

    def _payout_spiff(self, user, measures):
        """The amount per unit of the spiff's products sold in its dates."""
        quantity = measures.credited(user.id, self)["quantity"]
        amount = quantity * self.amount
        money = self.plan_id._money
        return {
            "quantity": quantity,
            "base": quantity,
            "rate": self.amount,
            "amount": amount,
            "name": _(
                "%(quantity)s units of %(products)s at %(unit)s each: %(amount)s.",
                quantity=round(quantity, 2),
                products=", ".join(self.product_ids.mapped("display_name")),
                unit=money(self.amount),
                amount=money(amount),
            ),
        }

    def _payout_tiered(self, user, measures):
        """The tiers' rates on the credited base (see ``tools/brackets``)."""
        return self._get_tier_payout(
            user, self._get_credited_base(user, measures), measures
        )

    def _payout_bonus(self, user, measures):
        """A fixed amount when the condition holds."""
        holds, measure_text = self._evaluate_condition(user, measures)
        amount = self.amount if holds else 0.0
        return {
            "base": 0.0,
            "rate": 0.0,
            "amount": amount,
            "name": _(
                "Bonus of %(amount)s: %(condition)s.",
                amount=self.plan_id._money(amount),
                condition=measure_text,
            )
            if holds
            else _("No bonus: %(condition)s.", condition=measure_text),
        }

    def _scale_multiplier(self, user, subtotal, measures):
        """A share of what the other rules pay when the condition holds."""
        holds, measure_text = self._evaluate_condition(user, measures)
        rate = self.multiplier_pct if holds else 0.0
        amount = subtotal * rate / 100.0
        money = self.plan_id._money
        return {
            "rate": rate,
            "amount": amount,
            "name": _(
                "%(rate)s %% of the other rules' %(subtotal)s: %(amount)s "
                "(%(condition)s).",
                rate=rate,
                subtotal=money(subtotal),
                amount=money(amount),
                condition=measure_text,
            )
            if holds
            else _("No multiplier: %(condition)s.", condition=measure_text),
        }

    def _get_tier_payout(self, user, base, measures):
        """Base, rate, amount and sentence of a tiered rule on ``base``."""
        tiers = self._get_brackets()
        if self.tier_basis == "attainment":
            target = measures.target(user.id, self.kpi_id, self.cumulative)
            if target <= 0:
                return {
                    "base": base,
                    "rate": 0.0,
                    "amount": 0.0,
                    "name": _(
                        "No payout: no target of %(kpi)s to measure attainment "
                        "against.",
                        kpi=self.kpi_id.name,
                    ),
                }
        measured = base
        if self.tier_basis == "attainment" and self.kpi_id.direction == "lower":
            # The credited base cannot be measured against a ceiling: the
            # KPI's own attainment places the base in the tiers.
            measured = measures.attainment(user.id, self.kpi_id, self.cumulative)
            payout = brackets.payout_on_attainment(
                base, measured, tiers, self.tier_mode
            )
        else:
            if self.tier_basis == "attainment":
                tiers = brackets.scale(tiers, target / 100.0)
            payout = brackets.payout(base, tiers, self.tier_mode)
        payout = brackets.apply_cap(payout, self.cap_amount or None)
        money = self.plan_id._money
        reached = [tier for tier in tiers if measured >= tier[0]]
        rate = reached[-1][2] if reached else 0.0
        mode = dict(self._fields["tier_mode"]._description_selection(self.env))[
            self.tier_mode
        ]
        name = _(
            "%(mode)s tiers on %(base)s credited, top tier reached at %(rate)s %%: "
            "%(payout)s.",
            mode=mode,
            base=money(base),
            rate=rate,
            payout=money(payout),
        )
        amount = payout
        if self.cumulative:
            already = measures.booked(user.id, self)
            amount = payout - already
            name = _(
                "%(mode)s tiers on %(base)s credited since %(start)s: %(payout)s to "
                "date, less %(already)s already earned.",
                mode=mode,
                base=money(base),
                start=self.plan_id.date_start,
                payout=money(payout),
                already=money(already),
            )
        return {"base": base, "rate": rate, "amount": amount, "name": name}

    def _apply_limits(self, user, vals, measures):
        """The rule threshold and, except for cumulative tiers (capped on the
        plan to date), the rule cap."""
        money = self.plan_id._money
        if self.threshold_pct:
            attainment = measures.attainment(user.id, self.kpi_id, self.cumulative)
            if attainment < self.threshold_pct and vals["amount"]:
                vals["amount"] = 0.0
                vals["name"] = _(
                    "No payout: attainment of %(kpi)s is %(attainment)s %%, below "
                    "the threshold of %(threshold)s %%.",
                    kpi=self.kpi_id.name,
                    attainment=round(attainment, 2),
                    threshold=self.threshold_pct,
                )
        # A tiered rule caps its payout inside its tiers, on the plan to date
        # when it is cumulative.
        if (
            self.cap_amount
            and self.kind != "tiered"
            and vals["amount"] > self.cap_amount
        ):
            vals["name"] += " " + _("Capped at %(cap)s.", cap=money(self.cap_amount))
            vals["amount"] = self.cap_amount
        return vals

    def _evaluate_condition(self, user, measures):
        """Whether the condition of a bonus or multiplier holds for ``user``,
        and a sentence saying what was measured."""
        self.ensure_one()
        operator = dict(
            self._fields["condition_operator"]._description_selection(self.env)
        )[self.condition_operator]
        if self.condition_measure == "score":
            value = measures.score(user.id)
            if value is None:
                return False, _("no scorecard for the period")
            label = _("scorecard score")
        elif self.condition_measure == "value":
            value = measures.value(user.id, self.kpi_id)
            label = self.kpi_id.name
        else:
            value = measures.attainment(user.id, self.kpi_id)
            label = _("attainment of %(kpi)s (%%)", kpi=self.kpi_id.name)
        holds = OPERATORS[self.condition_operator](value, self.condition_value)
        return holds, _(
            "%(label)s is %(value)s, condition %(operator)s %(limit)s",
            label=label,
            value=round(value, 2),
            operator=operator,
            limit=self.condition_value,
        )

    # ------------------------------------------------------------
    # Tiers
    # ------------------------------------------------------------

    def _get_brackets(self):
        self.ensure_one()
        tiers = self.tier_ids.sorted(lambda tier: (tier.lower, tier.sequence, tier.id))
        return [
            (
                tier.lower,
                tier.upper if tier.upper or tier != tiers[-1] else None,
                tier.rate,
            )
            for tier in tiers
        ]


class IncentivePlanTier(models.Model):
    _name = "incentive.plan.tier"
    _description = "Incentive Tier"
    _order = "rule_id, lower, sequence, id"

    rule_id = fields.Many2one(
        "incentive.plan.rule", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    lower = fields.Float(string="From", required=True)
    upper = fields.Float(
        string="Up To", help="Leave empty on the last tier for no upper limit."
    )
    rate = fields.Float(string="Rate (%)", required=True, digits=(16, 4))

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        tiers.rule_id.plan_id._check_draft()
        return tiers

    def write(self, vals):
        self.check_access("write")
        self.rule_id.plan_id._check_draft()
        return super().write(vals)

    def unlink(self):
        self.rule_id.plan_id._check_draft()
        return super().unlink()
