"""Benchmark setup through the ORM (few records): the month period,
employees and leaves for the HR link, targets, the scorecard template and
the incentive plan."""

from collections import defaultdict
from datetime import timedelta

from odoo import Command


def get_month_period(env, company, date):
    """The month performance period holding ``date`` (the fiscal year is
    generated when missing)."""
    Period = env["performance.period"]
    domain = [
        ("company_id", "=", company.id),
        ("period_type", "=", "month"),
        ("date_start", "<=", date),
        ("date_end", ">=", date),
    ]
    period = Period.search(domain, limit=1)
    if not period:
        Period.generate_fiscal_year(date.year, company)
        period = Period.search(domain, limit=1)
    return period


# Share of reps with a validated leave in the period, and hired inside it.
LEAVE_EVERY = 10
HIRED_EVERY = 50


def create_employees(env, master, period, prefix="bench"):
    """One employee per rep, on the company's working schedule, so that the
    HR link prorates every salesperson target: every tenth rep has a
    validated three-day leave in the period, every fiftieth was hired in
    the middle of it. Returns ``{"employees": n, "leaves": n}``."""
    company = master["company"]
    users = master["users"]
    calendar = company.resource_calendar_id
    middle = period.date_start + (period.date_end - period.date_start) / 2
    Employee = env["hr.employee"].with_context(
        tracking_disable=True, mail_create_nolog=True, mail_notrack=True
    )
    employees = Employee.create(
        [
            {
                "name": user.name,
                "user_id": user.id,
                "company_id": company.id,
                "resource_calendar_id": calendar.id,
                "tz": "UTC",
                "performance_hire_date": middle if index % HIRED_EVERY == 1 else False,
            }
            for index, user in enumerate(users)
        ]
    )
    leave_type = env["hr.leave.type"].create(
        {
            "name": f"{prefix.title()} Time Off",
            "requires_allocation": "no",
            "leave_validation_type": "no_validation",
            "company_id": company.id,
        }
    )
    # The first working week of the period, Tuesday to Thursday.
    tuesday = period.date_start + timedelta(days=(1 - period.date_start.weekday()) % 7)
    leaves = (
        env["hr.leave"]
        .with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
        )
        .create(
            [
                {
                    "employee_id": employee.id,
                    "holiday_status_id": leave_type.id,
                    "request_date_from": tuesday,
                    "request_date_to": tuesday + timedelta(days=2),
                }
                for index, employee in enumerate(employees)
                if index % LEAVE_EVERY == 0
            ]
        )
    )
    leaves.filtered(lambda leave: leave.state != "validate").action_validate()
    return {"employees": len(employees), "leaves": len(leaves)}


def setup_performance(env, master, spec, period, prefix="bench"):
    """Targets (company -> teams -> reps for revenue, reps only for the
    collection rate and new customers), one scorecard template over the
    benchmark teams and one published incentive plan with a percentage rule,
    a tiered rule, a bonus and a plan cap, every rep taking part."""
    company = master["company"]
    users = master["users"]
    teams = master["teams"]
    revenue = env.ref("sales_performance.kpi_invoiced_revenue")
    collection = env.ref("sales_performance.kpi_collection_rate")
    new_customers = env.ref("sales_performance.kpi_new_customers")
    sold = defaultdict(float)
    for invoice in spec["invoices"]:
        sign = 1 if invoice["kind"] == "out_invoice" else -1
        sold[invoice["user_id"]] += sign * invoice["total"]
    # Targets around what each rep sells, so attainment spreads around 100 %.
    per_user = {
        user.id: round(sold[user.id] * (0.8 + 0.4 * (index % 5) / 4), -1) or 1000.0
        for index, user in enumerate(users)
    }
    Target = env["performance.target"].with_context(
        tracking_disable=True,
        mail_create_nolog=True,
        mail_notrack=True,
        performance_change_reason="Benchmark plan",
    )
    company_target = Target.create(
        {
            "period_id": period.id,
            "kpi_id": revenue.id,
            "company_id": company.id,
            "owner_type": "company",
            "allocation_method": "manual",
            "target_value": sum(per_user.values()),
        }
    )
    by_team = defaultdict(float)
    for user_id, value in per_user.items():
        by_team[master["team_of"][user_id]] += value
    team_targets = Target.create(
        [
            {
                "parent_id": company_target.id,
                "period_id": period.id,
                "kpi_id": revenue.id,
                "company_id": company.id,
                "owner_type": "team",
                "team_id": team.id,
                "allocation_method": "manual",
                "target_value": by_team[team.id],
            }
            for team in teams
        ]
    )
    team_target_of = {target.team_id.id: target for target in team_targets}
    vals_list = []
    for user in users:
        team_id = master["team_of"][user.id]
        vals_list.append(
            {
                "parent_id": team_target_of[team_id].id,
                "period_id": period.id,
                "kpi_id": revenue.id,
                "company_id": company.id,
                "owner_type": "user",
                "user_id": user.id,
                "team_id": team_id,
                "target_value": per_user[user.id],
            }
        )
        for kpi, value in ((collection, 40.0), (new_customers, 3.0)):
            vals_list.append(
                {
                    "period_id": period.id,
                    "kpi_id": kpi.id,
                    "company_id": company.id,
                    "owner_type": "user",
                    "user_id": user.id,
                    "team_id": team_id,
                    "target_value": value,
                }
            )
    Target.create(vals_list)
    template = (
        env["performance.scorecard.template"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(
            {
                "name": f"{prefix.title()} Scorecard",
                "company_id": company.id,
                "team_ids": [Command.set(teams.ids)],
                "line_ids": [
                    Command.create({"sequence": 1, "kpi_id": revenue.id, "weight": 60}),
                    Command.create(
                        {"sequence": 2, "kpi_id": collection.id, "weight": 20}
                    ),
                    Command.create(
                        {"sequence": 3, "kpi_id": new_customers.id, "weight": 20}
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
    )
    average = sum(sold.values()) / max(len(users), 1)
    year = period
    while year.parent_id:
        year = year.parent_id
    plan = (
        env["incentive.plan"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(
            {
                "name": f"{prefix.title()} Commission",
                "company_id": company.id,
                "date_start": year.date_start,
                "date_end": year.date_end,
                "earn_on": "invoice",
                "kpi_id": revenue.id,
                # The cap bites for the reps selling the most.
                "cap_amount": round(average * 0.015 + 500.0, -2),
                "rule_ids": [
                    Command.create(
                        {
                            "sequence": 10,
                            "name": "Commission on revenue",
                            "kind": "percentage",
                            "rate": 1.0,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 20,
                            "name": "Accelerator above quota",
                            "kind": "tiered",
                            "kpi_id": revenue.id,
                            "tier_basis": "attainment",
                            "tier_mode": "marginal",
                            "tier_ids": [
                                Command.create({"lower": 0, "upper": 100, "rate": 0}),
                                Command.create({"lower": 100, "upper": 120, "rate": 2}),
                                Command.create({"lower": 120, "rate": 4}),
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 30,
                            "name": "Quota bonus",
                            "kind": "bonus",
                            "amount": 500.0,
                            "kpi_id": revenue.id,
                            "condition_measure": "attainment",
                            "condition_operator": ">=",
                            "condition_value": 100,
                        }
                    ),
                ],
                "assignment_ids": [
                    Command.create({"user_id": user.id, "target_incentive": 3000.0})
                    for user in users
                ],
            }
        )
    )
    plan.with_context(tracking_disable=True).action_publish()
    return {"period": period, "template": template, "plan": plan}
