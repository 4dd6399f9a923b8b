from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, freeze_time, tagged

from ..tools import anomaly as stats
from .common import PerformanceCommon


@tagged("post_install", "-at_install")
class TestAnomalyTools(BaseCase):
    def test_median_and_mad(self):
        """Median of odd and even counts; MAD is the median distance to it."""
        self.assertEqual(stats.median([3, 1, 2]), 2.0)
        self.assertEqual(stats.median([4, 1, 2, 3]), 2.5)
        self.assertEqual(stats.median([]), 0.0)
        self.assertEqual(stats.mad([1, 2, 3, 4, 100]), 1.0)

    def test_far_above_is_robust(self):
        """One huge past value does not hide the next one; identical history
        still tolerates a 10 % spread; short history flags nothing."""
        history = [1000, 1100, 900, 1050, 950, 50_000]
        self.assertTrue(stats.is_far_above(10_000, history, 3.0, 5))
        self.assertFalse(stats.is_far_above(1200, history, 3.0, 5))
        self.assertFalse(stats.is_far_above(1250, [1000] * 5, 3.0, 5))
        self.assertTrue(stats.is_far_above(1350, [1000] * 5, 3.0, 5))
        self.assertFalse(stats.is_far_above(10_000, [1000] * 4, 3.0, 5))

    def test_band_below_threshold(self):
        """Just under the threshold, within the tolerance; the threshold excluded."""
        self.assertTrue(stats.in_band_below(9500, 10_000, 10))
        self.assertTrue(stats.in_band_below(9000, 10_000, 10))
        self.assertFalse(stats.in_band_below(10_000, 10_000, 10))
        self.assertFalse(stats.in_band_below(8999, 10_000, 10))
        self.assertFalse(stats.in_band_below(5, 0, 10))

    def test_bursts(self):
        """Runs of min_count items inside the window; an item in one group only."""
        day = date(2025, 3, 1)
        items = [(day + timedelta(days=offset), offset) for offset in (0, 1, 2, 9, 20)]
        self.assertEqual(stats.bursts(items, 3, 7), [[0, 1, 2]])
        self.assertEqual(stats.bursts(items, 3, 2), [])
        self.assertEqual(stats.bursts(items, 2, 30), [[0, 1, 2, 9, 20]])


