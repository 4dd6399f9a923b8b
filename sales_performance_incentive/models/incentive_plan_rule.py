from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import brackets
from . import incentive_explanation as explanation

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
        if not self._translates_name(vals):
            self.plan_id._check_draft()
        return super().write(vals)

    def unlink(self):
        self.plan_id._check_draft()
        return super().unlink()

    def _translates_name(self, vals):
        """Whether ``vals`` only translates the rules' names, which a published
        plan still allows: its terms stay as they are, its readers get their
        language. Odoo's translation dialog also writes the name back as it is."""
        if set(vals) != {"name"}:
            return False
        return (self.env.lang or "en_US") != "en_US" or all(
            rule.name == vals["name"] for rule in self
        )

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
            vals["explanation_data"].append(self._fact_capped())
        return vals

    def _money(self, amount):
        """An amount in the plan's currency, as an explanation argument."""
        return explanation.money(amount, self.plan_id.currency_id)

    def _fact_capped(self):
        return explanation.fact("capped", cap=self._money(self.cap_amount))

    def _get_credited_base(self, user, measures):
        """The credited revenue or margin of ``user`` under this rule."""
        credited = measures.credited(user.id, self)
        return credited[{"revenue": "amount", "margin": "margin"}[self.base]]

    def _get_rate_payout(self, base, what):
        amount = base * self.rate / 100.0
        return {
            "base": base,
            "rate": self.rate,
            "amount": amount,
            "explanation_data": [
                explanation.fact(
                    "rate",
                    rate=explanation.number(self.rate),
                    base=self._money(base),
                    what=what,
                    amount=self._money(amount),
                )
            ],
        }

    def _payout_percentage(self, user, measures):
        """The rate on the credited base."""
        return self._get_rate_payout(
            self._get_credited_base(user, measures),
            explanation.nested(explanation.fact(f"credited_{self.base}")),
        )

    def _payout_team_override(self, user, measures):
        """The rate on the base credited to the teams the user leads."""
        return self._get_rate_payout(
            self._get_credited_base(user, measures),
            explanation.nested(explanation.fact("teams_led")),
        )

    def _payout_spiff(self, user, measures):
        """The amount per unit of the spiff's products sold in its dates."""
        quantity = measures.credited(user.id, self)["quantity"]
        amount = quantity * self.amount
        return {
            "quantity": quantity,
            "base": quantity,
            "rate": self.amount,
            "amount": amount,
            "explanation_data": [
                explanation.fact(
                    "spiff",
                    quantity=explanation.number(quantity),
                    products=explanation.names(self.product_ids),
                    unit=self._money(self.amount),
                    amount=self._money(amount),
                )
            ],
        }

    def _payout_tiered(self, user, measures):
        """The tiers' rates on the credited base (see ``tools/brackets``)."""
        return self._get_tier_payout(
            user, self._get_credited_base(user, measures), measures
        )

    def _payout_bonus(self, user, measures):
        """A fixed amount when the condition holds."""
        holds, condition = self._evaluate_condition(user, measures)
        amount = self.amount if holds else 0.0
        sentence = (
            explanation.fact("bonus", amount=self._money(amount), condition=condition)
            if holds
            else explanation.fact("no_bonus", condition=condition)
        )
        return {
            "base": 0.0,
            "rate": 0.0,
            "amount": amount,
            "explanation_data": [sentence],
        }

    def _scale_multiplier(self, user, subtotal, measures):
        """A share of what the other rules pay when the condition holds."""
        holds, condition = self._evaluate_condition(user, measures)
        rate = self.multiplier_pct if holds else 0.0
        amount = subtotal * rate / 100.0
        sentence = (
            explanation.fact(
                "multiplier",
                rate=explanation.number(rate),
                subtotal=self._money(subtotal),
                amount=self._money(amount),
                condition=condition,
            )
            if holds
            else explanation.fact("no_multiplier", condition=condition)
        )
        return {"rate": rate, "amount": amount, "explanation_data": [sentence]}

    def _get_tier_payout(self, user, base, measures):
        """Base, rate, amount and explanation of a tiered rule on ``base``:
        the tier that applies, and what reaches the next one."""
        tiers = self._get_brackets()
        factor = None
        if self.tier_basis == "attainment":
            target = measures.target(user.id, self.kpi_id, self.cumulative)
            if target <= 0:
                return {
                    "base": base,
                    "rate": 0.0,
                    "amount": 0.0,
                    "explanation_data": [
                        explanation.fact(
                            "no_target", kpi=explanation.names(self.kpi_id)
                        )
                    ],
                }
        measured = base
        on_attainment = (
            self.tier_basis == "attainment" and self.kpi_id.direction == "lower"
        )
        if on_attainment:
            # The credited base cannot be measured against a ceiling: the
            # KPI's own attainment places the base in the tiers.
            measured = measures.attainment(user.id, self.kpi_id, self.cumulative)
            payout = brackets.payout_on_attainment(
                base, measured, tiers, self.tier_mode
            )
        else:
            if self.tier_basis == "attainment":
                factor = target / 100.0
                tiers = brackets.scale(tiers, factor)
            payout = brackets.payout(base, tiers, self.tier_mode)
        payout = brackets.apply_cap(payout, self.cap_amount or None)
        index, following = brackets.position(measured, tiers)
        rate = tiers[index][2] if index is not None else 0.0
        mode = explanation.label(self, "tier_mode")
        amount = payout
        if self.cumulative:
            already = measures.booked(user.id, self)
            amount = payout - already
            facts = [
                explanation.fact(
                    "tier_cumulative",
                    mode=mode,
                    base=self._money(base),
                    start=explanation.date(self.plan_id.date_start),
                    payout=self._money(payout),
                    already=self._money(already),
                )
            ]
        elif index is None or not (rate or payout):
            # A first tier paying nothing is no tier reached for the reader.
            facts = [
                explanation.fact(
                    "tier_none",
                    mode=mode,
                    base=self._money(base),
                    payout=self._money(payout),
                )
            ]
        else:
            facts = [
                explanation.fact(
                    "tier_applies",
                    mode=mode,
                    base=self._money(base),
                    lower=self._tier_point(tiers[index][0], factor, on_attainment),
                    rate=explanation.number(rate),
                    payout=self._money(payout),
                )
            ]
        if following is None:
            facts.append(explanation.fact("tier_top"))
        elif on_attainment:
            facts.append(
                explanation.fact(
                    "tier_next_attainment",
                    attainment=explanation.number(following[0]),
                    rate=explanation.number(following[2]),
                )
            )
        else:
            facts.append(
                explanation.fact(
                    "tier_next",
                    gap=self._money(following[0] - measured),
                    rate=explanation.number(following[2]),
                )
            )
        return {"base": base, "rate": rate, "amount": amount, "explanation_data": facts}

    def _tier_point(self, lower, factor, on_attainment):
        """A tier's lower bound as the reader knows it: an amount, a share of
        the target with its amount, or an attainment."""
        if on_attainment:
            return explanation.nested(
                explanation.fact("attainment_pct", pct=explanation.number(lower))
            )
        if factor:
            return explanation.nested(
                explanation.fact(
                    "of_target",
                    pct=explanation.number(lower / factor),
                    amount=self._money(lower),
                )
            )
        return self._money(lower)

    def _apply_limits(self, user, vals, measures):
        """The rule threshold and, except for cumulative tiers (capped on the
        plan to date), the rule cap."""
        if self.threshold_pct:
            attainment = measures.attainment(user.id, self.kpi_id, self.cumulative)
            if attainment < self.threshold_pct and vals["amount"]:
                vals["amount"] = 0.0
                vals["explanation_data"] = [
                    explanation.fact(
                        "below_threshold",
                        kpi=explanation.names(self.kpi_id),
                        attainment=explanation.number(attainment),
                        threshold=explanation.number(self.threshold_pct),
                    )
                ]
        # A tiered rule caps its payout inside its tiers, on the plan to date
        # when it is cumulative.
        if (
            self.cap_amount
            and self.kind != "tiered"
            and vals["amount"] > self.cap_amount
        ):
            vals["explanation_data"].append(self._fact_capped())
            vals["amount"] = self.cap_amount
        return vals

    def _evaluate_condition(self, user, measures):
        """Whether the condition of a bonus or multiplier holds for ``user``,
        and the fact saying what was measured."""
        self.ensure_one()
        if self.condition_measure == "score":
            value = measures.score(user.id)
            if value is None:
                return False, explanation.nested(explanation.fact("no_scorecard"))
            label = explanation.nested(explanation.fact("scorecard_score"))
        elif self.condition_measure == "value":
            value = measures.value(user.id, self.kpi_id)
            label = explanation.names(self.kpi_id)
        else:
            value = measures.attainment(user.id, self.kpi_id)
            label = explanation.nested(
                explanation.fact("attainment_of", kpi=explanation.names(self.kpi_id))
            )
        holds = OPERATORS[self.condition_operator](value, self.condition_value)
        return holds, explanation.nested(
            explanation.fact(
                "condition",
                label=label,
                value=explanation.number(value),
                operator=explanation.label(self, "condition_operator"),
                limit=explanation.number(self.condition_value),
            )
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
