from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import IncentiveCommon


@tagged("post_install", "-at_install")
class TestClawback(IncentiveCommon):
    """Credit notes claw back at the terms of the period that paid the
    invoice; every figure below is worked out by hand in the test."""

    TIERS = [(0, 80, 0), (80, 100, 5), (100, None, 10)]

    def _refund(self, invoice, amount, on):
        """A posted credit note of ``amount`` reversing ``invoice`` on ``on``,
        made with Odoo's *Credit Note* button (the splits follow)."""
        action = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"date": on, "journal_id": invoice.journal_id.id})
            .refund_moves()
        )
        refund = self.env["account.move"].browse(action["res_id"])
        refund.write(
            {
                "invoice_line_ids": [
                    Command.update(refund.invoice_line_ids.id, {"price_unit": amount})
                ]
            }
        )
        refund.action_post()
        return refund

    def _approve(self, statements):
        statements.action_submit()
        statements.with_user(self.leader_a).action_approve()
        self.assertEqual(set(statements.mapped("state")), {"approved"})

    def _corrections(self, statement):
        return statement.line_ids.filtered(lambda line: line.kind == "correction")

    def _tiered_case(self, mode, **plan_vals):
        """January: 120,000 on a 100,000 target, approved. February: 10,000
        sold on a 100,000 target, and a credit note of 30,000 of January's
        invoice."""
        self._target(100_000, owner=self.rep_1, period=self.jan)
        self._target(100_000, owner=self.rep_1, period=self.feb)
        invoice = self._invoices([(self.rep_1, 120_000, date(2025, 1, 10))])
        plan = self._plan(
            [
                {
                    "kind": "tiered",
                    "kpi_id": self.kpi_revenue.id,
                    "tier_basis": "attainment",
                    "tier_mode": mode,
                    "tiers": self.TIERS,
                }
            ],
            **plan_vals,
        )
        jan = self._statement(plan, self.rep_1, self.jan)
        self._approve(jan)
        self._invoices([(self.rep_1, 10_000, date(2025, 2, 12))])
        refund = self._refund(invoice, 30_000, date(2025, 2, 20))
        feb = self._statement(plan, self.rep_1, self.feb)
        return jan, feb, invoice, refund

    def test_marginal_tiers_claw_back_at_january_rates(self):
        """Marginal tiers: the credit note takes back what January paid on it."""
        jan, feb, invoice, refund = self._tiered_case("marginal")
        # January approved: 80,000 x 0 + 20,000 x 5 % + 20,000 x 10 % = 3,000.
        self.assertEqual(jan.amount_total, 3_000.0)
        # January again with 90,000: 80,000 x 0 + 10,000 x 5 % = 500, so
        # -2,500 in February; February's own 10,000 is below 80 %: 0.
        self.assertEqual(self._amounts(feb), [0.0, -2_500.0])
        self.assertEqual(feb.amount_total, -2_500.0)
        correction = self._corrections(feb)
        self.assertEqual(correction.origin_statement_id, jan)
        self.assertEqual(correction.refund_move_ids, refund)
        self.assertIn(f"Credit note {refund.name} of {invoice.name}", correction.name)
        self.assertIn(self.jan.display_name, correction.name)
        self.assertIn("2,500.00", correction.name)
        # The frozen statement never changes.
        self.assertEqual(jan.amount_total, 3_000.0)
        self.assertEqual(self._amounts(jan), [3_000.0])

    def test_whole_tiers_claw_back_at_january_rates(self):
        """Whole tiers: January drops from the 10 % tier to the 5 % tier."""
        jan, feb, __, __ = self._tiered_case("whole")
        # 120,000 x 10 % = 12,000 approved; 90,000 x 5 % = 4,500 now: -7,500.
        self.assertEqual(jan.amount_total, 12_000.0)
        self.assertEqual(feb.amount_total, -7_500.0)

    def test_credit_note_period_convention(self):
        """The other convention counts the credit note in its own period: at
        February's rates, where 10,000 - 30,000 reaches no paying tier."""
        jan, feb, __, __ = self._tiered_case(
            "marginal", clawback_convention="refund_period"
        )
        self.assertEqual(jan.amount_total, 3_000.0)
        self.assertFalse(self._corrections(feb))
        self.assertEqual(feb.amount_total, 0.0)
        self.assertEqual(feb.line_ids.base, -20_000.0)

    def test_bonus_lost_with_the_credit_note(self):
        """A credit note that takes January below its bonus condition takes the
        bonus back, and the correction says why."""
        self._target(50_000, owner=self.rep_1, period=self.jan)
        self._target(50_000, owner=self.rep_1, period=self.feb)
        invoice = self._invoices([(self.rep_1, 60_000, date(2025, 1, 10))])
        plan = self._plan(
            [
                {"kind": "percentage", "sequence": 1, "rate": 2},
                {
                    "kind": "bonus",
                    "sequence": 2,
                    "amount": 1_000,
                    "kpi_id": self.kpi_revenue.id,
                    "condition_measure": "attainment",
                    "condition_operator": ">=",
                    "condition_value": 100,
                },
            ]
        )
        jan = self._statement(plan, self.rep_1, self.jan)
        # 60,000 x 2 % = 1,200, and 120 % >= 100 %: bonus 1,000.
        self.assertEqual(self._amounts(jan), [1_200.0, 1_000.0])
        self._approve(jan)
        self._refund(invoice, 15_000, date(2025, 2, 3))
        feb = self._statement(plan, self.rep_1, self.feb)
        # January again: 45,000 x 2 % = 900 and 90 % < 100 %: no bonus.
        # 900 - 2,200 = -1,300. February earns nothing of its own.
        self.assertEqual(self._amounts(feb), [0.0, 0.0, -1_300.0])
        correction = self._corrections(feb)
        self.assertIn("No bonus", correction.name)
        self.assertIn("90", correction.name)
        # February's attainment does not carry January's credit note.
        self.assertIn("is 0,", feb.line_ids.filtered("rule_id")[1].name)

    def test_payment_undone_after_approval(self):
        """On payment: a payment unreconciled after its statement was approved
        is taken back in the next draft statement."""
        invoice = self._invoices([(self.rep_1, 10_000, date(2025, 1, 10))])
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": date(2025, 1, 20)})._create_payments()
        plan = self._plan([{"kind": "percentage", "rate": 10}], earn_on="payment")
        jan = self._statement(plan, self.rep_1, self.jan)
        # Paid in full in January: 10,000 x 10 % = 1,000.
        self.assertEqual(jan.amount_total, 1_000.0)
        self._approve(jan)
        receivable = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        receivable.remove_move_reconcile()
        feb = self._statement(plan, self.rep_1, self.feb)
        self.assertEqual(feb.amount_total, -1_000.0)
        correction = self._corrections(feb)
        self.assertEqual(correction.origin_statement_id, jan)
        self.assertFalse(correction.refund_move_ids)

    def test_refund_paid_back_on_payment_basis(self):
        """On payment: a credit note refunded to the customer in March claws
        back from February, when the invoice was paid (not January, its date)."""
        invoice = self._invoices([(self.rep_1, 10_000, date(2025, 1, 10))])
        register = self.env["account.payment.register"]
        register.with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": date(2025, 2, 5)})._create_payments()
        plan = self._plan([{"kind": "percentage", "rate": 10}], earn_on="payment")
        self.assertEqual(self._statement(plan, self.rep_1, self.jan).amount_total, 0)
        feb = self._statement(plan, self.rep_1, self.feb)
        self.assertEqual(feb.amount_total, 1_000.0)
        self._approve(feb)
        refund = self._refund(invoice, 4_000, date(2025, 3, 3))
        register.with_context(
            active_model="account.move", active_ids=refund.ids
        ).create({"payment_date": date(2025, 3, 4)})._create_payments()
        mar = self._statement(plan, self.rep_1, self.mar)
        # 4,000 paid back counts in February: (10,000 - 4,000) x 10 % = 600,
        # 1,000 was approved: -400. March's own rule line earns nothing.
        self.assertEqual(self._amounts(mar), [0.0, -400.0])
        self.assertEqual(self._corrections(mar).refund_move_ids, refund)

    def test_split_deal_each_share_clawed_back(self):
        """A split deal: the credit note claws back each participant's share."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customers[0].id,
                "invoice_date": date(2025, 1, 15),
                "invoice_user_id": self.rep_1.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Service",
                            "quantity": 1,
                            "price_unit": 10_000,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
                "incentive_split_ids": [
                    Command.create({"user_id": self.rep_1.id, "percentage": 60}),
                    Command.create({"user_id": self.rep_2.id, "percentage": 40}),
                ],
            }
        )
        invoice.action_post()
        plan = self._plan(
            [{"kind": "percentage", "rate": 10}], users=self.rep_1 | self.rep_2
        )
        jan = plan.generate_statements(self.jan)
        # 6,000 x 10 % = 600 and 4,000 x 10 % = 400.
        self.assertEqual(sorted(jan.mapped("amount_total")), [400.0, 600.0])
        self._approve(jan)
        refund = self._refund(invoice, 5_000, date(2025, 2, 10))
        self.assertEqual(refund.incentive_split_ids.mapped("percentage"), [60.0, 40.0])
        feb = plan.generate_statements(self.feb)
        by_user = {st.user_id: st.amount_total for st in feb}
        # 5,000 x 60 % x 10 % = 300 and 5,000 x 40 % x 10 % = 200.
        self.assertEqual(by_user, {self.rep_1: -300.0, self.rep_2: -200.0})

    def test_two_credit_notes_in_two_later_periods(self):
        """Two credit notes of one invoice, in February and March: each is
        booked once, in the draft statement after it, however often the
        statements are refreshed."""
        invoice = self._invoices([(self.rep_1, 10_000, date(2025, 1, 10))])
        plan = self._plan([{"kind": "percentage", "rate": 10}])
        jan = self._statement(plan, self.rep_1, self.jan)
        self._approve(jan)
        first = self._refund(invoice, 2_000, date(2025, 2, 10))
        feb = self._statement(plan, self.rep_1, self.feb)
        feb.action_compute()
        # 8,000 x 10 % = 800, 1,000 approved: -200.
        self.assertEqual(feb.amount_total, -200.0)
        self._approve(feb)
        second = self._refund(invoice, 3_000, date(2025, 3, 5))
        mar = self._statement(plan, self.rep_1, self.mar)
        for __ in range(2):
            mar.action_compute()
            self.Statement._cron_compute()
        # 5,000 x 10 % = 500; 1,000 approved, -200 already corrected: -300.
        self.assertEqual(mar.amount_total, -300.0)
        correction = self._corrections(mar)
        self.assertEqual(correction.refund_move_ids, second)
        self.assertNotIn(first.name, correction.name)
        self.assertEqual(self._corrections(feb).amount, -200.0)

    def test_plan_to_date_tiers_true_up_once(self):
        """Plan-to-date tiers: the true-up of the next statement takes the
        credit note back; the frozen month is not corrected a second time."""
        invoice = self._invoices([(self.rep_1, 12_000, date(2025, 1, 10))])
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
        # 10,000 x 1 % + 2,000 x 5 % = 200.
        self.assertEqual(jan.amount_total, 200.0)
        self._approve(jan)
        self._refund(invoice, 4_000, date(2025, 2, 14))
        feb = self._statement(plan, self.rep_1, self.feb)
        # To date 8,000 x 1 % = 80, less 200 already earned: -120, and no
        # correction of January on top.
        self.assertEqual(self._amounts(feb), [-120.0])
        self.assertFalse(self._corrections(feb))

    def test_team_override_clawed_back(self):
        """The leader's override on the team's revenue is taken back too."""
        invoice = self._invoices([(self.rep_1, 20_000, date(2025, 1, 10))])
        invoice.team_id = self.team_a
        plan = self._plan([{"kind": "team_override", "rate": 2}], users=self.leader_a)
        jan = self._statement(plan, self.leader_a, self.jan)
        # 20,000 x 2 % = 400.
        self.assertEqual(jan.amount_total, 400.0)
        jan.action_submit()
        jan.action_approve()
        refund = self._refund(invoice, 5_000, date(2025, 2, 10))
        feb = self._statement(plan, self.leader_a, self.feb)
        # 15,000 x 2 % = 300: -100.
        self.assertEqual(feb.amount_total, -100.0)
        self.assertEqual(self._corrections(feb).refund_move_ids, refund)

    def test_refund_inside_a_draft_period(self):
        """While January is a draft, a February credit note of its invoice
        lowers January itself and not February."""
        invoice = self._invoices([(self.rep_1, 10_000, date(2025, 1, 10))])
        plan = self._plan([{"kind": "percentage", "rate": 10}])
        self._refund(invoice, 1_000, date(2025, 2, 2))
        self.assertEqual(self._statement(plan, self.rep_1, self.jan).amount_total, 900)
        self.assertEqual(self._statement(plan, self.rep_1, self.feb).amount_total, 0)

    def test_lower_is_better_kpi(self):
        """Tiers and a bonus on a KPI where lower is better: beating the
        ceiling pays more, missing it pays less."""
        discount = self.Kpi.create(
            {
                "name": "Average Discount",
                "code": "test_discount",
                "kind": "manual",
                "unit": "percent",
                "direction": "lower",
            }
        )
        target = self._target(10, kpi=discount, owner=self.rep_1)
        self._invoices([(self.rep_1, 10_000, date(2025, 1, 10))])
        plan = self._plan(
            [
                {
                    "kind": "tiered",
                    "sequence": 1,
                    "kpi_id": discount.id,
                    "tier_basis": "attainment",
                    "tier_mode": "marginal",
                    "tiers": [(0, 100, 2), (100, None, 4)],
                },
                {
                    "kind": "bonus",
                    "sequence": 2,
                    "amount": 300,
                    "kpi_id": discount.id,
                    "condition_value": 100,
                },
            ]
        )
        target.actual = 8
        # 10 / 8 = 125 %: 100/125 of 10,000 at 2 % + 25/125 at 4 %
        # = 160 + 80 = 240; 125 % >= 100 %: bonus 300.
        self.assertEqual(self._amounts(self._statement(plan, self.rep_1)), [240, 300])
        target.actual = 12.5
        # 10 / 12.5 = 80 %: all of 10,000 at 2 % = 200; no bonus.
        self.assertEqual(self._amounts(self._statement(plan, self.rep_1)), [200, 0])

    @freeze_time("2025-01-20")
    def test_estimate_right_after_posting(self):
        """An estimate made right after an invoice is posted reads what a
        statement made at that moment reads: the bonus the deal reached."""
        target = self._target(10_000, owner=self.rep_1)
        self._invoices([(self.rep_1, 6_000, date(2025, 1, 10))])
        target.action_compute()
        self.assertEqual(target.actual, 6_000.0)
        plan = self._plan(
            [
                {"kind": "percentage", "sequence": 1, "rate": 1},
                {
                    "kind": "bonus",
                    "sequence": 2,
                    "amount": 500,
                    "kpi_id": self.kpi_revenue.id,
                    "condition_value": 100,
                },
            ]
        )
        # Posted now: the stored actual is still 6,000 until a refresh.
        self._invoices([(self.rep_1, 5_000, date(2025, 1, 20))])
        estimator = (
            self.env["incentive.estimator"]
            .with_user(self.rep_1)
            .create({"plan_id": plan.id, "amount": 1_000})
        )
        # Without the deal: 11,000 x 1 % = 110, and 110 % >= 100 %: 500.
        self.assertEqual(estimator.current_payout, 610.0)
        # With it: 12,000 x 1 % = 120 + 500.
        self.assertEqual(estimator.estimated_payout, 620.0)
        statement = self._statement(plan, self.rep_1)
        self.assertEqual(statement.amount_total, estimator.current_payout)

    def test_departure_is_one_case_of_the_rule(self):
        """A participation ended by a departure (``end_participation``): the
        credit note after it counts in the invoice's period even under the
        other convention, and a line not started yet is removed."""
        plan = self._plan(
            [{"kind": "percentage", "rate": 10}],
            clawback_convention="refund_period",
            publish=False,
        )
        plan.assignment_ids = [
            Command.create({"user_id": self.rep_2.id, "date_start": date(2025, 4, 1)})
        ]
        plan.action_publish()
        invoice = self._invoices([(self.rep_1, 10_000, date(2025, 1, 10))])
        jan = self._statement(plan, self.rep_1, self.jan)
        self._approve(jan)
        rep_1_line, rep_2_line = plan.assignment_ids.sorted(lambda a: a.user_id.id)
        with self.assertRaises(UserError):
            rep_1_line.end_participation(False)
        with self.assertRaises(AccessError):
            rep_1_line.with_user(self.rep_1).end_participation(date(2025, 2, 10))
        kept = (rep_1_line | rep_2_line).end_participation(date(2025, 2, 10))
        self.assertEqual(kept, rep_1_line)
        self.assertFalse(rep_2_line.exists())
        self.assertEqual(
            (rep_1_line.date_end, rep_1_line.left_date),
            (date(2025, 2, 10), date(2025, 2, 10)),
        )
        refund = self._refund(invoice, 4_000, date(2025, 3, 5))
        mar = self._statement(plan, self.rep_1, self.mar)
        # Counted in January: 6,000 x 10 % = 600, 1,000 was approved: -400.
        self.assertEqual(self._corrections(mar).amount, -400.0)
        self.assertEqual(self._corrections(mar).refund_move_ids, refund)
