from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon
from odoo.addons.sales_performance.tests.common import LEADER_GROUPS, REP_GROUPS


class IncentiveTourCommon(AccountTestInvoicingHttpCommon):
    """A rep with a posted invoice of today under a published 5 % plan, the
    statement of the current month submitted to the rep's team leader, and a
    second published plan the rep has not accepted yet. The screens open on
    the current period, so the dates are today's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += (
            cls.env.ref("sales_performance.group_performance_admin")
            | cls.env.ref("sales_performance_incentive.group_incentive_admin")
            | cls.env.ref("sales_team.group_sale_manager")
        )
        company = cls.env.company
        today = fields.Date.context_today(cls.env.user)

        def user(login, name, groups):
            return new_test_user(
                cls.env,
                login=login,
                name=name,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        cls.leader = user("inc_tour_leader", "Tour Leader", LEADER_GROUPS)
        cls.rep = user("inc_tour_rep", "Tour Rep", REP_GROUPS)
        cls.env["crm.team"].create(
            {
                "name": "Tour Team",
                "user_id": cls.leader.id,
                "company_id": company.id,
                "member_ids": [Command.set(cls.rep.ids)],
            }
        )

        Period = cls.env["performance.period"]
        last_month = int(company.fiscalyear_last_month or 12)
        year = Period.generate_fiscal_year(
            today.year if today.month <= last_month else today.year + 1, company
        )
        cls.month = year.child_ids.child_ids.filtered(
            lambda month: month.date_start <= today <= month.date_end
        )

        Plan = cls.env["incentive.plan"]
        cls.plan, cls.new_plan = Plan.create(
            [
                {
                    "name": name,
                    "company_id": company.id,
                    "date_start": year.date_start,
                    "date_end": year.date_end,
                    "rule_ids": [
                        Command.create(
                            {"name": rule, "kind": "percentage", "rate": rate}
                        )
                    ],
                    "assignment_ids": [Command.create({"user_id": cls.rep.id})],
                }
                for name, rule, rate in [
                    ("Tour Plan", "Revenue Commission", 5.0),
                    ("Tour Spring Plan", "Spring Commission", 1.0),
                ]
            ]
        )
        (cls.plan | cls.new_plan).action_publish()
        cls.plan.assignment_ids.with_user(cls.rep).action_accept()

        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.partner_a.id,
                "invoice_date": today,
                "invoice_user_id": cls.rep.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Consulting",
                            "quantity": 1,
                            "price_unit": 1000.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()

        cls.statement = cls.plan.generate_statements(cls.month)
        # As an incentive administrator: the leader gets the approval activity.
        cls.statement.action_submit()


@tagged("post_install", "-at_install")
class TestIncentiveRepTourPhone(IncentiveTourCommon):
    browser_size = "375x667"
    touch_enabled = True

    def test_rep_disputes_and_accepts_on_phone(self):
        """On a phone, a rep sees this period's earnings and statement,
        disputes a line of it and accepts the plan waiting for them."""
        self.assertEqual(self.statement.amount_total, 50.0)
        self.start_tour(
            "/odoo/action-sales_performance.action_my_performance",
            "sales_performance_incentive_rep_phone",
            login="inc_tour_rep",
        )
        dispute = self.statement.dispute_ids
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.user_id, self.rep)
        self.assertEqual(dispute.state, "open")
        self.assertIn("invoice of Acme", dispute.reason)
        self.assertEqual(dispute.activity_ids.user_id, self.leader)
        self.assertEqual(self.new_plan.assignment_ids.state, "accepted")
        self.assertEqual(self.new_plan.assignment_ids.accepted_by_id, self.rep)


@tagged("post_install", "-at_install")
class TestIncentiveLeaderTour(IncentiveTourCommon):
    def test_leader_approves_from_activity(self):
        """The team leader opens the approval activity and approves."""
        self.assertEqual(self.statement.activity_ids.user_id, self.leader)
        self.start_tour(
            "/odoo",
            "sales_performance_incentive_leader_approves",
            login="inc_tour_leader",
        )
        self.assertEqual(self.statement.state, "approved")
        self.assertEqual(self.statement.approved_by_id, self.leader)
        self.assertFalse(
            self.statement.activity_ids.filtered(
                lambda activity: activity.user_id == self.leader
            )
        )

    def test_leader_finds_team_statements(self):
        """The team leader finds the team's statements, waiting on them first."""
        self.start_tour(
            "/odoo/action-sales_performance_incentive.action_incentive_statement",
            "sales_performance_incentive_leader_team",
            login="inc_tour_leader",
        )


@tagged("post_install", "-at_install")
class TestIncentiveLeaderTourPhone(IncentiveTourCommon):
    browser_size = "375x667"
    touch_enabled = True

    def test_leader_approves_from_activity_on_phone(self):
        """On a phone, the leader approves with the button in the sheet, not
        from the cog menu."""
        self.start_tour(
            "/odoo",
            "sales_performance_incentive_leader_approves_phone",
            login="inc_tour_leader",
        )
        self.assertEqual(self.statement.state, "approved")
        self.assertEqual(self.statement.approved_by_id, self.leader)