@tagged("post_install", "-at_install")
class TestAnomalies(PerformanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Anomaly = cls.env["performance.anomaly"]
        cls.review_type = cls.env.ref(
            "sales_performance.mail_activity_type_anomaly_review"
        )

        def rule(code, **vals):
            record = cls.env.ref(f"sales_performance.anomaly_rule_{code}")
            record.write({"active": True, "company_id": False, **vals})
            return record

        cls.rule_large = rule("large_document", factor=3.0, window_days=90, min_count=5)
        cls.rule_burst = rule("new_customer_burst", window_days=7, min_count=5)
        cls.rule_reversal = rule("period_end_reversal", window_days=5)
        cls.rule_split = rule(
            "split_orders",
            window_days=7,
            min_count=3,
            threshold_amount=10_000.0,
            tolerance_pct=10.0,
        )
        cls.rule_instant = rule("instant_customer", window_days=1)
        cls.reps = cls.rep_1 | cls.rep_2 | cls.rep_3 | cls.rep_4

    def _partners(self, count, prefix):
        return self.env["res.partner"].create(
            [
                {"name": f"{prefix} {index}", "is_company": True}
                for index in range(count)
            ]
        )

    def _flags(self, rule):
        return self.Anomaly.search(
            [("rule_id", "=", rule.id), ("user_id", "in", self.reps.ids)]
        )

    def _review_activities(self, flags):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "performance.anomaly"),
                ("res_id", "in", flags.ids),
                ("activity_type_id", "=", self.review_type.id),
            ]
        )

    def _orders(self, specs, confirm=True, **vals):
        """Orders, confirmed unless told, from ``(user, partner, amount,
        datetime)``; ``vals`` are common to all of them."""
        orders = self.env["sale.order"].create(
            [
                {
                    **vals,
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product_a.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
                for user, partner, amount, __ in specs
            ]
        )
        if confirm:
            orders.action_confirm()
        for order, spec in zip(orders, specs, strict=True):
            order.date_order = spec[3]
        return orders

    def _set_creation(self, partner, user, moment):
        """Who created a partner and when: the ORM stamps the real clock."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET create_uid = %s, create_date = %s WHERE id = %s",
            (user.id, moment, partner.id),
        )
        partner.invalidate_recordset(["create_uid", "create_date"])

    def _cancel(self, orders, moment):
        """Cancel orders as the user would, on the day of ``moment``."""
        with freeze_time(moment):
            orders.with_context(disable_cancel_warning=True).action_cancel()

    # ------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------

    @freeze_time("2025-03-01")
    def test_large_document(self):
        """An invoice above median + factor × MAD of the rep's history is flagged."""
        history = [1000.0, 1100.0, 900.0, 1050.0, 950.0, 1000.0]
        specs = [
            (rep, amount, date(2025, 1, 2 + index))
            for rep in (self.rep_1, self.rep_2)
            for index, amount in enumerate(history)
        ]
        specs += [(self.rep_3, 1000.0, date(2025, 1, 5))] * 2
        self._invoices(specs)
        big, usual, short = self._invoices(
            [
                (self.rep_1, 10_000.0, date(2025, 2, 10)),
                (self.rep_2, 1200.0, date(2025, 2, 10)),
                (self.rep_3, 50_000.0, date(2025, 2, 10)),
            ]
        )
        self.rule_large._detect(date(2025, 2, 1), date(2025, 2, 28))
        flags = self._flags(self.rule_large)
        self.assertEqual(len(flags), 1, "not the usual size, not a short history")
        self.assertEqual(flags.move_ids, big)
        self.assertEqual(flags.user_id, self.rep_1)
        self.assertEqual(flags.team_id, self.team_a)
        self.assertEqual(flags.amount, 10_000.0)
        self.assertIn("1,300.00", flags.description)
        activity = self._review_activities(flags)
        self.assertEqual(activity.user_id, self.leader_a)
        self.assertNotIn(usual | short, self.Anomaly.search([]).move_ids)

    @freeze_time("2025-03-10")
    def test_new_customer_burst(self):
        """Five new customers in a week for one rep is a burst; four is not."""
        burst_partners = self._partners(5, "Burst")
        slow_partners = self._partners(5, "Slow")
        old = self._partners(1, "Old")
        self._invoices([(self.rep_2, 100.0, date(2025, 1, 10), old)])
        burst = self._invoices(
            [
                (self.rep_1, 100.0, date(2025, 3, 3 + index), partner)
                for index, partner in enumerate(burst_partners)
            ]
        )
        self._invoices(
            [
                (self.rep_3, 100.0, date(2025, 3, 1 + index), partner)
                for index, partner in enumerate(slow_partners[:4])
            ]
            + [(self.rep_3, 100.0, date(2025, 3, 9), slow_partners[4])]
            + [(self.rep_2, 100.0, date(2025, 3, 3), old)] * 5
        )
        self.rule_burst._detect(date(2025, 3, 1), date(2025, 3, 10))
        flags = self._flags(self.rule_burst)
        self.assertEqual(len(flags), 1)
        self.assertEqual(flags.user_id, self.rep_1)
        self.assertEqual(flags.move_ids, burst)
        self.assertEqual(flags.partner_ids, burst_partners)
        self.assertEqual(self._review_activities(flags).user_id, self.leader_a)

    @freeze_time("2025-02-10")
    def test_period_end_reversal(self):
        """A month-end invoice credited early next month is flagged; a mid-month
        one or a late credit note is not."""
        month_end, mid_month, late = self._invoices(
            [
                (self.rep_1, 5000.0, date(2025, 1, 30)),
                (self.rep_2, 5000.0, date(2025, 1, 15)),
                (self.rep_3, 5000.0, date(2025, 1, 31)),
            ]
        )
        refunds = (month_end | mid_month | late)._reverse_moves(
            [
                {"invoice_date": day, "date": day}
                for day in (date(2025, 2, 3), date(2025, 2, 3), date(2025, 2, 20))
            ]
        )
        refunds.action_post()
        self.rule_reversal._detect(date(2025, 2, 1), date(2025, 2, 28))
        flags = self._flags(self.rule_reversal)
        self.assertEqual(len(flags), 1)
        self.assertEqual(flags.user_id, self.rep_1)
        self.assertEqual(flags.move_ids, month_end | refunds[0])
        self.assertEqual(self._review_activities(flags).user_id, self.leader_a)

    @freeze_time("2025-04-10")
    def test_period_end_cancellation(self):
        """A month-end order cancelled early next month is flagged, for its
        untaxed amount in company currency."""
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Other currency",
                "currency_id": self.setup_other_currency("EUR").id,
            }
        )
        local = self._orders(
            [(self.rep_1, self.customers[1], 5000.0, datetime(2025, 3, 30, 10, 0))]
        )
        foreign = self._orders(
            [(self.rep_3, self.customers[2], 6000.0, datetime(2025, 3, 31, 15, 0))],
            pricelist_id=pricelist.id,
        )
        self._cancel(local | foreign, "2025-04-02 10:00:00")
        self.rule_reversal._detect(date(2025, 4, 1), date(2025, 4, 30))
        flags = self._flags(self.rule_reversal)
        self.assertEqual(len(flags), 2)
        local_flag = flags.filtered(lambda flag: flag.user_id == self.rep_1)
        foreign_flag = flags.filtered(lambda flag: flag.user_id == self.rep_3)
        self.assertEqual(local_flag.order_ids, local)
        self.assertFalse(local_flag.move_ids)
        self.assertEqual(local_flag.amount, 5000.0)
        self.assertEqual(local_flag.date, date(2025, 4, 2))
        self.assertIn(local.name, local_flag.description)
        self.assertIn("5,000.00", local_flag.description)
        self.assertEqual(foreign_flag.order_ids, foreign)
        self.assertAlmostEqual(foreign_flag.amount, 3000.0)
        self.assertEqual(self._review_activities(local_flag).user_id, self.leader_a)
        self.assertEqual(self._review_activities(foreign_flag).user_id, self.leader_b)

    @freeze_time("2025-04-25")
    def test_period_end_cancellation_not_flagged(self):
        """A mid-month order, a late cancellation or a dropped quotation is not
        flagged."""
        mid_month, late = self._orders(
            [
                (self.rep_1, self.customers[1], 5000.0, datetime(2025, 3, 14, 10, 0)),
                (self.rep_2, self.customers[2], 5000.0, datetime(2025, 3, 30, 10, 0)),
            ]
        )
        quotation = self._orders(
            [(self.rep_3, self.customers[3], 5000.0, datetime(2025, 3, 30, 10, 0))],
            confirm=False,
        )
        self._cancel(mid_month | quotation, "2025-04-02 10:00:00")
        self._cancel(late, "2025-04-20 10:00:00")
        self.rule_reversal._detect(date(2025, 4, 1), date(2025, 4, 30))
        self.assertFalse(self._flags(self.rule_reversal))

    @freeze_time("2025-04-10")
    def test_cancel_date(self):
        """Cancelling a confirmed order stamps the day; back to quotation clears
        it; a quotation cancelled before confirmation is not stamped."""
        order = self._orders(
            [(self.rep_1, self.customers[1], 500.0, datetime(2025, 3, 30, 10, 0))]
        )
        quotation = self._orders(
            [(self.rep_1, self.customers[1], 500.0, datetime(2025, 3, 30, 10, 0))],
            confirm=False,
        )
        self.assertFalse(order.performance_cancel_date)
        self._cancel(order | quotation, "2025-04-02 10:00:00")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.performance_cancel_date, date(2025, 4, 2))
        self.assertEqual(quotation.state, "cancel")
        self.assertFalse(quotation.performance_cancel_date)
        order.action_draft()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.performance_cancel_date)

    @freeze_time("2025-03-10")
    def test_split_orders(self):
        """Three orders just under the threshold for one customer in a week are
        flagged; a lower order or orders weeks apart are not."""
        split, mixed, spread = self.customers[1:4]
        day = datetime(2025, 3, 3, 10, 0)
        orders = self._orders(
            [(self.rep_3, split, 9500.0, day + timedelta(days=n)) for n in range(3)]
            + [(self.rep_2, mixed, 9500.0, day), (self.rep_2, mixed, 9600.0, day)]
            + [(self.rep_2, mixed, 5000.0, day)]
            + [(self.rep_1, spread, 9500.0, day - timedelta(weeks=n)) for n in range(3)]
        )
        self.rule_split._detect(date(2025, 3, 1), date(2025, 3, 10))
        flags = self._flags(self.rule_split)
        self.assertEqual(len(flags), 1)
        self.assertEqual(flags.user_id, self.rep_3)
        self.assertEqual(flags.order_ids, orders[:3])
        self.assertEqual(flags.partner_ids, split)
        self.assertEqual(flags.amount, 28_500.0)
        self.assertEqual(self._review_activities(flags).user_id, self.leader_b)

    @freeze_time("2025-03-10")
    def test_instant_customer(self):
        """A customer created and won by the same rep within a day is flagged,
        by order or by opportunity; later or by another rep is not."""
        by_order, by_lead, later, other = self._partners(4, "Instant")
        created = datetime(2025, 3, 3, 9, 0)
        for partner, user in (
            (by_order, self.rep_1),
            (by_lead, self.rep_2),
            (later, self.rep_3),
            (other, self.rep_3),
        ):
            self._set_creation(partner, user, created)
        orders = self._orders(
            [
                (self.rep_1, by_order, 500.0, created + timedelta(hours=5)),
                (self.rep_3, later, 500.0, created + timedelta(days=3)),
                (self.rep_4, other, 500.0, created + timedelta(hours=2)),
            ]
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Quick deal",
                "type": "opportunity",
                "partner_id": by_lead.id,
                "user_id": self.rep_2.id,
                "team_id": self.team_a.id,
            }
        )
        lead.action_set_won()
        lead.date_closed = created + timedelta(hours=20)
        self.rule_instant._detect(date(2025, 3, 1), date(2025, 3, 10))
        flags = self._flags(self.rule_instant).sorted("user_id")
        self.assertEqual(flags.user_id, self.rep_1 | self.rep_2)
        self.assertEqual(flags.partner_ids, by_order | by_lead)
        self.assertEqual(flags.order_ids, orders[0])
        self.assertEqual(self._review_activities(flags).user_id, self.leader_a)

    def test_detection_is_batch(self):
        """The scan runs as many queries for four reps as for one."""
        Rule = self.env["performance.anomaly.rule"]
        rules = Rule.search([("id", "in", (self.rule_large | self.rule_burst).ids)])

        def scan():
            rules._detect(date(2025, 2, 1), date(2025, 2, 28))

        self._invoices([(self.rep_1, 1000.0, date(2025, 2, 2 + n)) for n in range(5)])
        one_rep = self._count_queries(scan)
        self._invoices(
            [
                (rep, 1000.0, date(2025, 2, 2 + n))
                for rep in self.rep_2 | self.rep_3 | self.rep_4
                for n in range(5)
            ]
        )
        self.assertEqual(self._count_queries(scan), one_rep)

    # ------------------------------------------------------------
    # Workflow and security
    # ------------------------------------------------------------

    def _flag_rep_1(self):
        with freeze_time("2025-03-01"):
            self._invoices(
                [(self.rep_1, 1000.0, date(2025, 1, 2 + n)) for n in range(5)]
            )
            self._invoices([(self.rep_1, 9000.0, date(2025, 2, 10))])
            self.rule_large._detect(date(2025, 2, 1), date(2025, 2, 28))
        return self._flags(self.rule_large)

    def test_rerun_flags_nothing_twice(self):
        """Scanning the same days again, or a longer span, adds no flag."""
        flags = self._flag_rep_1()
        self.assertEqual(len(flags), 1)
        with freeze_time("2025-03-01"):
            self.rule_large._detect(date(2025, 2, 1), date(2025, 2, 28))
            self.env["performance.anomaly.rule"].search([])._detect(
                date(2025, 1, 1), date(2025, 3, 1)
            )
        self.assertEqual(self._flags(self.rule_large), flags)
        self.assertEqual(len(self._review_activities(flags)), 1)

    def test_cron_scans_recent_days(self):
        """The daily job flags what the last days brought."""
        self._invoices([(self.rep_1, 1000.0, date(2025, 1, 2 + n)) for n in range(5)])
        big = self._invoices([(self.rep_1, 9000.0, date(2025, 2, 10))])
        with freeze_time("2025-02-12"):
            self.env["performance.anomaly.rule"]._cron_detect()
        self.assertEqual(self._flags(self.rule_large).move_ids, big)

    def test_close_needs_decision_and_note(self):
        """The leader closes with a decision and a note; the activity is done."""
        flag = self._flag_rep_1()
        as_leader = flag.with_user(self.leader_a)
        with self.assertRaises(UserError):
            as_leader.action_close("justified", " ")
        with self.assertRaises(UserError):
            as_leader.action_close(False, "Big project")
        self.assertEqual(flag.state, "open")
        as_leader.action_close("justified", "Signed framework contract")
        self.assertEqual(flag.state, "closed")
        self.assertEqual(flag.decision, "justified")
        self.assertEqual(flag.closed_by_id, self.leader_a)
        self.assertFalse(self._review_activities(flag))
        with self.assertRaises(UserError):
            as_leader.action_close("violation", "Again")

    def test_flag_is_not_typed_in(self):
        """Nobody edits what a scan found or closes a flag by writing its state."""
        flag = self._flag_rep_1()
        for user in (self.leader_a, self.hr_officer):
            for vals in ({"state": "closed"}, {"amount": 1.0}, {"move_ids": False}):
                with self.assertRaises(UserError):
                    flag.with_user(user).write(vals)
        self.assertEqual(flag.state, "open")

    def test_close_wizard_by_hr(self):
        """HR closes any team's flag through the wizard."""
        flag = self._flag_rep_1()
        action = flag.with_user(self.hr_officer).action_open_close_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.hr_officer)
            .with_context(**action["context"])
            .create({"decision": "violation", "note": "Refunded in March"})
        )
        wizard.action_confirm()
        self.assertEqual((flag.state, flag.decision), ("closed", "violation"))

    def test_other_leader_cannot_close(self):
        """The leader of another team neither sees nor closes the flag."""
        flag = self._flag_rep_1()
        self.assertFalse(self.Anomaly.with_user(self.leader_b).search([]))
        with self.assertRaises(AccessError):
            flag.with_user(self.leader_b).action_close("justified", "Not mine")
        self.assertEqual(flag.state, "open")
        self.assertEqual(
            self.Anomaly.with_user(self.leader_a).search([("id", "=", flag.id)]), flag
        )

    def test_rep_cannot_read_flags(self):
        """A salesperson never reads anomaly flags, not even their own."""
        flag = self._flag_rep_1()
        with self.assertRaises(AccessError):
            self.Anomaly.with_user(self.rep_1).search([])
        with self.assertRaises(AccessError):
            flag.with_user(self.rep_1).read(["description"])

    def test_only_admin_configures_rules(self):
        """Managers read the rules; only the administrator changes them."""
        rule = self.rule_large
        rule.with_user(self.leader_a).read(["factor"])
        with self.assertRaises(AccessError):
            rule.with_user(self.hr_officer).write({"factor": 5.0})
        rule.with_user(self.perf_admin).write({"factor": 5.0})
        self.assertEqual(rule.factor, 5.0)
