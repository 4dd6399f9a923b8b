from datetime import date

from odoo import Command, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import JAN_15, REP_GROUPS, PerformanceCommon


class ScorecardCommon(PerformanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.performance_hr_user_id = cls.hr_officer
        Kpi = cls.env["performance.kpi"]
        cls.kpi_visits = Kpi.create(
            {
                "name": "Customer Visits",
                "code": "VISITS",
                "kind": "manual",
                "unit": "number",
            }
        )
        cls.kpi_training = Kpi.create(
            {
                "name": "Training Days",
                "code": "TRAINING",
                "kind": "manual",
                "unit": "number",
                "category": "growth",
            }
        )
        cls.kpi_collection = cls.env.ref("sales_performance.kpi_collection_rate")
        cls.kpi_new = cls.env.ref("sales_performance.kpi_new_customers")
        cls.template = cls.env["performance.scorecard.template"].create(
            {
                "name": "Field Sales",
                "team_ids": [Command.set(cls.team_a.ids)],
                "appeal_days": 10,
                "line_ids": [
                    Command.create({"kpi_id": cls.kpi_revenue.id, "weight": 40}),
                    Command.create({"kpi_id": cls.kpi_collection.id, "weight": 20}),
                    Command.create(
                        {
                            "kpi_id": cls.kpi_visits.id,
                            "weight": 15,
                            "default_target": 10,
                        }
                    ),
                    Command.create({"kpi_id": cls.kpi_new.id, "weight": 15}),
                    Command.create(
                        {
                            "kpi_id": cls.kpi_training.id,
                            "weight": 10,
                            "default_target": 1,
                        }
                    ),
                ],
                "band_ids": [
                    Command.create({"name": "A", "min_score": 120, "max_score": 150}),
                    Command.create({"name": "B", "min_score": 100, "max_score": 120}),
                    Command.create({"name": "C", "min_score": 70, "max_score": 100}),
                    Command.create({"name": "D", "min_score": 0, "max_score": 70}),
                ],
            }
        )

    def _line(self, card, kpi):
        return card.line_ids.filtered(lambda line: line.kpi_id == kpi)

    def _rep_card(self, period=None, user=None):
        """The scorecard of ``user`` (rep_1) for ``period`` (January)."""
        user = user or self.rep_1
        return self.template.generate_scorecards(period or self.jan).filtered(
            lambda card: card.user_id == user
        )

    def _approved_card(self):
        """Rep 1's January scorecard taken through every review step."""
        card = self._rep_card()
        card.with_user(self.rep_1).action_submit()
        card.with_user(self.leader_a).action_approve()
        card.with_user(self.hr_officer).action_approve()
        return card


@tagged("post_install", "-at_install")
class TestScorecardScores(ScorecardCommon):
    def test_worked_example(self):
        """Revenue 120 %, collection 95/90, visits 15/10, new customers 4/3 and
        training 2/1 capped at 150 score 126.61 in total."""
        partners = self.env["res.partner"].create(
            [{"name": f"New customer {index}"} for index in range(4)]
        )
        invoices = self._invoices(
            [(self.rep_1, 300_000.0, JAN_15, partner) for partner in partners]
        )
        for invoice, amount in zip(
            invoices, (300_000, 300_000, 300_000, 240_000), strict=True
        ):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create(
                {"amount": amount, "payment_date": date(2025, 2, 5)}
            )._create_payments()
        self._target(1_000_000.0, owner=self.rep_1)
        self._target(90.0, kpi=self.kpi_collection, owner=self.rep_1)
        self._target(3.0, kpi=self.kpi_new, owner=self.rep_1)

        cards = self.template.with_user(self.hr_officer).generate_scorecards(self.jan)
        card = cards.filtered(lambda c: c.user_id == self.rep_1)
        self.assertEqual(cards.user_id, self.rep_1 | self.rep_2)
        self._line(card, self.kpi_visits).with_user(self.leader_a).actual = 15
        self._line(card, self.kpi_training).with_user(self.leader_a).actual = 2

        expected = {
            self.kpi_revenue: (1_000_000, 1_200_000, 120.0),
            self.kpi_collection: (90, 95, 105.56),  # 95 / 90 = 105.555...%
            self.kpi_visits: (10, 15, 150.0),
            self.kpi_new: (3, 4, 133.33),  # 4 / 3 = 133.333...%
            self.kpi_training: (1, 2, 150.0),  # 200 %, capped
        }
        for kpi, (target, actual, score) in expected.items():
            line = self._line(card, kpi)
            self.assertEqual(
                (line.target, line.actual, line.score), (target, actual, score)
            )
        # 0.40 * 120 + 0.20 * 105.56 + 0.15 * 150 + 0.15 * 133.33 + 0.10 * 150
        # = 48 + 21.112 + 22.5 + 19.9995 + 15 = 126.6115
        self.assertEqual(card.total_score, 126.61)
        self.assertEqual(card.rating, "A")

    def test_one_source_of_actuals(self):
        """A scorecard line with a target shows the target's actual, refreshed
        with it: an invoice posted after the target's last refresh counts in
        both, so the two screens never disagree."""
        target = self._target(100_000.0, owner=self.rep_1)
        self._invoices([(self.rep_1, 40_000.0, JAN_15)])
        target.action_compute()
        self.assertEqual(target.actual, 40_000.0)
        card = self._rep_card()
        # Posted after the target's refresh: the scorecard refresh reads it.
        self._invoices([(self.rep_1, 25_000.0, JAN_15)])
        card.action_compute()
        line = self._line(card, self.kpi_revenue)
        self.assertEqual((target.actual, line.actual), (65_000.0, 65_000.0))
        # Without a target, the line reads its KPI: rep 2 sold 10,000.
        self._invoices([(self.rep_2, 10_000.0, JAN_15)])
        card_2 = self._rep_card(user=self.rep_2)
        card_2.action_compute()
        self.assertEqual(self._line(card_2, self.kpi_revenue).actual, 10_000.0)

    def test_refresh_queries_do_not_grow_with_users(self):
        """Refreshing scorecards costs the same queries for two users as for six."""
        extra = [
            new_test_user(self.env, login=f"sc_{i}", groups=REP_GROUPS)
            for i in range(4)
        ]
        self.team_b.member_ids = [Command.set([user.id for user in extra])]
        template_b = self.template.copy({"team_ids": [Command.set(self.team_b.ids)]})
        few = self.template.generate_scorecards(self.feb)
        many = template_b.generate_scorecards(self.mar)
        self.assertEqual((len(few), len(many)), (2, 4))
        # Warm the registry caches first, at a frozen clock, so that the first
        # measure does not pay for them whatever ran before and both write the
        # same columns (the refresh stamps scorecards with the time).
        with freeze_time("2025-06-02 10:00:00"):
            (few | many).action_compute()
            # Every scorecard's revenue changes, so both refreshes write alike.
            self._invoices(
                [(rep, 10.0, date(2025, 2, 3)) for rep in (self.rep_1, self.rep_2)]
                + [(u, 10.0, date(2025, 3, 3)) for u in extra]
            )
            self.assertEqual(
                self._count_queries(few.action_compute),
                self._count_queries(many.action_compute),
            )
        self.assertEqual(
            set(
                many.line_ids.filtered(
                    lambda line: line.kpi_id == self.kpi_revenue
                ).mapped("actual")
            ),
            {10.0},
        )


@tagged("post_install", "-at_install")
class TestScorecardReview(ScorecardCommon):
    @classmethod
    def default_env_context(cls):
        return {}

    def _activities(self, card):
        return card.activity_ids.mapped(lambda a: (a.activity_type_id.name, a.user_id))

    @freeze_time("2025-02-03")
    def test_review_flow_moves_the_activity(self):
        """Each step queues one activity for the next person and closes the last."""
        card = self._rep_card()
        self.assertEqual(card.state, "self_review")
        self.assertEqual(
            self._activities(card), [("Scorecard: self review", self.rep_1)]
        )
        # Due the day it starts waiting; the stage's deadline is on the card.
        self.assertEqual(card.activity_ids.date_deadline, date(2025, 2, 3))
        self.assertEqual(card.waiting_deadline, date(2025, 2, 10))

        card.with_user(self.rep_1).write({"self_review": "Strong January."})
        card.with_user(self.rep_1).action_submit()
        self.assertEqual(card.state, "manager_review")
        self.assertEqual(
            self._activities(card), [("Scorecard: manager review", self.leader_a)]
        )
        done = card.message_ids.filtered(
            lambda m: m.mail_activity_type_id.name == "Scorecard: self review"
        )
        self.assertTrue(done, "the self review activity is marked done, not deleted")

        card.with_user(self.leader_a).action_approve()
        self.assertEqual(card.state, "hr_calibration")
        self.assertEqual(
            self._activities(card), [("Scorecard: HR calibration", self.hr_officer)]
        )

        card.with_user(self.hr_officer).action_approve()
        self.assertEqual(card.state, "approved")
        self.assertTrue(card.frozen)
        self.assertFalse(card.activity_ids)
        self.assertEqual(card.appeal_deadline, date(2025, 2, 13))

    @freeze_time("2025-02-03")
    def test_refusal_sends_back_with_reason(self):
        """Refusing needs a reason and sends the scorecard one step back."""
        card = self.template.generate_scorecards(self.jan)[0]
        card.with_user(card.user_id).action_submit()
        action = card.with_user(self.leader_a).action_refuse()
        self.assertEqual(action["res_model"], "performance.scorecard.reason")
        wizard = (
            self.env["performance.scorecard.reason"]
            .with_user(self.leader_a)
            .create(
                {
                    "scorecard_ids": card.ids,
                    "action": "refuse",
                    "reason": "Add the visits.",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(card.state, "self_review")
        self.assertEqual(card.refuse_reason, "Add the visits.")
        self.assertEqual(
            self._activities(card), [("Scorecard: self review", card.user_id)]
        )

    @freeze_time("2025-02-03")
    def test_approval_freezes(self):
        """After approval, new invoices and a refresh leave the scorecard as it was."""
        self._invoices([(self.rep_1, 500_000.0, JAN_15)])
        self._target(1_000_000.0, owner=self.rep_1)
        card = self._rep_card()
        card.with_user(self.rep_1).action_submit()
        card.with_user(self.leader_a).action_approve()
        card.with_user(self.hr_officer).action_approve()
        before = (
            card.read(["total_score", "rating"])[0],
            card.line_ids.read(["actual", "score"]),
        )
        self._invoices([(self.rep_1, 700_000.0, date(2025, 1, 20))])
        card.action_compute()
        self.template.band_ids.filtered(lambda b: b.name == "D").name = "E"
        self.env.invalidate_all()
        after = (
            card.read(["total_score", "rating"])[0],
            card.line_ids.read(["actual", "score"]),
        )
        self.assertEqual(before, after)

    @freeze_time("2025-02-03")
    def test_appeal_upheld(self):
        """An appeal in time goes to HR; upheld, it rates anew and tells the rep."""
        card = self._approved_card()
        card.with_user(self.rep_1).action_appeal(reason="My visits were not counted.")
        self.assertEqual(card.state, "appeal")
        self.assertEqual(
            self._activities(card), [("Scorecard: appeal", self.hr_officer)]
        )
        card.with_user(self.hr_officer).action_resolve_appeal(
            "upheld", "Visits added.", rating="B"
        )
        self.assertEqual(
            (card.state, card.rating, card.appeal_outcome), ("approved", "B", "upheld")
        )
        self.assertIn(
            self.rep_1.partner_id, card.message_ids.filtered("partner_ids").partner_ids
        )

    @freeze_time("2025-02-03")
    def test_reopen_by_hr_only(self):
        """Only HR reopens an approved scorecard, with a reason."""
        card = self._approved_card()
        with self.assertRaises(AccessError):
            card.with_user(self.leader_a).action_reopen(reason="Typo")
        card.with_user(self.hr_officer).action_reopen(reason="Late invoice")
        self.assertEqual(card.state, "hr_calibration")
        self.assertFalse(card.frozen)


@tagged("post_install", "-at_install")
class TestScorecardBadInput(ScorecardCommon):
    def _snapshot(self, records):
        names = [
            name
            for name, field in records._fields.items()
            if field.store
            and name not in models.MAGIC_COLUMNS + ["write_uid", "write_date"]
            and not name.startswith(("message_", "activity_"))
        ]
        self.env.flush_all()
        self.env.invalidate_all()
        return records.read(names)

    def assertRefused(self, exception, message, function, records):
        before = self._snapshot(records)
        with self.assertRaises(exception) as caught:
            function()
        self.assertRegex(str(caught.exception), message)
        self.assertEqual(self._snapshot(records), before)

    def test_weights_not_summing_to_100(self):
        """The weights of a template add up to 100."""
        line = self.template.line_ids[0]
        self.assertRefused(
            ValidationError,
            "add up to 110.0 instead of 100",
            lambda: line.write({"weight": 50}),
            line,
        )

    def test_curve_out_of_order(self):
        """Threshold < target point < cap, mirrored when lower is better."""
        line = self.template.line_ids[0]
        self.assertRefused(
            ValidationError,
            "threshold < target point < cap",
            lambda: line.write({"threshold": 100}),
            line,
        )
        self.assertRefused(
            ValidationError,
            "threshold < target point < cap",
            lambda: line.write({"cap": 90}),
            line,
        )
        self.kpi_visits.direction = "lower"
        visits = self._line_of(self.kpi_visits)
        self.assertRefused(
            ValidationError,
            "better when lower",
            lambda: visits.write({"threshold": 50, "target_point": 100, "cap": 150}),
            visits,
        )
        visits.write({"threshold": 150, "target_point": 100, "cap": 50})

    def _line_of(self, kpi):
        return self.template.line_ids.filtered(lambda line: line.kpi_id == kpi)

    def test_overlapping_bands(self):
        """Rating bands do not overlap."""
        band = self.template.band_ids.filtered(lambda b: b.name == "B")
        self.assertRefused(
            ValidationError,
            "bands .* overlap",
            lambda: band.write({"max_score": 125}),
            band,
        )

    def test_manual_value_on_computed_line(self):
        """A computed KPI's actual cannot be typed in."""
        card = self.template.generate_scorecards(self.jan)[0]
        line = self._line(card, self.kpi_revenue)
        self.assertRefused(
            UserError,
            "computed from documents",
            lambda: line.with_user(self.leader_a).write({"actual": 5}),
            line,
        )

    def test_submit_someone_elses_self_review(self):
        """Only the salesperson submits their self review."""
        card = self._rep_card()
        self.assertRefused(
            AccessError,
            "Only the salesperson",
            lambda: card.with_user(self.leader_a).write({"self_review": "x"}),
            card,
        )
        self.assertRefused(
            AccessError,
            "Only Rep 1 can submit",
            lambda: card.with_user(self.leader_a).action_submit(),
            card,
        )

    def test_approve_own_scorecard(self):
        """Nobody approves their own scorecard, not even a leader in their team."""
        self.team_a.member_ids = [Command.link(self.leader_a.id)]
        card = self.template.generate_scorecards(self.jan).filtered(
            lambda c: c.user_id == self.leader_a
        )
        card.with_user(self.leader_a).action_submit()
        self.assertRefused(
            AccessError,
            "their own scorecard",
            lambda: card.with_user(self.leader_a).action_approve(),
            card,
        )

    def test_appeal_after_window(self):
        """No appeal once the window has closed."""
        with freeze_time("2025-02-03"):
            card = self._approved_card()
        with freeze_time("2025-02-14"):
            self.assertRefused(
                UserError,
                "appeal window .* closed on 2025-02-13",
                lambda: card.with_user(self.rep_1).action_appeal(reason="Late"),
                card,
            )

    def test_edit_frozen_scorecard(self):
        """An approved scorecard cannot be edited, its lines neither."""
        with freeze_time("2025-02-03"):
            card = self._approved_card()
        self.assertRefused(
            UserError,
            "frozen",
            lambda: card.with_user(self.hr_officer).write({"manager_comment": "x"}),
            card,
        )
        line = self._line(card, self.kpi_visits)
        self.assertRefused(
            UserError,
            "frozen",
            lambda: line.with_user(self.hr_officer).write({"actual": 3}),
            line,
        )

    def test_state_not_written_by_hand(self):
        """The review state moves only through the review buttons."""
        card = self._rep_card()
        self.assertRefused(
            AccessError,
            "review buttons",
            lambda: card.with_user(self.rep_1).write({"state": "approved"}),
            card,
        )


@tagged("post_install", "-at_install")
class TestScorecardAccess(ScorecardCommon):
    def test_rules(self):
        """A rep reads their own scorecard, a leader the team's, HR all."""
        template_b = self.template.copy({"team_ids": [Command.set(self.team_b.ids)]})
        cards = self.template.generate_scorecards(
            self.jan
        ) | template_b.generate_scorecards(self.jan)
        Card = self.env["performance.scorecard"]
        domain = [("id", "in", cards.ids)]
        self.assertEqual(Card.with_user(self.rep_1).search(domain).user_id, self.rep_1)
        self.assertEqual(
            Card.with_user(self.leader_a).search(domain).user_id,
            self.rep_1 | self.rep_2,
        )
        self.assertEqual(Card.with_user(self.hr_officer).search(domain), cards)
        other = cards.filtered(lambda c: c.user_id == self.rep_3)
        with self.assertRaises(AccessError):
            other.with_user(self.rep_1).read(["total_score"])
        with self.assertRaises(AccessError):
            self.template.with_user(self.rep_1).generate_scorecards(self.feb)
        lines = (
            self.env["performance.scorecard.line"]
            .with_user(self.rep_1)
            .search([("scorecard_id", "in", cards.ids)])
        )
        self.assertEqual(lines.scorecard_id.user_id, self.rep_1)


@tagged("post_install", "-at_install")
class TestCalibration(ScorecardCommon):
    def test_weights_change_together(self):
        """Weights moved between lines in one save pass; the total is checked once."""
        first, second = self.template.line_ids[:2]
        self.template.write(
            {
                "line_ids": [
                    Command.update(first.id, {"weight": 30}),
                    Command.update(second.id, {"weight": 30}),
                ]
            }
        )
        self.assertEqual(self.template.weight_total, 100)

    def test_distribution_against_guideline(self):
        """Calibration shows each rating's share of a team next to its guideline."""
        guideline = {"A": 20, "B": 30, "C": 30, "D": 20}
        self.template.write(
            {
                "band_ids": [
                    Command.update(b.id, {"guideline_pct": guideline[b.name]})
                    for b in self.template.band_ids
                ]
            }
        )
        self._invoices([(self.rep_1, 2_000_000.0, JAN_15)])
        self._target(1_000_000.0, owner=self.rep_1)
        cards = self.template.generate_scorecards(self.jan)
        self.assertEqual(cards.mapped("rating"), ["D", "D"])
        card_1 = cards.filtered(lambda c: c.user_id == self.rep_1)
        with self.assertRaises(UserError):
            card_1.with_user(self.hr_officer).write({"rating_override": "B"})
        with self.assertRaises(AccessError):
            card_1.with_user(self.leader_a).write(
                {"rating_override": "B", "calibration_comment": "x"}
            )
        card_1.with_user(self.hr_officer).write(
            {
                "rating_override": "B",
                "calibration_comment": "Revenue carried the month.",
            }
        )
        self.assertEqual(card_1.rating, "B")
        self.env.flush_all()
        rows = (
            self.env["performance.calibration.report"]
            .with_user(self.hr_officer)
            .search([("period_id", "=", self.jan.id), ("team_id", "=", self.team_a.id)])
        )
        by_rating = {
            row.rating: (row.scorecard_count, row.share_pct, row.guideline_pct)
            for row in rows
        }
        self.assertEqual(
            by_rating,
            {"A": (0, 0, 20), "B": (1, 50, 30), "C": (0, 0, 30), "D": (1, 50, 20)},
        )
        leader_rows = (
            self.env["performance.calibration.report"]
            .with_user(self.leader_b)
            .search([("period_id", "=", self.jan.id)])
        )
        self.assertFalse(leader_rows)

    def test_guidelines_add_up_to_100(self):
        """Guideline shares add up to 100 when any is set."""
        band = self.template.band_ids[0]
        with self.assertRaises(ValidationError):
            self.template.write(
                {"band_ids": [Command.update(band.id, {"guideline_pct": 50})]}
            )


@tagged("post_install", "-at_install")
class TestScorecardGeneration(ScorecardCommon):
    def test_generate_wizard(self):
        """HR generates the period's scorecards from the templates, once."""
        wizard = self.env["performance.scorecard.generate"].with_user(self.hr_officer)
        wizard = wizard.create(
            {"template_ids": self.template.ids, "period_id": self.feb.id}
        )
        action = wizard.action_generate()
        cards = self.env["performance.scorecard"].search(action["domain"])
        self.assertEqual(cards.user_id, self.rep_1 | self.rep_2)
        self.assertEqual(set(cards.mapped("state")), {"self_review"})
        again = wizard.action_generate()
        self.assertEqual(
            self.env["performance.scorecard"].search(again["domain"]), cards
        )
        with self.assertRaises(AccessError):
            self.env["performance.scorecard.generate"].with_user(self.leader_a).create(
                {"template_ids": self.template.ids, "period_id": self.feb.id}
            )

    def test_rep_cannot_comment_as_manager(self):
        """The salesperson does not write the reviewer's comment on their card."""
        card = self._rep_card()
        with self.assertRaises(AccessError):
            card.with_user(self.rep_1).write({"manager_comment": "Great job, me."})
        card.with_user(self.leader_a).write({"manager_comment": "Agreed."})
        self.assertEqual(card.manager_comment, "Agreed.")
