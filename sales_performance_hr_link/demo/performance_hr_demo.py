"""The people behind the demo salespeople.

Called once by ``demo/hr_link_demo.xml``, after the Sales Performance demo
(``performance.demo``) and the incentive demo (``incentive.demo``) have built
their year of documents, targets and statements. It gives every demo user an
employee (department, job position, manager, working schedule, badge, cost
centre, hire date), then tells what HR data changes, through the buttons HR
would click:

- Mateo took a week of paid time off (five working days) last month, and
  Hannah an unpaid morning this month: their targets of those months, and
  Hannah's draft statement, are prorated by the days they could work.
- Noah joined Direct Sales in the middle of this month: the team's target grew
  by his quota, which is prorated from his hire date, and so is his target
  incentive on his first statement.
- Ravi left this month: his participations end on his last day, his draft
  statements are finalised and sent to his team leader for approval.

Statements already approved are frozen and keep their figures: the effects
show on the open periods' targets and on the draft statements. Dates follow
today, as in the other demos, so that the story stays current.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

DEMO = "sales_performance."
INCENTIVE = "sales_performance_incentive."
MODULE = "sales_performance_hr_link."

# Sub-departments of Sales, one per sales team, managed by its team leader:
# (xmlid, sales team, cost centre).
DEPARTMENTS = [
    ("demo_department_direct", "demo_team_direct", "CC-4100"),
    ("demo_department_key_accounts", "demo_team_key_accounts", "CC-4200"),
    ("demo_department_channel", "demo_team_channel", "CC-4300"),
]
JOBS = [
    ("demo_job_sales_manager", "Sales Manager"),
    ("demo_job_account_executive", "Account Executive"),
    ("demo_job_key_account_manager", "Key Account Manager"),
    ("demo_job_hr_officer", "HR Officer"),
]
# (user xmlid after "demo_user_", employee xmlid after "demo_employee_", job,
# badge ID, hire year): hired before the year of documents, so that only this
# year's events prorate.
EMPLOYEES = [
    ("leader_direct", "laura", "sales_manager", "SP1001", 2016),
    ("leader_key_accounts", "marcus", "sales_manager", "SP1002", 2015),
    ("leader_channel", "priya", "sales_manager", "SP1003", 2018),
    ("rep_olivia", "olivia", "account_executive", "SP1011", 2019),
    ("rep_daniel", "daniel", "account_executive", "SP1012", 2020),
    ("rep_sara", "sara", "account_executive", "SP1013", 2021),
    ("rep_tom", "tom", "account_executive", "SP1014", 2022),
    ("rep_amelia", "amelia", "key_account_manager", "SP1021", 2017),
    ("rep_lucas", "lucas", "key_account_manager", "SP1022", 2020),
    ("rep_hannah", "hannah", "key_account_manager", "SP1023", 2021),
    ("rep_mateo", "mateo", "account_executive", "SP1031", 2019),
    ("rep_chloe", "chloe", "account_executive", "SP1032", 2022),
    ("rep_ravi", "ravi", "account_executive", "SP1033", 2018),
    ("hr_officer", "grace", "hr_officer", "SP1901", 2017),
]
# The newcomer of Direct Sales, hired in the middle of the current month.
NEW_REP = {
    "xmlid": "demo_user_rep_noah",
    "employee": "demo_employee_noah",
    "name": "Noah Fischer",
    "login": "rep.noah",
    "email": "noah.fischer@example.com",
    "team": "demo_team_direct",
    "badge": "SP1015",
    # Monthly revenue quota, as Direct Sales' other reps (300,000 a year).
    "quota": 25000.0,
}
LEAVE_REP = "demo_employee_mateo"
HALF_DAY_REP = "demo_employee_hannah"
DEPARTED_REP = "demo_employee_ravi"
PAID_TIME_OFF_DAYS = 20
JOIN_REASON = "%s joined Direct Sales on %s: his monthly quota is added"
# Context of the story: no e-mail, no tracking noise.
QUIET = {
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_activity_quick_update": True,
    "mail_auto_subscribe_no_notify": True,
    "no_reset_password": True,
}


class PerformanceHrDemo(models.AbstractModel):
    _name = "performance.hr.demo"
    _description = "Sales Performance HR Link Demo Data"

    @api.model
    def _generate(self):
        """Create the employees of the demo company and their HR events, once:
        an update leaves them be. Installed again after an uninstall, it finds
        the employees, jobs, departments and time off Odoo kept (they stand
        behind posted invoices and validated leaves) and tells the story again
        on them, without doubles: the suite's own data of it was removed."""
        ravi = self._demo_ref(DEPARTED_REP)
        # The hire date is the HR link's own column: gone after an uninstall.
        if ravi and ravi.performance_hire_date:
            return
        company = self.env.ref("base.main_company")
        if not self.env.ref(DEMO + "demo_user_rep_ravi", raise_if_not_found=False):
            return
        demo = self.with_company(company).with_context(**QUIET)
        today = fields.Date.context_today(demo)
        xmlids = {}
        jobs = demo._demo_jobs(company, xmlids)
        departments = demo._demo_departments(company, xmlids)
        noah = demo._demo_new_user(company, xmlids)
        employees = demo._demo_employees(company, jobs, departments, noah, xmlids)
        # Grace also keeps the employee files and validates time off.
        demo._demo_hr_officer().groups_id = [
            Command.link(demo.env.ref("hr.group_hr_user").id),
            Command.link(demo.env.ref("hr_holidays.group_hr_holidays_user").id),
        ]
        demo.env["ir.model.data"]._update_xmlids(
            [
                {"xml_id": MODULE + name, "record": record, "noupdate": True}
                for name, record in xmlids.items()
            ]
        )
        calendar = company.resource_calendar_id
        demo._demo_paid_time_off(employees, today)
        xmlids = {}
        xmlids["demo_leave_mateo_week"] = demo._demo_ref(
            "demo_leave_mateo_week"
        ) or demo._demo_week_off(company, employees[LEAVE_REP], calendar, today)
        xmlids["demo_leave_hannah_morning"] = demo._demo_ref(
            "demo_leave_hannah_morning"
        ) or demo._demo_morning_off(employees[HALF_DAY_REP], calendar, today)
        month = demo._demo_month(company, today)
        demo._demo_hire(employees[NEW_REP["employee"]], company, month, calendar)
        demo._demo_departure(employees[DEPARTED_REP], month, today)
        demo.env["ir.model.data"]._update_xmlids(
            [
                {"xml_id": MODULE + name, "record": record, "noupdate": True}
                for name, record in xmlids.items()
                if record
            ]
        )
        demo._demo_refresh(company, month)
        demo._demo_development(employees)

    def _demo_ref(self, xmlid):
        """The record of this addon's demo at ``xmlid``, if Odoo has it."""
        return self.env.ref(MODULE + xmlid, raise_if_not_found=False)

    # ------------------------------------------------------------
    # Organisation
    # ------------------------------------------------------------

    def _demo_jobs(self, company, xmlids):
        jobs = {}
        for xmlid, name in JOBS:
            job = self._demo_ref(xmlid) or self.env["hr.job"].create(
                {"name": name, "company_id": company.id}
            )
            jobs[xmlid.removeprefix("demo_job_")] = job
            xmlids[xmlid] = job
        return jobs

    def _demo_departments(self, company, xmlids):
        """Sales (the HR demo's when it exists) and one sub-department per
        sales team. Managers are set once the employees exist."""
        Department = self.env["hr.department"]
        sales = self.env.ref("hr.dep_sales", raise_if_not_found=False)
        if not sales or sales.company_id not in (company, Department.company_id):
            sales = self._demo_ref("demo_department_sales") or Department.create(
                {"name": "Sales", "company_id": company.id}
            )
            xmlids["demo_department_sales"] = sales
        departments = {"sales": sales}
        for xmlid, team_xmlid, _centre in DEPARTMENTS:
            team = self.env.ref(DEMO + team_xmlid)
            department = self._demo_ref(xmlid) or Department.create(
                {"name": team.name, "parent_id": sales.id, "company_id": company.id}
            )
            departments[team_xmlid] = department
            xmlids[xmlid] = department
        return departments

    def _demo_new_user(self, company, xmlids):
        """Noah's user, a member of Direct Sales like the other reps."""
        user = self._demo_ref(NEW_REP["xmlid"])
        if user:
            # Kept by Odoo through an uninstall, without the suite's level.
            user.groups_id = [
                Command.link(self.env.ref(DEMO + "group_performance_user").id)
            ]
            user.action_id = self.env.ref(DEMO + "action_my_performance")
            xmlids[NEW_REP["xmlid"]] = user
            return user
        user = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": NEW_REP["name"],
                    "login": NEW_REP["login"],
                    "password": NEW_REP["login"],
                    "email": NEW_REP["email"],
                    "notification_type": "inbox",
                    "action_id": self.env.ref(DEMO + "action_my_performance").id,
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [
                        Command.set(
                            [
                                self.env.ref("sales_team.group_sale_salesman").id,
                                self.env.ref(DEMO + "group_performance_user").id,
                            ]
                        )
                    ],
                }
            )
        )
        self.env["crm.team.member"].create(
            {"crm_team_id": self.env.ref(DEMO + NEW_REP["team"]).id, "user_id": user.id}
        )
        xmlids[NEW_REP["xmlid"]] = user
        return user

    def _demo_employees(self, company, jobs, departments, noah, xmlids):
        """One employee per demo user, reusing the one HR already has. Returns
        ``{employee xmlid: employee}``."""
        calendar = company.resource_calendar_id
        tz = calendar.tz or self.env.user.tz or "UTC"
        teams = {
            self.env.ref(DEMO + team_xmlid): (departments[team_xmlid], centre)
            for _xmlid, team_xmlid, centre in DEPARTMENTS
        }
        leaders = {team.user_id: team for team in teams}
        specs = [
            (self.env.ref(f"{DEMO}demo_user_{user}"), f"demo_employee_{name}", *rest)
            for user, name, *rest in EMPLOYEES
        ]
        # Noah's hire date is set with his targets, in _demo_hire.
        specs.append(
            (noah, NEW_REP["employee"], "account_executive", NEW_REP["badge"], None)
        )
        head = departments["sales"].manager_id or self.env.ref(
            "hr.employee_admin", raise_if_not_found=False
        )
        employees = {}
        # Leaders first: the reps' manager is their team leader's employee.
        specs.sort(key=lambda spec: spec[0] not in leaders)
        for user, xmlid, job, badge, year in specs:
            team = leaders.get(user) or user.sale_team_id
            department, centre = teams.get(team, (departments["sales"], False))
            if user == self.env.ref(DEMO + "demo_user_hr_officer"):
                department = (
                    self.env.ref("hr.dep_administration", raise_if_not_found=False)
                    or departments["sales"].parent_id
                )
                centre = "CC-9100"
            if user in leaders:
                manager = head
            else:
                manager = employees.get(team.user_id) or head
            vals = {
                "user_id": user.id,
                "company_id": company.id,
                "department_id": department.id,
                "job_id": jobs[job].id,
                "job_title": jobs[job].name,
                "parent_id": manager.id if manager else False,
                "resource_calendar_id": calendar.id,
                "tz": tz,
                "barcode": badge,
                "performance_cost_centre": centre or False,
                "performance_hire_date": year
                and date(year, int(badge[-2:]) % 12 + 1, 1),
                "work_email": user.email,
            }
            # Ravi's employee is archived when the story is told again.
            employee = user.with_context(active_test=False).employee_ids.filtered(
                lambda e: e.company_id == company
            )[:1]
            if employee:
                employee.write(vals)
            else:
                employee = self.env["hr.employee"].create({"name": user.name, **vals})
            employees[user] = employee
            xmlids[xmlid] = employee
        for team, (department, _centre) in teams.items():
            department.manager_id = employees.get(team.user_id)
        if not departments["sales"].manager_id and head:
            departments["sales"].manager_id = head
        return {xmlid: employees[user] for user, xmlid, *_rest in specs}

    # ------------------------------------------------------------
    # Time off
    # ------------------------------------------------------------

    def _demo_paid_time_off(self, employees, today):
        """This year's paid time off of every salesperson, approved by HR."""
        leave_type = self.env.ref("hr_holidays.holiday_status_cl")
        start = (today.replace(day=1) - timedelta(days=1)).replace(month=1, day=1)
        end = today.replace(month=12, day=31)
        given = (
            self.env["hr.leave.allocation"]
            .search(
                [
                    ("holiday_status_id", "=", leave_type.id),
                    ("date_from", "=", start),
                    ("employee_id", "in", [e.id for e in employees.values()]),
                ]
            )
            .employee_id
        )
        allocations = self.env["hr.leave.allocation"].create(
            [
                {
                    "name": "Paid time off %s" % start.year,
                    "holiday_status_id": leave_type.id,
                    "employee_id": employee.id,
                    "number_of_days": PAID_TIME_OFF_DAYS,
                    "allocation_type": "regular",
                    "date_from": start,
                    "date_to": end,
                }
                for employee in employees.values()
                if employee.user_id.login != NEW_REP["login"] and employee not in given
            ]
        )
        hr = self._demo_hr_officer()
        allocations.filtered(lambda a: a.state == "confirm").with_user(
            hr
        ).sudo().action_approve()
        allocations.filtered(lambda a: a.state == "validate1").with_user(
            hr
        ).sudo().action_approve()
        return allocations

    def _demo_week_off(self, company, employee, calendar, today):
        """Five working days of paid time off, Monday to Friday, in the last
        complete month (this month when last month has no open period)."""
        month = self._demo_month(company, today.replace(day=1) - timedelta(days=1))
        if not month or month.state != "open":
            month = self._demo_month(company, today)
        holidays = self._demo_public_holidays(calendar, month)
        monday = month.date_start + timedelta(days=-month.date_start.weekday() % 7)
        while monday + timedelta(days=4) <= month.date_end:
            week = [monday + timedelta(days=offset) for offset in range(5)]
            if not holidays.intersection(week):
                break
            monday += timedelta(days=7)
        else:
            return self.env["hr.leave"]
        return self._demo_leave(
            employee,
            {
                "holiday_status_id": self.env.ref("hr_holidays.holiday_status_cl").id,
                "private_name": "Family holiday",
                "request_date_from": monday,
                "request_date_to": monday + timedelta(days=4),
            },
        )

    def _demo_morning_off(self, employee, calendar, today):
        """An unpaid morning off on the first working Wednesday of this month."""
        start = today.replace(day=1)
        holidays = self._demo_public_holidays_between(
            calendar, start, start + relativedelta(months=1)
        )
        day = start + timedelta(days=(2 - start.weekday()) % 7)
        while day in holidays:
            day += timedelta(days=7)
        return self._demo_leave(
            employee,
            {
                "holiday_status_id": self.env.ref(
                    "hr_holidays.holiday_status_unpaid"
                ).id,
                "private_name": "Moving house",
                "request_date_from": day,
                "request_date_to": day,
                "request_unit_half": True,
                "request_date_from_period": "am",
            },
        )

    def _demo_leave(self, employee, vals):
        """A time off request approved by the team leader, validated by HR."""
        leave = self.env["hr.leave"].create({"employee_id": employee.id, **vals})
        leader = employee.parent_id.user_id or self.env.user
        if leave.state == "confirm":
            leave.with_user(leader).sudo().action_approve()
        if leave.state in ("confirm", "validate1"):
            leave.with_user(self._demo_hr_officer()).sudo().action_validate()
        return leave

    def _demo_hr_officer(self):
        return self.env.ref(DEMO + "demo_user_hr_officer")

    def _demo_public_holidays(self, calendar, month):
        return self._demo_public_holidays_between(
            calendar, month.date_start, month.date_end + timedelta(days=1)
        )

    def _demo_public_holidays_between(self, calendar, date_from, date_to):
        """Dates of the company's public holidays from ``date_from`` (included)
        to ``date_to`` (excluded)."""
        leaves = self.env["resource.calendar.leaves"].search(
            [
                ("resource_id", "=", False),
                ("calendar_id", "in", [calendar.id, False]),
                ("date_from", "<", fields.Datetime.to_datetime(date_to)),
                ("date_to", ">", fields.Datetime.to_datetime(date_from)),
            ]
        )
        days = set()
        for leave in leaves:
            day = leave.date_from.date()
            while day <= leave.date_to.date():
                days.add(day)
                day += timedelta(days=1)
        return days

    # ------------------------------------------------------------
    # Hire and departure
    # ------------------------------------------------------------

    def _demo_month(self, company, day):
        return self.env["performance.period"].search(
            [
                ("company_id", "=", company.id),
                ("period_type", "=", "month"),
                ("date_start", "<=", day),
                ("date_end", ">=", day),
            ],
            limit=1,
        )

    def _demo_hire(self, employee, company, month, calendar):
        """Noah starts on the middle working day of the month: his quota is
        added to Direct Sales' and the company's targets of the month, and he
        joins the commission plan from that day."""
        if not month:
            return
        holidays = self._demo_public_holidays(calendar, month)
        working = [
            month.date_start + timedelta(days=offset)
            for offset in range((month.date_end - month.date_start).days + 1)
        ]
        working = [day for day in working if day.weekday() < 5 and day not in holidays]
        hire = working[len(working) // 2]
        employee.performance_hire_date = hire
        user = employee.user_id
        team = self.env.ref(DEMO + NEW_REP["team"])
        quota = NEW_REP["quota"]
        Target = self.env["performance.target"]
        team_target = Target.search(
            [
                ("period_id", "=", month.id),
                ("kpi_id", "=", self.env.ref(DEMO + "kpi_invoiced_revenue").id),
                ("owner_type", "=", "team"),
                ("team_id", "=", team.id),
            ],
            limit=1,
        )
        if team_target:
            reason = JOIN_REASON % (user.name, hire)
            for target in team_target | team_target.parent_id:
                target.with_context(performance_change_reason=reason).write(
                    {"target_value": target.target_value + quota}
                )
            team_target.allocation_weight += quota * 12 / 1000.0
            Target.create(
                {
                    "parent_id": team_target.id,
                    "period_id": month.id,
                    "kpi_id": team_target.kpi_id.id,
                    "company_id": company.id,
                    "owner_type": "user",
                    "team_id": team.id,
                    "user_id": user.id,
                    "target_value": quota,
                }
            )
        plan = self.env.ref(
            INCENTIVE + "demo_plan_field_sales", raise_if_not_found=False
        )
        if plan and plan.state == "published":
            plan.assignment_ids._expand_teams()
            assignment = plan.assignment_ids.filtered(lambda a: a.user_id == user)
            assignment.date_start = max(hire, plan.date_start)
            assignment.with_user(user).action_accept()

    def _demo_departure(self, employee, month, today):
        """Ravi resigned: HR records his last day, a week ago (or today early
        in the month), then registers the departure, which archives him."""
        if not month or not employee.active:
            return
        last_day = today - timedelta(days=7)
        if last_day < month.date_start:
            last_day = today
        while last_day.weekday() > 4 and last_day > month.date_start:
            last_day -= timedelta(days=1)
        hr = self._demo_hr_officer()
        employee.departure_date = last_day
        wizard = (
            self.env["hr.departure.wizard"]
            .with_user(hr)
            .sudo()
            .with_context(active_id=employee.id, toggle_active=True)
            .create(
                {
                    "employee_id": employee.id,
                    "departure_reason_id": self.env.ref("hr.departure_resigned").id,
                    "departure_date": last_day,
                    "departure_description": "<p>Joins a reseller as sales "
                    "director.</p>",
                }
            )
        )
        wizard.action_register_departure()

    # ------------------------------------------------------------
    # Refresh
    # ------------------------------------------------------------

    def _demo_refresh(self, company, month):
        """Prorate the targets of the open periods and recompute the draft
        statements (Noah's first one is made), as the hourly job and the
        incentive administrator would."""
        self.env["performance.target"].search(
            [
                ("company_id", "=", company.id),
                ("period_id.state", "=", "open"),
                ("owner_type", "=", "user"),
            ]
        ).action_compute()
        plan = self.env.ref(
            INCENTIVE + "demo_plan_field_sales", raise_if_not_found=False
        )
        admin = self.env.ref("base.user_admin")
        if plan and month and plan.state == "published":
            plan.with_user(admin).generate_statements(month)
        self.env["incentive.statement"].search(
            [("company_id", "=", company.id), ("state", "=", "draft")]
        ).with_user(admin).action_compute()

    # ------------------------------------------------------------
    # Development
    # ------------------------------------------------------------

    def _demo_development(self, employees):
        """A training recommended below 60 on the win rate of the demo
        template, scheduled for the approved scorecards under it, and the
        top-rating streaks of every employee."""
        template = self.env.ref(
            DEMO + "demo_scorecard_template", raise_if_not_found=False
        )
        if not template:
            return
        template.line_ids.filtered(
            lambda line: line.kpi_id == self.env.ref(DEMO + "kpi_win_rate")
        ).write(
            {
                "training_threshold": 60,
                "training_action": "Opportunity qualification coaching",
            }
        )
        approved = self.env["performance.scorecard"].search(
            [("template_id", "=", template.id), ("state", "in", ("approved", "appeal"))]
        )
        approved._schedule_trainings()
        self.env["hr.employee"].browse(
            [employee.id for employee in employees.values()]
        )._update_performance_promotion()
