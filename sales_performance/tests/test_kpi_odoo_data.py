from datetime import date, datetime, timedelta

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import JAN_15, PerformanceCommon

DEC_10 = date(2024, 12, 10)


@tagged("post_install", "-at_install")
class TestKpiOdooData(PerformanceCommon):
    """The KPIs shipped as data that read Odoo's own documents: each on
    documents built here, its value worked out by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Desk", "list_price": 100.0, "standard_price": 60.0}
        )

    def _kpi(self, name):
        return self.env.ref(f"sales_performance.kpi_{name}")

    def _values(self, kpi, level, owners, period=None):
        period = period or self.jan
        return kpi._get_values(
            period.date_start, period.date_end, level, owners.ids, self.env.company
        )[kpi.id]

    def _opportunities(self, specs):
        """Opportunities from ``(user, created, outcome, closed, revenue)``;
        outcome is ``won``, ``lost`` or ``open``. Creation dates are written
        in SQL (the ORM does not write them) and days to close recomputed,
        as the demo does."""
        Lead = self.env["crm.lead"]
        leads = Lead.create(
            [
                {
                    "name": f"Deal {index}",
                    "type": "opportunity",
                    "user_id": user.id,
                    "team_id": user.sale_team_id.id,
                    "expected_revenue": revenue,
                }
                for index, (user, _c, _o, _d, revenue) in enumerate(specs)
            ]
        )
        for lead, (_u, created, outcome, closed, _r) in zip(leads, specs, strict=True):
            if outcome == "won":
                lead.action_set_won()
            elif outcome == "lost":
                lead.action_set_lost()
            if closed:
                lead.date_closed = closed
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_lead SET create_date = %s WHERE id = %s",
                    created,
                    lead.id,
                )
            )
        leads.invalidate_recordset(["create_date"])
        self.env.add_to_compute(Lead._fields["day_close"], leads)
        leads.flush_recordset()
        return leads

    def _move(self, user, move_date, lines, partner=None, move_type="out_invoice"):
        """A posted customer invoice (or credit note) of ``(product, quantity,
        price[, uom])`` lines; a line without product is a plain service."""
        line_vals = []
        for product, quantity, price, *uom in lines:
            vals = {"name": "Line", "quantity": quantity, "price_unit": price}
            if product:
                vals["product_id"] = product.id
            if uom:
                vals["product_uom_id"] = uom[0].id
            line_vals.append(Command.create({**vals, "tax_ids": [Command.clear()]}))
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or self.customers[0]).id,
                "invoice_date": move_date,
                "invoice_user_id": user.id,
                "invoice_line_ids": line_vals,
            }
        )
        move.action_post()
        return move

    # ------------------------------------------------------------
    # Gross margin
    # ------------------------------------------------------------

    def test_gross_margin_is_revenue_less_product_cost(self):
        """Gross margin: product lines' untaxed amount less quantity × product cost."""
        dozen = self.env.ref("uom.product_uom_dozen")
        # 2 desks at 100 (cost 2 × 60): 200 - 120 = 80; a service line of 50
        # without product has no cost: 50. One dozen desks at 1,000 costs 12 ×
        # 60 = 720: 280.
        self._move(
            self.rep_1,
            JAN_15,
            [
                (self.product, 2, 100.0),
                (False, 1, 50.0),
                (self.product, 1, 1000.0, dozen),
            ],
        )
        # A credit note of one desk: -100 + 60 = -40.
        self._move(
            self.rep_1, JAN_15, [(self.product, 1, 100.0)], move_type="out_refund"
        )
        # Rep 2 sells one desk at 90: 90 - 60 = 30. February does not count.
        self._move(self.rep_2, date(2025, 1, 31), [(self.product, 1, 90.0)])
        self._move(self.rep_1, date(2025, 2, 1), [(self.product, 5, 100.0)])
        kpi = self._kpi("gross_margin")
        users = self._values(kpi, "user", self.rep_1 | self.rep_2 | self.rep_3)
        # Rep 1: 80 + 50 + 280 - 40 = 370.
        self.assertEqual(
            users, {self.rep_1.id: 370.0, self.rep_2.id: 30.0, self.rep_3.id: 0.0}
        )
        teams = self._values(kpi, "team", self.team_a | self.team_b)
        self.assertEqual(teams, {self.team_a.id: 400.0, self.team_b.id: 0.0})
        company = self._values(kpi, "company", self.env.company)
        self.assertEqual(company, {self.env.company.id: 400.0})

    def test_gross_margin_documents_are_the_invoice_lines(self):
        """Gross margin opens the product lines it was computed from."""
        invoice = self._move(
            self.rep_1, JAN_15, [(self.product, 2, 100.0), (False, 1, 50.0)]
        )
        self._move(self.rep_2, JAN_15, [(self.product, 1, 100.0)])
        action = self._kpi("gross_margin")._get_documents_action(
            self.jan.date_start,
            self.jan.date_end,
            "user",
            self.rep_1.id,
            self.env.company,
        )
        lines = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(lines, invoice.invoice_line_ids)

    # ------------------------------------------------------------
    # Customer retention
    # ------------------------------------------------------------

    def test_customer_retention_rate(self):
        """Retention: previous period's customers invoiced again, over them."""
        c0, c1, c2, c3, c4 = self.customers[:5]
        self._move(self.rep_1, DEC_10, [(False, 1, 100.0)], c0)
        self._move(self.rep_1, DEC_10, [(False, 1, 100.0)], c1)
        self._move(self.rep_1, DEC_10, [(False, 1, 100.0)], c2)
        self._move(self.rep_2, DEC_10, [(False, 1, 100.0)], c4)
        # January: rep 1 invoices c0 again and a new c3; c1 is invoiced by
        # rep 2, c2 only gets a credit note (not an invoice).
        self._move(self.rep_1, JAN_15, [(False, 1, 100.0)], c0)
        self._move(self.rep_1, JAN_15, [(False, 1, 100.0)], c3)
        self._move(self.rep_1, JAN_15, [(False, 1, 10.0)], c2, "out_refund")
        self._move(self.rep_2, JAN_15, [(False, 1, 100.0)], c1)
        self._move(self.rep_2, JAN_15, [(False, 1, 100.0)], c4)
        kpi = self._kpi("customer_retention")
        users = self._values(kpi, "user", self.rep_1 | self.rep_2 | self.rep_3)
        # Rep 1 kept c0 of c0, c1, c2: 1 / 3. Rep 2 kept c4 of c4: 100 %.
        self.assertAlmostEqual(users[self.rep_1.id], 100.0 / 3)
        self.assertEqual(users[self.rep_2.id], 100.0)
        self.assertEqual(users[self.rep_3.id], 0.0)
        # Team A had c0, c1, c2, c4 in December and invoiced c0, c1, c4
        # again in January: 3 / 4.
        teams = self._values(kpi, "team", self.team_a | self.team_b)
        self.assertEqual(teams, {self.team_a.id: 75.0, self.team_b.id: 0.0})
        company = self._values(kpi, "company", self.env.company)
        self.assertEqual(company, {self.env.company.id: 75.0})
        action = kpi._get_documents_action(
            self.jan.date_start,
            self.jan.date_end,
            "user",
            self.rep_1.id,
            self.env.company,
        )
        moves = self.env[action["res_model"]].search(action["domain"])
        # December's three invoices of rep 1 and January's of c0; c3 was not
        # a customer of December.
        self.assertEqual(len(moves), 4)
        self.assertEqual(moves.commercial_partner_id, c0 | c1 | c2)

    def test_customer_retention_of_a_quarter_reads_the_previous_quarter(self):
        """The period before a quarter is the previous quarter."""
        c0, c1 = self.customers[:2]
        self._move(self.rep_1, date(2024, 10, 1), [(False, 1, 100.0)], c0)
        self._move(self.rep_1, date(2024, 9, 30), [(False, 1, 100.0)], c1)
        self._move(self.rep_1, date(2025, 3, 31), [(False, 1, 100.0)], c0)
        self._move(self.rep_1, date(2025, 3, 31), [(False, 1, 100.0)], c1)
        values = self._values(
            self._kpi("customer_retention"), "user", self.rep_1, self.q1
        )
        # Q4 2024 had c0 only (c1 was invoiced in Q3): 1 / 1.
        self.assertEqual(values[self.rep_1.id], 100.0)

    # ------------------------------------------------------------
    # Opportunities: funnel, deal size, days to close
    # ------------------------------------------------------------

    def test_funnel_conversion_is_won_over_created(self):
        """Funnel conversion: opportunities created and won, over created."""
        jan_20 = datetime(2025, 1, 20, 12, 0)
        self._opportunities(
            [
                (self.rep_1, datetime(2025, 1, 2, 9, 0), "won", jan_20, 1000.0),
                (self.rep_1, datetime(2025, 1, 3, 9, 0), "won", None, 1000.0),
                (self.rep_1, datetime(2025, 1, 4, 9, 0), "lost", jan_20, 1000.0),
                (self.rep_1, datetime(2025, 1, 5, 9, 0), "open", None, 1000.0),
                # Created in December: not in January's funnel though won in it.
                (self.rep_1, datetime(2024, 12, 5, 9, 0), "won", jan_20, 1000.0),
                (self.rep_2, datetime(2025, 1, 6, 9, 0), "lost", jan_20, 1000.0),
            ]
        )
        values = self._values(
            self._kpi("funnel_conversion"), "user", self.rep_1 | self.rep_2
        )
        # Rep 1: 2 won of 4 created; rep 2: 0 of 1.
        self.assertEqual(values, {self.rep_1.id: 50.0, self.rep_2.id: 0.0})
        created = self._values(self._kpi("created_count"), "team", self.team_a)
        self.assertEqual(created[self.team_a.id], 5.0)

    def test_average_deal_size_and_days_to_close(self):
        """Average deal size and days to close average the won opportunities."""
        self._opportunities(
            [
                # 10 days from creation to closing, 1,000.
                (
                    self.rep_1,
                    datetime(2025, 1, 1, 10, 0),
                    "won",
                    datetime(2025, 1, 11, 10, 0),
                    1000.0,
                ),
                # 30 days, 3,000.
                (
                    self.rep_1,
                    datetime(2024, 12, 22, 10, 0),
                    "won",
                    datetime(2025, 1, 21, 10, 0),
                    3000.0,
                ),
                # Lost: neither a deal nor a close.
                (
                    self.rep_1,
                    datetime(2025, 1, 1, 10, 0),
                    "lost",
                    datetime(2025, 1, 2, 10, 0),
                    9000.0,
                ),
            ]
        )
        deal = self._values(self._kpi("average_deal_size"), "user", self.rep_1)
        days = self._values(self._kpi("days_to_close"), "user", self.rep_1)
        # (1,000 + 3,000) / 2 and (10 + 30) / 2.
        self.assertEqual(deal[self.rep_1.id], 2000.0)
        self.assertEqual(days[self.rep_1.id], 20.0)

    def test_days_to_close_is_better_lower(self):
        """Days to close is better lower: beating a ceiling of 25 days by
        closing in 20 attains 25 / 20 = 125 %."""
        kpi = self._kpi("days_to_close")
        self.assertEqual(kpi.direction, "lower")
        self._opportunities(
            [
                (
                    self.rep_1,
                    datetime(2025, 1, 1, 10, 0),
                    "won",
                    datetime(2025, 1, 21, 10, 0),
                    1000.0,
                )
            ]
        )
        target = self._target(25.0, kpi=kpi, owner=self.rep_1)
        target.action_compute()
        self.assertEqual(target.actual, 20.0)
        self.assertEqual(target.attainment, 125.0)

    # ------------------------------------------------------------
    # Quotations and visits
    # ------------------------------------------------------------

    def test_quotations_sent_count_sent_and_confirmed(self):
        """Quotations sent: orders sent or confirmed, not drafts nor cancelled."""
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.customers[0].id,
                    "user_id": self.rep_1.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 1}
                        )
                    ],
                }
                for _index in range(4)
            ]
        )
        draft, sent, confirmed, cancelled = orders
        sent.action_quotation_sent()
        confirmed.action_confirm()
        cancelled.action_quotation_sent()
        cancelled._action_cancel()
        orders.date_order = datetime(2025, 1, 10, 9, 0)
        values = self._values(self._kpi("quotations_sent"), "user", self.rep_1)
        self.assertEqual(values[self.rep_1.id], 2.0)

    def test_visits_count_held_meetings_with_a_customer(self):
        """Visits: meetings held with a customer attendee, by organizer."""
        Event = self.env["calendar.event"].with_context(no_mail_to_attendees=True)
        customer = self.customers[0]

        def meeting(user, start, partners):
            return {
                "name": "Visit",
                "user_id": user.id,
                "start": start,
                "stop": start + timedelta(hours=1),
                "partner_ids": [Command.set(partners.ids)],
            }

        jan_10 = datetime(2025, 1, 10, 9, 0)
        Event.create(
            [
                meeting(self.rep_1, jan_10, self.rep_1.partner_id | customer),
                # Internal only: not a visit.
                meeting(self.rep_1, jan_10, (self.rep_1 | self.rep_2).partner_id),
                meeting(self.rep_1, datetime(2025, 2, 3, 9, 0), customer),
                meeting(self.rep_2, jan_10, customer),
            ]
        )
        kpi = self._kpi("visits")
        users = self._values(kpi, "user", self.rep_1 | self.rep_2 | self.rep_3)
        self.assertEqual(
            users, {self.rep_1.id: 1.0, self.rep_2.id: 1.0, self.rep_3.id: 0.0}
        )
        teams = self._values(kpi, "team", self.team_a)
        self.assertEqual(teams[self.team_a.id], 2.0)

    def test_visits_not_held_yet_do_not_count(self):
        """A meeting planned later in the period is not a visit yet."""
        tomorrow = datetime.combine(
            date.today() + timedelta(days=1), datetime.min.time()
        )
        self.env["calendar.event"].with_context(no_mail_to_attendees=True).create(
            {
                "name": "Visit",
                "user_id": self.rep_1.id,
                "start": tomorrow,
                "stop": tomorrow + timedelta(hours=1),
                "partner_ids": [Command.set(self.customers[0].ids)],
            }
        )
        kpi = self._kpi("visits")
        week = (date.today(), date.today() + timedelta(days=6))
        values = kpi._get_values(*week, "user", self.rep_1.ids, self.env.company)
        self.assertEqual(values[kpi.id][self.rep_1.id], 0.0)

    # ------------------------------------------------------------
    # Batch
    # ------------------------------------------------------------

    def test_new_kpis_cost_the_same_queries_whatever_the_number_of_reps(self):
        """Every new KPI reads all reps with a fixed number of queries."""
        reps = self.rep_1 | self.rep_2 | self.rep_3 | self.rep_4
        for rep in reps:
            self._move(rep, JAN_15, [(self.product, 1, 100.0)])
            self._move(rep, DEC_10, [(self.product, 1, 100.0)])
        kpis = (
            self._kpi("gross_margin")
            | self._kpi("customer_retention")
            | self._kpi("funnel_conversion")
            | self._kpi("quotations_sent")
            | self._kpi("average_deal_size")
            | self._kpi("days_to_close")
            | self._kpi("visits")
            | self._kpi("training_sessions")
        )
        many = reps | self.leader_a | self.leader_b | self.hr_officer | self.perf_admin
        owners = {"user": [], "team": (self.team_a | self.team_b).ids}

        def compute(users):
            return lambda: kpis._get_level_values(
                self.jan.date_start,
                self.jan.date_end,
                {**owners, "user": users.ids},
                self.env.company,
            )

        compute(self.rep_1)()
        few = self._count_queries(compute(self.rep_1))
        self.assertEqual(few, self._count_queries(compute(many)))
        values = compute(many)()
        self.assertEqual(values["user"][kpis[0].id][self.rep_4.id], 40.0)
        self.assertEqual(values["user"][kpis[1].id][self.rep_4.id], 100.0)
