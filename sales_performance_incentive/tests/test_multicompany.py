import base64
import io
from datetime import date

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_performance.tests.common import LEADER_GROUPS, REP_GROUPS

from .common import IncentiveCommon
from .multicompany_fixtures import (
    COMPANY_PATHS,
    NOTHING_OWNED,
    post_invoices,
    target_rounds,
    weekly_records,
)

SUITE_MODULES = ("sales_performance", "sales_performance_incentive")
INCENTIVE_ADMIN_GROUPS = (
    "base.group_user,sales_performance_incentive.group_incentive_admin"
)


@tagged("post_install", "-at_install")
class TestMultiCompany(IncentiveCommon):
    """Companies A and B, and a rep, a team leader, an HR officer and an
    incentive administrator allowed in both: every record of the suite is seen
    in a company only while that company is active, whatever the read path."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        both = cls.company_a | cls.company_b
        cls.env.user.company_ids |= both
        cls.year_b = cls.Period.generate_fiscal_year(2025, cls.company_b)
        cls.jan_b, cls.feb_b = cls.year_b.child_ids.child_ids.sorted("date_start")[:2]

        def user(login, groups, companies):
            return new_test_user(
                cls.env,
                login=login,
                name=login.replace("_", " ").title(),
                groups=groups,
                company_id=companies[0].id,
                company_ids=[Command.set(companies.ids)],
            )

        # Ann sells for both companies, in no team.
        cls.ann = user("ann", REP_GROUPS, both)
        cls.finance = user("finance", INCENTIVE_ADMIN_GROUPS, both)
        cls.rep_b1 = user("rep_b1", REP_GROUPS, cls.company_b)
        cls.rep_b2 = user("rep_b2", REP_GROUPS, cls.company_b)
        cls.leader_b2 = user("leader_b2", LEADER_GROUPS, cls.company_b)
        (cls.leader_a | cls.hr_officer).company_ids |= cls.company_b
        # Leader A leads Team A in A and Team B1 in B; Team B2 is not theirs.
        Team = cls.env["crm.team"]
        cls.team_b1, cls.team_b2 = Team.create(
            [
                {
                    "name": name,
                    "user_id": leader.id,
                    "company_id": cls.company_b.id,
                    "member_ids": [Command.set(member.ids)],
                }
                for name, leader, member in [
                    ("Team B1", cls.leader_a, cls.rep_b1),
                    ("Team B2", cls.leader_b2, cls.rep_b2),
                ]
            ]
        )
        cls.users_a = cls.ann | cls.rep_1
        cls.users_b = cls.ann | cls.rep_b1 | cls.rep_b2
        cls.companies = {cls.company_a: cls.users_a, cls.company_b: cls.users_b}
        cls.first_months = {cls.company_a: cls.jan, cls.company_b: cls.jan_b}

        # Configuration per company
        cls.kpis = cls.Kpi.create(
            [
                {
                    "name": f"Visits {company.name}",
                    "code": f"VISITS_{index}",
                    "kind": "manual",
                    "unit": "number",
                    "company_id": company.id,
                }
                for index, company in enumerate(both)
            ]
        )
        cls.templates = cls.env["performance.scorecard.template"].create(
            [
                {
                    "name": f"Field Sales {company.name}",
                    "company_id": company.id,
                    "user_ids": [Command.set(users.ids)],
                    "line_ids": [
                        Command.create(
                            {"kpi_id": kpi.id, "weight": 100, "default_target": 10}
                        )
                    ],
                    "band_ids": [
                        Command.create({"name": "A", "min_score": 0, "max_score": 150})
                    ],
                }
                for (company, users), kpi in zip(
                    cls.companies.items(), cls.kpis, strict=True
                )
            ]
        )
        cls.anomaly_rules = cls.env["performance.anomaly.rule"].create(
            [
                {"name": f"Large {company.name}", "code": "large_document"}
                | {"company_id": company.id}
                for company in both
            ]
        )

        # Targets: Ann's are ten times larger in B, so that counting B's in A
        # shows in the pay.
        cls.Target.create(
            [
                {
                    "kpi_id": cls.kpi_revenue.id,
                    "period_id": period.id,
                    "company_id": period.company_id.id,
                    "owner_type": "user",
                    "user_id": user.id,
                    "target_value": value,
                }
                for user, period, value in [
                    (cls.ann, cls.jan, 1000.0),
                    (cls.ann, cls.feb, 1000.0),
                    (cls.rep_1, cls.jan, 2000.0),
                    (cls.ann, cls.jan_b, 10_000.0),
                    (cls.ann, cls.feb_b, 10_000.0),
                    (cls.rep_b1, cls.jan_b, 4000.0),
                    (cls.rep_b2, cls.jan_b, 5000.0),
                ]
            ]
        )
        for template, period in zip(
            cls.templates, cls.first_months.values(), strict=True
        ):
            template.generate_scorecards(period)
        cls.env["performance.anomaly"].create(
            [
                {
                    "rule_id": rule.id,
                    "key": f"test-{user.id}",
                    "user_id": user.id,
                    "company_id": company.id,
                    "date": date(2025, 1, 10),
                    "description": "Far above the usual size",
                }
                for rule, (company, users) in zip(
                    cls.anomaly_rules, cls.companies.items(), strict=True
                )
                for user in users
            ]
        )

        # Invoices, plans, statements, disputes
        post_invoices(cls, cls.company_a, [(cls.ann, 1000.0), (cls.rep_1, 2000.0)])
        post_invoices(
            cls,
            cls.company_b,
            [(cls.ann, 3000.0), (cls.rep_b1, 4000.0), (cls.rep_b2, 5000.0)],
        )
        rule = {
            "kind": "tiered",
            "tier_basis": "attainment",
            "kpi_id": cls.kpi_revenue.id,
            "cumulative": True,
            "tiers": [(0, 100, 5), (100, None, 10)],
        }
        cls.plan_a = cls._plan(
            [rule], users=cls.users_a, name="Plan Alpha", company_id=cls.company_a.id
        )
        cls.plan_b = cls._plan(
            [rule], users=cls.users_b, name="Plan Bravo", company_id=cls.company_b.id
        )
        statements = cls.plan_a.generate_statements(cls.jan)
        statements |= cls.plan_b.generate_statements(cls.jan_b)
        cls.Dispute = cls.env["incentive.dispute"]
        statements.action_submit()
        for statement in statements:
            cls.Dispute.with_user(statement.user_id).create(
                {"line_id": statement.line_ids[0].id, "reason": "An invoice is missing"}
            )
        to_pay = statements.filtered(lambda st: st.user_id != cls.ann)
        to_pay.action_approve()
        to_pay.action_validate()

        cls.viewers = {
            "rep": cls.ann,
            "leader": cls.leader_a,
            "hr": cls.hr_officer,
            "incentive_admin": cls.finance,
        }
        # Exporting is a right of its own since 17.0.
        cls.env.ref("base.group_allow_export").users |= cls.ann.browse(
            [user.id for user in cls.viewers.values()]
        )
        everyone = cls.users_a | cls.users_b
        plans = cls.plan_a | cls.plan_b
        rounds = target_rounds(cls)
        week_plans, kpi_values = weekly_records(cls)
        scopes = {
            "incentive.cost.report": [("plan_id", "in", plans.ids)],
            "incentive.credit": [("user_id", "in", everyone.ids)],
            "incentive.dispute": [("statement_id.plan_id", "in", plans.ids)],
            "incentive.plan": [("id", "in", plans.ids)],
            "incentive.plan.assignment": [("plan_id", "in", plans.ids)],
            "incentive.plan.rule": [("plan_id", "in", plans.ids)],
            "incentive.plan.tier": [("rule_id.plan_id", "in", plans.ids)],
            "incentive.statement": [("plan_id", "in", plans.ids)],
            "incentive.statement.line": [("statement_id.plan_id", "in", plans.ids)],
            "performance.anomaly": [("rule_id", "in", cls.anomaly_rules.ids)],
            "performance.anomaly.rule": [("id", "in", cls.anomaly_rules.ids)],
            "performance.calibration.report": [
                ("template_id", "in", cls.templates.ids)
            ],
            "performance.invoice.report": [("user_id", "in", everyone.ids)],
            "performance.kpi": [("id", "in", cls.kpis.ids)],
            "performance.period": [
                ("id", "in", (cls.jan | cls.feb | cls.jan_b | cls.feb_b).ids)
            ],
            "performance.scorecard": [("template_id", "in", cls.templates.ids)],
            "performance.scorecard.line": [
                ("scorecard_id.template_id", "in", cls.templates.ids)
            ],
            "performance.scorecard.template": [("id", "in", cls.templates.ids)],
            "performance.target": [("user_id", "in", everyone.ids)],
            "performance.target.analysis": [("user_id", "in", everyone.ids)],
            "performance.target.proposal": [("round_id", "in", rounds.ids)],
            "performance.target.round": [("id", "in", rounds.ids)],
            "performance.kpi.value": [("id", "in", kpi_values.ids)],
            "performance.week.plan": [("id", "in", week_plans.ids)],
            "performance.week.plan.line": [("plan_id", "in", week_plans.ids)],
        }
        # The records of this test, found as the superuser.
        cls.fixtures = {
            model: cls.env[model].search(domain) for model, domain in scopes.items()
        }

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _as(self, role, companies):
        """The environment of ``role`` with ``companies`` active."""
        return self.env(
            user=self.viewers[role], context={"allowed_company_ids": companies.ids}
        )

    def _company_of(self, records, model):
        return records.sudo().mapped(COMPANY_PATHS[model])

    def _readable(self, role, model):
        return (role, model) not in NOTHING_OWNED and self.env[model].with_user(
            self.viewers[role]
        ).has_access("read")

    def _seen(self, role, model, companies):
        ids = self.fixtures[model].ids
        return self._as(role, companies)[model].search([("id", "in", ids)])

    @staticmethod
    def _workbook_text(wizard):
        """Every cell of the wizard's workbook, as text."""
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file)))
        return {
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        }

    # ------------------------------------------------------------
    # Record rules, read paths
    # ------------------------------------------------------------

    def test_every_company_model_is_in_the_table(self):
        """A new model of the suite that carries a company cannot be forgotten."""
        models = {
            name
            for name, model in self.env.registry.items()
            if name.startswith(("performance.", "incentive."))
            and model._module in SUITE_MODULES
            and not model._abstract
            and not model._transient
            and "company_id" in model._fields
        }
        self.assertEqual(sorted(models - set(COMPANY_PATHS)), [])
        for model in COMPANY_PATHS:
            with self.subTest(model=model):
                companies = self._company_of(self.fixtures[model], model)
                self.assertEqual(companies, self.company_a | self.company_b)

    def test_search_sees_the_active_companies_only(self):
        """Search: with A active a user sees A's records, with B B's, with
        both the two, for every role and every model."""
        a, b = self.company_a, self.company_b
        for role in self.viewers:
            for model in COMPANY_PATHS:
                if not self._readable(role, model):
                    continue
                with self.subTest(role=role, model=model):
                    seen_a = self._seen(role, model, a)
                    seen_b = self._seen(role, model, b)
                    seen_ab = self._seen(role, model, a | b)
                    self.assertEqual(self._company_of(seen_a, model), a)
                    self.assertEqual(self._company_of(seen_b, model), b)
                    self.assertEqual(seen_ab, seen_a | seen_b)

    def test_read_group_counts_the_active_companies_only(self):
        """Grouped reads (pivots, graphs, counters) count what search shows."""
        a, b = self.company_a, self.company_b
        for role in self.viewers:
            for model in COMPANY_PATHS:
                if not self._readable(role, model):
                    continue
                for companies in (a, b, a | b):
                    with self.subTest(role=role, model=model, companies=companies.ids):
                        Model = self._as(role, companies)[model]
                        domain = [("id", "in", self.fixtures[model].ids)]
                        seen = Model.search(domain)
                        [(count,)] = Model._read_group(domain, [], ["__count"])
                        self.assertEqual(count, len(seen))
                        if COMPANY_PATHS[model] != "company_id":
                            continue
                        groups = Model.read_group(
                            domain, ["company_id"], ["company_id"]
                        )
                        self.assertEqual(
                            {
                                group["company_id"][0]: group["company_id_count"]
                                for group in groups
                            },
                            {
                                company.id: len(
                                    seen.filtered_domain(
                                        [("company_id", "=", company.id)]
                                    )
                                )
                                for company in self._company_of(seen, model)
                            },
                        )

    def test_export_sees_the_active_companies_only(self):
        """Export: rows of the active companies only; exporting a record of
        an inactive company is refused."""
        a, b = self.company_a, self.company_b
        for role in self.viewers:
            for model in COMPANY_PATHS:
                if not self._readable(role, model):
                    continue
                path = COMPANY_PATHS[model].replace(".", "/")
                with self.subTest(role=role, model=model):
                    rows = self._seen(role, model, a).export_data([path])["datas"]
                    self.assertEqual({row[0] for row in rows}, {a.name})
                    other = self._seen(role, model, b)[:1]
                    with self.assertRaises(AccessError):
                        other.with_env(self._as(role, a)).export_data(["id", path])

    def test_leader_sees_teams_led_in_each_active_company(self):
        """A leader of teams in A and in B sees each team's people while its
        company is active, never a team of B they do not lead."""
        a, b = self.company_a, self.company_b
        members = {a: self.rep_1, b: self.rep_b1}
        for model in (
            "performance.target",
            "performance.scorecard",
            "performance.anomaly",
            "incentive.statement",
            "incentive.credit",
        ):
            for companies in (a, b, a | b):
                with self.subTest(model=model, companies=companies.ids):
                    seen = self._seen("leader", model, companies)
                    expected = self.env["res.users"].union(
                        *(members[company] for company in companies)
                    )
                    self.assertEqual(seen.sudo().user_id, expected)
                    self.assertNotIn(self.rep_b2, seen.sudo().user_id)

    def test_rep_sees_own_records_of_the_active_company(self):
        """A rep of both companies sees their own records of the active one."""
        for company in (self.company_a, self.company_b):
            for model in (
                "performance.target",
                "performance.scorecard",
                "incentive.statement",
                "incentive.dispute",
                "incentive.credit",
            ):
                with self.subTest(model=model, company=company.name):
                    seen = self._seen("rep", model, company)
                    self.assertTrue(seen)
                    self.assertEqual(seen.sudo().user_id, self.ann)
                    self.assertEqual(seen.sudo().company_id, company)

    def test_foreign_currency_credits_at_the_rate_of_its_company(self):
        """An invoice in a foreign currency credits its value in its company's
        currency at its company's rate: 4,000 EUR credit 2,000 in A (rate 2)
        and 1,000 in B (rate 4)."""
        eur = self.setup_other_currency("EUR", rates=[("2025-01-01", 2.0)])
        self.env["res.currency.rate"].create(
            {
                "name": "2025-01-01",
                "rate": 4.0,
                "currency_id": eur.id,
                "company_id": self.company_b.id,
            }
        )
        moves = post_invoices(self, self.company_a, [(self.rep_1, 4000.0)], eur)
        moves |= post_invoices(self, self.company_b, [(self.rep_b2, 4000.0)], eur)
        credits = self.Credit.search(
            [("move_id", "in", moves.ids), ("basis", "=", "invoice")]
        )
        self.assertEqual(
            {credit.company_id: credit.amount for credit in credits},
            {self.company_a: 2000.0, self.company_b: 1000.0},
        )
        for credit in credits:
            self.assertEqual(credit.currency_id, credit.company_id.currency_id)

    # ------------------------------------------------------------
    # XLSX exports
    # ------------------------------------------------------------

    def test_scorecard_export_of_the_active_company(self):
        """The scorecard workbook holds the active company's scorecards; asking
        for another company's is refused."""
        a, b = self.company_a, self.company_b
        template_a, template_b = self.templates.mapped("name")
        for companies, expected in [
            (a, {template_a}),
            (b, {template_b}),
            (a | b, {template_a, template_b}),
        ]:
            with self.subTest(companies=companies.ids):
                env = self._as("hr", companies)
                scorecards = self._seen("hr", "performance.scorecard", companies)
                wizard = (
                    env["performance.scorecard.export"]
                    .with_context(
                        active_model="performance.scorecard",
                        active_ids=scorecards.ids,
                    )
                    .create({})
                )
                wizard.action_export()
                text = self._workbook_text(wizard)
                self.assertEqual(text & {template_a, template_b}, expected)
        scorecard_b = self.fixtures["performance.scorecard"].filtered(
            lambda card: card.company_id == b
        )
        wizard = self._as("hr", a)["performance.scorecard.export"].create(
            {"scorecard_ids": [Command.set(scorecard_b.ids)]}
        )
        with self.assertRaises(AccessError):
            wizard.action_export()

    def test_statement_export_of_the_active_company(self):
        """A rep's statement workbook shows the active company's statements."""
        a, b = self.company_a, self.company_b
        for companies, expected in [
            (a, {"Plan Alpha"}),
            (b, {"Plan Bravo"}),
            (a | b, {"Plan Alpha", "Plan Bravo"}),
        ]:
            with self.subTest(companies=companies.ids):
                env = self._as("rep", companies)
                statements = self._seen("rep", "incentive.statement", companies)
                wizard = (
                    env["incentive.statement.export"]
                    .with_context(
                        active_model="incentive.statement", active_ids=statements.ids
                    )
                    .create({})
                )
                wizard.action_export()
                text = self._workbook_text(wizard)
                self.assertEqual(
                    {
                        name
                        for name in ("Plan Alpha", "Plan Bravo")
                        if any(name in cell for cell in text)
                    },
                    expected,
                )
        statement_b = self.fixtures["incentive.statement"].filtered(
            lambda st: st.company_id == b and st.user_id == self.ann
        )
        wizard = self._as("rep", a)["incentive.statement.export"].create(
            {"statement_ids": [Command.set(statement_b.ids)]}
        )
        with self.assertRaises(AccessError):
            wizard.action_export()

    def test_payroll_export_of_one_company(self):
        """Payroll pays one company's validated statements, and only while
        that company is active."""
        a, b = self.company_a, self.company_b
        for companies, company, period, paid, unpaid in [
            (a, a, self.jan, self.rep_1, self.rep_b1 | self.rep_b2),
            (a | b, a, self.jan, self.rep_1, self.rep_b1 | self.rep_b2),
            (b, b, self.jan_b, self.rep_b1 | self.rep_b2, self.rep_1),
        ]:
            with self.subTest(companies=companies.ids, company=company.name):
                wizard = self._as("incentive_admin", companies)[
                    "incentive.statement.export"
                ].create(
                    {
                        "mode": "payroll",
                        "company_id": company.id,
                        "period_id": period.id,
                    }
                )
                wizard.action_export()
                text = self._workbook_text(wizard)
                self.assertTrue(set(paid.mapped("login")) <= text)
                self.assertFalse(set(unpaid.mapped("login")) & text)
        wizard = self._as("incentive_admin", a)["incentive.statement.export"].create(
            {"mode": "payroll", "company_id": b.id, "period_id": self.jan_b.id}
        )
        with self.assertRaisesRegex(UserError, "No statement of .* is validated"):
            wizard.action_export()

    # ------------------------------------------------------------
    # Estimator
    # ------------------------------------------------------------

    def test_estimator_counts_the_active_company_only(self):
        """The estimator of a rep of both companies uses the plan, credits and
        targets of the active company only.

        A: credited 1,000 in January, targets 1,000 a month, 50 already
        earned; a 3,000 deal in February makes 4,000 against 2,000 to date:
        2,000 at 5 % + 2,000 at 10 % = 300, less 50. B: credited 3,000,
        targets 10,000 a month, 150 earned; the deal makes 6,000 at 5 % = 300,
        less 150."""
        for company, plan, current, estimated in [
            (self.company_a, self.plan_a, 0.0, 250.0),
            (self.company_b, self.plan_b, 0.0, 150.0),
        ]:
            with self.subTest(company=company.name):
                wizard = self._as("rep", company)["incentive.estimator"].create(
                    {"date": date(2025, 2, 10), "amount": 3000.0}
                )
                self.assertEqual(wizard.plan_id, plan)
                self.assertEqual(wizard.period_id.company_id, company)
                self.assertAlmostEqual(wizard.current_payout, current)
                self.assertAlmostEqual(wizard.estimated_payout, estimated)
                self.assertAlmostEqual(wizard.difference, estimated - current)
