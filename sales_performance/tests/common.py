from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

REP_GROUPS = "sales_team.group_sale_salesman,sales_performance.group_performance_user"
LEADER_GROUPS = (
    "sales_team.group_sale_salesman_all_leads,"
    "sales_performance.group_performance_manager"
)
HR_GROUPS = "base.group_user,sales_performance.group_performance_hr"
ADMIN_GROUPS = "base.group_user,sales_performance.group_performance_admin"


class PerformanceCommon(AccountTestInvoicingCommon):
    """A company with a 2025 fiscal year, two sales teams, their leaders and
    reps, an HR officer and a performance administrator. No demo data is
    used; every document is created here or in the test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref(
            "sales_performance.group_performance_admin"
        )
        cls.env.user.groups_id += cls.env.ref("sales_team.group_sale_manager")
        company = cls.env.company
        cls.Target = cls.env["performance.target"]
        cls.Period = cls.env["performance.period"]
        cls.Kpi = cls.env["performance.kpi"]

        cls.year = cls.Period.generate_fiscal_year(2025, company)
        cls.quarters = cls.year.child_ids.sorted("date_start")
        cls.months = cls.quarters.child_ids.sorted("date_start")
        cls.q1 = cls.quarters[0]
        cls.jan, cls.feb, cls.mar = cls.months[:3]

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                name=login.replace("_", " ").title(),
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        cls.leader_a = user("leader_a", LEADER_GROUPS)
        cls.leader_b = user("leader_b", LEADER_GROUPS)
        cls.rep_1 = user("rep_1", REP_GROUPS)
        cls.rep_2 = user("rep_2", REP_GROUPS)
        cls.rep_3 = user("rep_3", REP_GROUPS)
        cls.rep_4 = user("rep_4", REP_GROUPS)
        cls.hr_officer = user("hr_officer", HR_GROUPS)
        cls.perf_admin = user("perf_admin", ADMIN_GROUPS)

        Team = cls.env["crm.team"]
        cls.team_a = Team.create(
            {
                "name": "Team A",
                "user_id": cls.leader_a.id,
                "company_id": company.id,
                "member_ids": [Command.set((cls.rep_1 | cls.rep_2).ids)],
            }
        )
        cls.team_b = Team.create(
            {
                "name": "Team B",
                "user_id": cls.leader_b.id,
                "company_id": company.id,
                "member_ids": [Command.set((cls.rep_3 | cls.rep_4).ids)],
            }
        )
        cls.kpi_revenue = cls.env.ref("sales_performance.kpi_invoiced_revenue")
        cls.kpi_won = cls.env.ref("sales_performance.kpi_won_count")
        cls.kpi_win_rate = cls.env.ref("sales_performance.kpi_win_rate")
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Customer {index}", "is_company": True} for index in range(6)]
        )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @classmethod
    def _invoices(cls, specs, post=True):
        """Create customer invoices from ``(user, amount, date[, partner[, type]])``."""
        vals_list = []
        for spec in specs:
            user, amount, invoice_date = spec[:3]
            partner = spec[3] if len(spec) > 3 else cls.customers[0]
            move_type = spec[4] if len(spec) > 4 else "out_invoice"
            vals_list.append(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_user_id": user.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        moves = cls.env["account.move"].create(vals_list)
        if post:
            moves.action_post()
        return moves

    @classmethod
    def _target(cls, value, kpi=None, period=None, owner=None, **vals):
        """A target for a company, a team or a user (given as ``owner``)."""
        return cls.env["performance.target"].create(
            cls._target_vals(value, kpi=kpi, period=period, owner=owner, **vals)
        )

    @classmethod
    def _target_vals(cls, value, kpi=None, period=None, owner=None, **vals):
        """Values of :meth:`_target`, not saved."""
        owner = owner or cls.env.company
        owner_type = {
            "res.company": "company",
            "crm.team": "team",
            "res.users": "user",
        }[owner._name]
        vals = {
            "kpi_id": (kpi or cls.kpi_revenue).id,
            "period_id": (period or cls.jan).id,
            "owner_type": owner_type,
            "target_value": value,
            **vals,
        }
        if owner_type == "team":
            vals["team_id"] = owner.id
        elif owner_type == "user":
            vals["user_id"] = owner.id
        return vals

    @classmethod
    def _reps(cls, count, name):
        """``count`` salespeople with the groups of ``rep_1``, made in one
        create (a large team, thousands of targets)."""
        return cls.env["res.users"].create(
            [
                {
                    "name": f"{name} {index}",
                    "login": f"{name.lower().replace(' ', '_')}_{index}",
                    "groups_id": [Command.set(cls.rep_1.groups_id.ids)],
                }
                for index in range(count)
            ]
        )

    def _count_queries(self, function):
        """Number of SQL queries ``function`` runs from a cold cache."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.cr.sql_log_count - before


JAN_15 = date(2025, 1, 15)
