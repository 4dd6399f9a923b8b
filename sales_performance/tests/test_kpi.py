from datetime import date, datetime

from odoo import Command
from odoo.tests import tagged

from .common import JAN_15, PerformanceCommon


@tagged("post_install", "-at_install")
class TestKpiValues(PerformanceCommon):
    def _values(self, kpi, period, level, owners):
        return kpi._get_values(
            period.date_start, period.date_end, level, owners.ids, self.env.company
        )[kpi.id]

    def test_revenue_counts_posted_invoices_minus_refunds(self):
        """Invoiced revenue: posted invoices minus credit notes, by invoice date."""
        self._invoices(
            [
                (self.rep_1, 1000.0, JAN_15),
                (self.rep_1, 250.0, date(2025, 1, 31)),
                (self.rep_1, 100.0, JAN_15, self.customers[0], "out_refund"),
                (self.rep_1, 5000.0, date(2025, 2, 1)),
                (self.rep_2, 700.0, JAN_15),
            ]
        )
        self._invoices([(self.rep_1, 9999.0, JAN_15)], post=False)
        values = self._values(
            self.kpi_revenue, self.jan, "user", self.rep_1 | self.rep_2 | self.rep_3
        )
        self.assertEqual(
            values, {self.rep_1.id: 1150.0, self.rep_2.id: 700.0, self.rep_3.id: 0.0}
        )

    def test_revenue_ignores_other_companies(self):
        """A KPI value only counts documents of the company it is computed for."""
        self._invoices([(self.rep_1, 1000.0, JAN_15)])
        other = self.setup_other_company()["company"]
        self.rep_1.company_ids += other
        self.env["account.move"].with_company(other).create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customers[0].id,
                "invoice_date": JAN_15,
                "invoice_user_id": self.rep_1.id,
                "invoice_line_ids": [
                    Command.create({"name": "x", "price_unit": 400.0, "tax_ids": []})
                ],
            }
        ).action_post()
        values = self._values(self.kpi_revenue, self.jan, "user", self.rep_1)
        self.assertEqual(values[self.rep_1.id], 1000.0)

    def test_team_and_company_levels(self):
        """Team values group by the document's team; the company's is the total."""
        invoices = self._invoices(
            [
                (self.rep_1, 1000.0, JAN_15),
                (self.rep_2, 500.0, JAN_15),
                (self.rep_3, 300.0, JAN_15),
            ]
        )
        self.assertEqual(invoices.mapped("team_id"), self.team_a | self.team_b)
        teams = self._values(
            self.kpi_revenue, self.jan, "team", self.team_a | self.team_b
        )
        self.assertEqual(teams, {self.team_a.id: 1500.0, self.team_b.id: 300.0})
        company = self._values(self.kpi_revenue, self.jan, "company", self.env.company)
        self.assertEqual(company, {self.env.company.id: 1800.0})

    def test_levels_read_together_equal_each_level_alone(self):
        """Company, team and salesperson values read together equal each level
        read alone, distinct counts included (a customer of two reps of one
        team is one new customer of the team)."""
        self._invoices(
            [
                (self.rep_1, 1000.0, JAN_15, self.customers[0]),
                (self.rep_2, 500.0, JAN_15, self.customers[0]),
                (self.rep_2, 250.0, JAN_15, self.customers[1]),
                (self.rep_3, 300.0, JAN_15, self.customers[2]),
                (self.rep_4, 70.0, JAN_15, self.customers[3]),
                (self.rep_3, 40.0, JAN_15, self.customers[2], "out_refund"),
            ]
        )
        kpis = (
            self.kpi_revenue
            | self.env.ref("sales_performance.kpi_new_customers")
            | self.env.ref("sales_performance.kpi_collection_rate")
        )
        owners = {
            "user": (self.rep_1 | self.rep_2 | self.rep_3 | self.rep_4).ids,
            "team": (self.team_a | self.team_b).ids,
            "company": self.env.company.ids,
        }
        period = (self.jan.date_start, self.jan.date_end)
        together = kpis._get_level_values(*period, owners, self.env.company)
        for level, owner_ids in owners.items():
            alone = kpis._get_values(*period, level, owner_ids, self.env.company)
            self.assertEqual(together[level], alone, level)
        revenue = {level: together[level][self.kpi_revenue.id] for level in owners}
        self.assertEqual(
            revenue["user"],
            {
                self.rep_1.id: 1000.0,
                self.rep_2.id: 750.0,
                self.rep_3.id: 260.0,
                self.rep_4.id: 70.0,
            },
        )
        self.assertEqual(revenue["company"], {self.env.company.id: 2080.0})
        new = {
            level: together[level][
                self.env.ref("sales_performance.kpi_new_customers").id
            ]
            for level in owners
        }
        self.assertEqual(new["user"][self.rep_2.id], 1.0)
        self.assertEqual(new["team"], {self.team_a.id: 2.0, self.team_b.id: 2.0})
        self.assertEqual(new["company"], {self.env.company.id: 4.0})

    def test_levels_read_together_cost_one_query_per_source(self):
        """Three levels of a KPI cost one grouped query, as one level does."""
        self._invoices([(self.rep_1, 100.0, JAN_15), (self.rep_3, 100.0, JAN_15)])
        period = (self.jan.date_start, self.jan.date_end)
        owners = {
            "user": (self.rep_1 | self.rep_3).ids,
            "team": (self.team_a | self.team_b).ids,
            "company": self.env.company.ids,
        }
        self.kpi_revenue._get_level_values(*period, owners, self.env.company)
        warm = self.cr.sql_log_count
        self.kpi_revenue._get_level_values(*period, owners, self.env.company)
        together = self.cr.sql_log_count - warm
        warm = self.cr.sql_log_count
        self.kpi_revenue._get_values(*period, "user", owners["user"], self.env.company)
        self.assertEqual(together, self.cr.sql_log_count - warm)
        # One grouped query, and the JIT compiler turned off then back on.
        self.assertEqual(together, 1 + 2)

    def _done_calls(self, counts):
        """Each (user, count): that many calls on a customer, marked done by
        the user."""
        for user, count in counts:
            activities = self.env["mail.activity"].create(
                [
                    {
                        "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                        "res_id": self.customers[0].id,
                        "activity_type_id": self.env.ref(
                            "mail.mail_activity_data_call"
                        ).id,
                        "user_id": user.id,
                        "summary": f"Call {index}",
                    }
                    for index in range(count)
                ]
            )
            activities.with_user(user).action_done()

    def test_levels_without_columns_read_on_their_own(self):
        """A KPI without team field nor company (activities done) reads its
        team and company values its own way next to the salespeople's."""
        kpi = self.env.ref("sales_performance.kpi_activities_done")
        today = date.today()
        owners = {
            "user": (self.rep_1 | self.rep_3).ids,
            "team": (self.team_a | self.team_b).ids,
            "company": self.env.company.ids,
        }
        # The company counts everyone's activities, demo ones included.
        before = kpi._get_level_values(today, today, owners, self.env.company)
        self._done_calls(((self.rep_1, 2), (self.rep_3, 1)))
        values = kpi._get_level_values(today, today, owners, self.env.company)
        self.assertEqual(
            values["user"][kpi.id], {self.rep_1.id: 2.0, self.rep_3.id: 1.0}
        )
        self.assertEqual(
            values["team"][kpi.id], {self.team_a.id: 2.0, self.team_b.id: 1.0}
        )
        company = self.env.company.id
        self.assertEqual(
            values["company"][kpi.id][company] - before["company"][kpi.id][company],
            3.0,
        )

    def test_team_level_without_team_field_sums_members(self):
        """A KPI without a team field gives a team the sum of its members' values."""
        kpi = self.env.ref("sales_performance.kpi_activities_done")
        self._done_calls(((self.rep_1, 2), (self.rep_2, 1), (self.rep_3, 4)))
        today = date.today()
        values = kpi._get_values(
            today, today, "team", [self.team_a.id, self.team_b.id], self.env.company
        )
        self.assertEqual(values[kpi.id], {self.team_a.id: 3.0, self.team_b.id: 4.0})

    def test_won_opportunities_count_revenue_and_win_rate(self):
        """Won count and revenue by closing date; win rate is won / (won + lost)."""
        Lead = self.env["crm.lead"]
        leads = Lead.create(
            [
                {
                    "name": f"Deal {index}",
                    "type": "opportunity",
                    "user_id": self.rep_1.id,
                    "team_id": self.team_a.id,
                    "expected_revenue": 1000.0 * (index + 1),
                }
                for index in range(4)
            ]
        )
        leads[:3].action_set_won()
        leads[3].action_set_lost()
        leads.with_context(active_test=False).write(
            {"date_closed": datetime(2025, 1, 20, 10, 0)}
        )
        won = self._values(self.kpi_won, self.jan, "user", self.rep_1)
        revenue = self._values(
            self.env.ref("sales_performance.kpi_won_revenue"),
            self.jan,
            "user",
            self.rep_1,
        )
        rate = self._values(
            self.kpi_win_rate, self.jan, "user", self.rep_1 | self.rep_2
        )
        self.assertEqual(won[self.rep_1.id], 3.0)
        self.assertEqual(revenue[self.rep_1.id], 6000.0)
        self.assertEqual(rate, {self.rep_1.id: 75.0, self.rep_2.id: 0.0})

    def test_new_customers_count_first_invoice_only(self):
        """A new customer is one whose first posted invoice falls in the period."""
        old, new_1, new_2 = self.customers[:3]
        self._invoices(
            [
                (self.rep_1, 100.0, date(2024, 12, 20), old),
                (self.rep_1, 100.0, JAN_15, old),
                (self.rep_1, 100.0, JAN_15, new_1),
                (self.rep_1, 100.0, date(2025, 1, 20), new_1),
                (self.rep_2, 100.0, date(2025, 1, 22), new_2),
                (self.rep_2, 100.0, date(2025, 2, 2), self.customers[3]),
            ]
        )
        kpi = self.env.ref("sales_performance.kpi_new_customers")
        values = self._values(kpi, self.jan, "user", self.rep_1 | self.rep_2)
        self.assertEqual(values, {self.rep_1.id: 1.0, self.rep_2.id: 1.0})

    def test_collection_rate_is_paid_over_invoiced(self):
        """Collection rate: paid part of the period's invoices over their total."""
        invoices = self._invoices(
            [(self.rep_1, 1000.0, JAN_15), (self.rep_1, 3000.0, JAN_15)]
        )
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices[0].ids
        ).create(
            {"amount": 1000.0, "payment_date": date(2025, 2, 10)}
        )._create_payments()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices[1].ids
        ).create(
            {"amount": 1000.0, "payment_date": date(2025, 2, 10)}
        )._create_payments()
        kpi = self.env.ref("sales_performance.kpi_collection_rate")
        values = self._values(kpi, self.jan, "user", self.rep_1)
        self.assertEqual(values[self.rep_1.id], 50.0)

    def test_credit_note_is_not_collection(self):
        """An invoice settled by a credit note counts as invoiced, not as collected."""
        invoices = self._invoices(
            [(self.rep_1, 1000.0, JAN_15), (self.rep_1, 1000.0, JAN_15)]
        )
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoices[0].ids)
            .create({"journal_id": invoices[0].journal_id.id, "date": date(2025, 2, 3)})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.action_post()  # posting a reversal reconciles it with its invoice
        self.assertFalse(invoices[0].amount_residual, "the credit note settles it")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices[1].ids
        ).create(
            {"amount": 500.0, "payment_date": date(2025, 2, 10)}
        )._create_payments()
        collected = self.env.ref("sales_performance.kpi_collected")
        values = self._values(collected, self.jan, "user", self.rep_1)
        self.assertEqual(values[self.rep_1.id], 500.0)

    def test_confirmed_order_amount(self):
        """Confirmed order amount: untaxed amount of confirmed orders by order date."""
        product = self.env["product.product"].create(
            {"name": "Consulting", "list_price": 100.0}
        )
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.customers[0].id,
                    "user_id": self.rep_1.id,
                    "date_order": datetime(2025, 1, 10, 9, 0),
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "price_unit": 100.0,
                                "tax_id": [],
                            }
                        )
                    ],
                }
                for qty in (3, 5)
            ]
        )
        orders[0].action_confirm()
        orders[0].date_order = datetime(2025, 1, 10, 9, 0)
        kpi = self.env.ref("sales_performance.kpi_order_amount")
        values = self._values(kpi, self.jan, "user", self.rep_1)
        self.assertEqual(values[self.rep_1.id], 300.0)

    def test_values_cost_one_query_whatever_the_number_of_users(self):
        """A source KPI reads all users' values with one grouped query."""
        reps = self.rep_1 | self.rep_2 | self.rep_3 | self.rep_4
        self._invoices([(rep, 100.0, JAN_15) for rep in reps])
        many_users = (
            reps | self.leader_a | self.leader_b | self.hr_officer | self.perf_admin
        )
        kpis = self.kpi_revenue | self.kpi_win_rate

        def compute(users):
            return lambda: kpis._get_values(
                self.jan.date_start,
                self.jan.date_end,
                "user",
                users.ids,
                self.env.company,
            )

        compute(self.rep_1)()
        few = self._count_queries(compute(self.rep_1))
        many = self._count_queries(compute(many_users))
        self.assertEqual(few, many)
        # Revenue, and the two operands of the win rate: one read each, and
        # PostgreSQL's JIT compiler turned off then back on around them.
        warm = self.cr.sql_log_count
        compute(many_users)()
        self.assertEqual(self.cr.sql_log_count - warm, 3 + 2)
