from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import IncentiveCommon


@tagged("post_install", "-at_install")
class TestEngine(IncentiveCommon):
    def test_worked_example_bonus_tier_multiplier(self):
        """Bonus 5,000 at target, 1 % above target, +10 % at retention > 75 %:
        revenue 1,200,000 on a 1,000,000 target, retention 80 % pays 7,700."""
        self._target(1_000_000, owner=self.rep_1)
        retention = self._target(75, kpi=self.kpi_retention, owner=self.rep_1)
        retention.actual = 80
        self._invoices(
            [
                (self.rep_1, 700_000, date(2025, 1, 10)),
                (self.rep_1, 500_000, date(2025, 1, 20)),
            ]
        )
        plan = self._plan(
            [
                {
                    "kind": "bonus",
                    "sequence": 1,
                    "amount": 5_000,
                    "kpi_id": self.kpi_revenue.id,
                    "condition_measure": "attainment",
                    "condition_operator": ">=",
                    "condition_value": 100,
                },
                {
                    "kind": "tiered",
                    "sequence": 2,
                    "kpi_id": self.kpi_revenue.id,
                    "tier_basis": "attainment",
                    "tier_mode": "marginal",
                    "tiers": [(0, 100, 0), (100, None, 1)],
                },
                {
                    "kind": "multiplier",
                    "sequence": 3,
                    "kpi_id": self.kpi_retention.id,
                    "condition_measure": "value",
                    "condition_operator": ">",
                    "condition_value": 75,
                    "multiplier_pct": 10,
                },
            ]
        )
        statement = self._statement(plan, self.rep_1)
        # Hand calculation: 5,000 + (1,200,000 - 1,000,000) x 1 % = 7,000;
        # 7,000 x 10 % = 700; 7,000 + 700 = 7,700.
        self.assertEqual(self._amounts(statement), [5_000.0, 2_000.0, 700.0])
        self.assertEqual(statement.amount_total, 7_700.0)
        self.assertEqual(statement.line_ids[1].base, 1_200_000.0)
        self.assertIn("1,200,000", statement.line_ids[1].name)

    def test_worked_example_no_bonus_below_target(self):
        """Below target: no bonus, no accelerator, the multiplier scales nothing."""
        self._target(1_000_000, owner=self.rep_1)
        self._invoices([(self.rep_1, 900_000, date(2025, 1, 10))])
        plan = self._plan(
            [
                {
                    "kind": "bonus",
                    "amount": 5_000,
                    "kpi_id": self.kpi_revenue.id,
                    "condition_value": 100,
                },
            ]
        )
        statement = self._statement(plan, self.rep_1)
        self.assertEqual(statement.amount_total, 0.0)
        self.assertIn("No bonus", statement.line_ids.name)

    def _tiered(self, mode):
        self._target(1_000_000, owner=self.rep_1)
        self._invoices([(self.rep_1, 1_200_000, date(2025, 1, 10))])
        plan = self._plan(
            [
                {
                    "kind": "tiered",
                    "kpi_id": self.kpi_revenue.id,
                    "tier_basis": "attainment",
                    "tier_mode": mode,
                    "tiers": [(0, 80, 0), (80, 100, 3), (100, None, 5)],
                }
            ]
        )
        return self._statement(plan, self.rep_1)

    def test_marginal_tiers(self):
        """Marginal: 0-80 % at 0, 80-100 % at 3 %, above at 5 % on 1,200,000."""
        # 800,000 x 0 + 200,000 x 3 % + 200,000 x 5 % = 6,000 + 10,000.
        self.assertEqual(self._tiered("marginal").amount_total, 16_000.0)

    def test_whole_tiers(self):
        """Whole: the reached tier's 5 % on all of 1,200,000."""
        self.assertEqual(self._tiered("whole").amount_total, 60_000.0)

    def test_tiers_on_amount_with_cap(self):
        """Tiers on the credited amount, capped per rule."""
        self._invoices([(self.rep_1, 50_000, date(2025, 1, 10))])
        plan = self._plan(
            [
                {
                    "kind": "tiered",
                    "tier_basis": "amount",
                    "tiers": [(0, 10_000, 2), (10_000, None, 10)],
                    "cap_amount": 3_000,
                }
            ]
        )
        # 10,000 x 2 % + 40,000 x 10 % = 4,200, capped at 3,000.
        self.assertEqual(self._statement(plan, self.rep_1).amount_total, 3_000.0)

    def test_percentage_refund_and_product_filter(self):
        """A percentage of credited revenue; credit notes claw back; a product
        filter only counts its products."""
        invoices = self._invoices(
            [
                (self.rep_1, 10_000, date(2025, 1, 10)),
                (self.rep_1, 2_000, date(2025, 1, 20), self.customers[1], "out_refund"),
            ]
        )
        self.assertEqual(len(invoices), 2)
        plan = self._plan([{"kind": "percentage", "rate": 5}])
        statement = self._statement(plan, self.rep_1)
        # (10,000 - 2,000) x 5 % = 400.
        self.assertEqual(statement.amount_total, 400.0)
        credits = self.Credit.search(
            [("user_id", "=", self.rep_1.id), ("basis", "=", "invoice")]
        )
        self.assertEqual(sorted(credits.mapped("amount")), [-2_000.0, 10_000.0])
        action = statement.line_ids.action_open_credits()
        self.assertEqual(self.Credit.search(action["domain"]), credits)

        filtered = self._plan(
            [
                {
                    "kind": "percentage",
                    "rate": 5,
                    "product_ids": [Command.set(self.product_a.ids)],
                }
            ],
            name="Product plan",
        )
        self.assertEqual(self._statement(filtered, self.rep_1).amount_total, 0.0)

    def test_earn_on_payment_pro_rata(self):
        """On payment: only the paid share counts, dated by the payment."""
        invoice = self._invoices([(self.rep_1, 10_000, date(2025, 1, 10))])
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 4_000, "payment_date": date(2025, 2, 5)})._create_payments()
        plan = self._plan([{"kind": "percentage", "rate": 10}], earn_on="payment")
        self.assertEqual(self._statement(plan, self.rep_1, self.jan).amount_total, 0.0)
        # 4,000 paid of 10,000: 40 % of the credit, 4,000 x 10 % = 400.
        self.assertEqual(
            self._statement(plan, self.rep_1, self.feb).amount_total, 400.0
        )

    def test_splits_carried_from_order(self):
        """Splits on the order are carried to its invoice and credit each rep."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customers[0].id,
                "user_id": self.rep_1.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "product_uom_qty": 1,
                            "price_unit": 1_000,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
                "incentive_split_ids": [
                    Command.create({"user_id": self.rep_1.id, "percentage": 60}),
                    Command.create({"user_id": self.rep_2.id, "percentage": 40}),
                ],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = date(2025, 1, 15)
        invoice.action_post()
        self.assertEqual(invoice.incentive_split_ids.mapped("percentage"), [60.0, 40.0])
        plan = self._plan(
            [{"kind": "percentage", "rate": 10}], users=self.rep_1 | self.rep_2
        )
        statements = plan.generate_statements(self.jan)
        by_user = {st.user_id: st.amount_total for st in statements}
        self.assertEqual(by_user, {self.rep_1: 60.0, self.rep_2: 40.0})

    def test_spiff_and_team_override(self):
        """A spiff pays per unit of its products; a leader earns an override on
        the team's credited revenue."""
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customers[0].id,
                "invoice_date": date(2025, 1, 12),
                "invoice_user_id": self.rep_1.id,
                "team_id": self.team_a.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "quantity": 3,
                            "price_unit": 100,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        plan = self._plan(
            [
                {
                    "kind": "spiff",
                    "amount": 25,
                    "product_ids": [Command.set(self.product_a.ids)],
                    "date_from": date(2025, 1, 1),
                    "date_to": date(2025, 1, 31),
                },
                {"kind": "team_override", "rate": 2},
            ],
            users=self.rep_1 | self.leader_a,
        )
        statements = plan.generate_statements(self.jan)
        rep = statements.filtered(lambda st: st.user_id == self.rep_1)
        leader = statements.filtered(lambda st: st.user_id == self.leader_a)
        # 3 units x 25 = 75 for the rep; 300 x 2 % = 6 for the leader.
        self.assertEqual(self._amounts(rep), [75.0, 0.0])
        self.assertEqual(self._amounts(leader), [0.0, 6.0])

    def test_plan_cap_and_threshold(self):
        """The plan cap adds a negative line; below the plan threshold nothing
        is paid."""
        self._target(100_000, owner=self.rep_1)
        self._target(100_000, owner=self.rep_2)
        self._invoices(
            [
                (self.rep_1, 90_000, date(2025, 1, 10)),
                (self.rep_2, 40_000, date(2025, 1, 10)),
            ]
        )
        plan = self._plan(
            [{"kind": "percentage", "rate": 10}],
            users=self.rep_1 | self.rep_2,
            cap_amount=5_000,
            threshold_pct=50,
        )
        statements = plan.generate_statements(self.jan)
        rep_1 = statements.filtered(lambda st: st.user_id == self.rep_1)
        rep_2 = statements.filtered(lambda st: st.user_id == self.rep_2)
        self.assertEqual(self._amounts(rep_1), [9_000.0, -4_000.0])
        self.assertEqual(rep_1.amount_total, 5_000.0)
        self.assertEqual(rep_2.amount_total, 0.0)
        self.assertIn("threshold", rep_2.line_ids.name)

    def test_cumulative_true_up(self):
        """Plan-to-date tiers pay the difference with what was already earned."""
        self._invoices(
            [
                (self.rep_1, 8_000, date(2025, 1, 10)),
                (self.rep_1, 8_000, date(2025, 2, 10)),
            ]
        )
        plan = self._plan(
            [
                {
                    "kind": "tiered",
                    "tier_basis": "amount",
                    "cumulative": True,
                    "tiers": [(0, 10_000, 1), (10_000, None, 5)],
                }
            ]
        )
        jan = self._statement(plan, self.rep_1, self.jan)
        self.assertEqual(jan.amount_total, 80.0)
        feb = self._statement(plan, self.rep_1, self.feb)
        # To date 16,000: 10,000 x 1 % + 6,000 x 5 % = 400, less 80 = 320.
        self.assertEqual(feb.amount_total, 320.0)

    def test_refund_after_approval_lands_as_correction(self):
        """A credit note dated in an approved period leaves that statement as
        it was and lands as a correction in the next draft statement."""
        self._invoices([(self.rep_1, 1_000_000, date(2025, 1, 10))])
        plan = self._plan([{"kind": "percentage", "rate": 10}])
        jan = self._statement(plan, self.rep_1, self.jan)
        jan.action_submit()
        jan.with_user(self.leader_a).action_approve()
        self.assertEqual(jan.state, "approved")
        lines_before = jan.line_ids.read(["amount", "name", "base"])

        self._invoices(
            [(self.rep_1, 100_000, date(2025, 1, 31), self.customers[0], "out_refund")]
        )
        jan.action_compute()
        feb = self._statement(plan, self.rep_1, self.feb)
        self.assertEqual(jan.amount_total, 100_000.0)
        self.assertEqual(jan.line_ids.read(["amount", "name", "base"]), lines_before)
        correction = feb.line_ids.filtered(lambda line: line.kind == "correction")
        # Payout difference: 900,000 x 10 % - 1,000,000 x 10 % = -10,000.
        self.assertEqual(correction.amount, -10_000.0)
        self.assertEqual(correction.origin_statement_id, jan)
        self.assertEqual(feb.amount_total, -10_000.0)
        # Recomputing again books nothing twice.
        feb.action_compute()
        self.assertEqual(feb.amount_total, -10_000.0)

    def test_clawback_window(self):
        """A credit note of an invoice older than the clawback window claws back
        nothing."""
        self._invoices([(self.rep_1, 10_000, date(2025, 1, 2))])
        refund = self._invoices(
            [(self.rep_1, 1_000, date(2025, 3, 20), self.customers[0], "out_refund")],
            post=False,
        )
        invoice = self.env["account.move"].search(
            [("invoice_user_id", "=", self.rep_1.id), ("move_type", "=", "out_invoice")]
        )
        refund.reversed_entry_id = invoice
        refund.action_post()
        plan = self._plan([{"kind": "percentage", "rate": 10}], clawback_days=60)
        # 77 days after the invoice: outside the window, January keeps 1,000.
        self.assertEqual(
            self._statement(plan, self.rep_1, self.jan).amount_total, 1_000.0
        )
        self.assertEqual(self._statement(plan, self.rep_1, self.mar).amount_total, 0.0)
        open_plan = self._plan([{"kind": "percentage", "rate": 10}], name="No window")
        # Without a window the credit note counts in January: 9,000 x 10 %.
        self.assertEqual(
            self._statement(open_plan, self.rep_1, self.jan).amount_total, 900.0
        )
        self.assertEqual(
            self._statement(open_plan, self.rep_1, self.mar).amount_total, 0.0
        )
        refund_plan = self._plan(
            [{"kind": "percentage", "rate": 10}],
            name="In the credit note's period",
            clawback_convention="refund_period",
        )
        self.assertEqual(
            self._statement(refund_plan, self.rep_1, self.mar).amount_total, -100.0
        )

    def test_generation_queries_flat(self):
        """Generating statements runs as many queries for 4 reps as for 2."""
        for rep in self.rep_1 | self.rep_2 | self.rep_3 | self.rep_4:
            self._target(10_000, owner=rep)
            self._invoices([(rep, 5_000, date(2025, 1, 10))])
        rules = [
            {"kind": "percentage", "rate": 5},
            {
                "kind": "tiered",
                "kpi_id": self.kpi_revenue.id,
                "tiers": [(0, 100, 1), (100, None, 2)],
            },
            {
                "kind": "bonus",
                "amount": 100,
                "kpi_id": self.kpi_revenue.id,
                "condition_value": 40,
            },
        ]
        small = self._plan(rules, users=self.rep_1 | self.rep_2, name="Small")
        large = self._plan(
            rules, users=self.rep_1 | self.rep_2 | self.rep_3 | self.rep_4, name="Large"
        )
        # Warm the registry caches and refresh every target once first, at a
        # frozen clock, so that both measures write the same columns (the
        # refresh stamps targets and statements with the time).
        reps = self.rep_1 | self.rep_2 | self.rep_3 | self.rep_4
        with freeze_time("2025-06-02 10:00:00"):
            self._plan(rules, users=reps, name="Warm-up").generate_statements(self.jan)
            queries_large = self._count_queries(
                lambda: large.generate_statements(self.jan)
            )
            queries_small = self._count_queries(
                lambda: small.generate_statements(self.jan)
            )
        self.assertEqual(queries_small, queries_large)
        # 5,000 x 5 % + 5,000 x 1 % (50 % of target) + bonus 100 = 400 each.
        self.assertEqual(large.statement_ids.mapped("amount_total"), [400.0] * 4)

    def test_foreign_currency_credits_company_currency(self):
        """An invoice in another currency credits its company-currency value at
        the invoice's rate (2.0 here: 4,000 credits 2,000)."""
        other = self.setup_other_currency("EUR", rates=[("2025-01-01", 2.0)])
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customers[0].id,
                "invoice_date": date(2025, 1, 10),
                "invoice_user_id": self.rep_1.id,
                "currency_id": other.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Service",
                            "quantity": 1,
                            "price_unit": 4_000,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        plan = self._plan([{"kind": "percentage", "rate": 10}])
        statement = self._statement(plan, self.rep_1)
        self.assertEqual(statement.line_ids.base, 2_000.0)
        self.assertEqual(statement.amount_total, 200.0)

    def test_cron_twice_changes_nothing(self):
        """Refreshing draft statements twice leaves the same lines and totals."""
        self._invoices([(self.rep_1, 10_000, date(2025, 1, 10))])
        plan = self._plan([{"kind": "percentage", "rate": 5}])
        statement = self._statement(plan, self.rep_1)
        fields_ = ["kind", "rule_id", "name", "base", "rate", "amount"]
        before = statement.line_ids.read(fields_)
        for values in before:
            values.pop("id")
        self.Statement._cron_compute()
        self.Statement._cron_compute()
        after = statement.line_ids.read(fields_)
        for values in after:
            values.pop("id")
        self.assertEqual(after, before)
        self.assertEqual(statement.amount_total, 500.0)

    def test_generate_button_and_cron(self):
        """The plan's button makes one statement per participant and month up
        to today; the daily job makes the current month's."""
        self._invoices([(self.rep_1, 10_000, date(2025, 2, 10))])
        plan = self._plan([{"kind": "percentage", "rate": 5}])
        with freeze_time("2025-03-15"):
            plan.action_generate_statements()
            self.assertEqual(
                plan.statement_ids.period_id.sorted("date_start"),
                self.jan | self.feb | self.mar,
            )
            self.assertEqual(plan.statement_count, 3)
        with freeze_time("2025-04-10"):
            self.Statement._cron_compute()
        self.assertIn(
            date(2025, 4, 1), plan.statement_ids.period_id.mapped("date_start")
        )
        feb = plan.statement_ids.filtered(lambda st: st.period_id == self.feb)
        self.assertEqual(feb.amount_total, 500.0)

    def test_every_kind_pays_by_its_method(self):
        """Every rule kind is paid by its ``_payout_<kind>`` method, or scales
        the other rules by its ``_scale_<kind>`` method."""
        Rule = self.env["incentive.plan.rule"]
        for kind, _label in Rule._fields["kind"].selection:
            self.assertTrue(
                hasattr(Rule, f"_payout_{kind}") or hasattr(Rule, f"_scale_{kind}"),
                kind,
            )
