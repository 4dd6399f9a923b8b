from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from ..tools import allocation
from .batch import flush_rows, store_values
from .performance_target import CHILD_LEVEL


class PerformanceTarget(models.Model):
    """What runs over many targets at once, from buttons and scheduled jobs:
    the refresh of actuals from the KPIs, the cascade (a company target
    allocated to its teams, a team target to its members; a child has its
    parent's KPI and period, one level down), pace alerts and weekly
    digests. ``performance_target.py`` holds the target itself."""

    _inherit = "performance.target"

    # ------------------------------------------------------------
    # Actuals
    # ------------------------------------------------------------

    def action_compute(self):
        """Refresh the actuals of these targets from their KPIs, in batch.

        One grouped query per source of KPIs, period and company, whatever
        the number of targets (the company, team and salesperson levels of a
        KPI share it); targets of closed periods and of manual KPIs keep
        their actual.
        """
        self.check_access("read")
        # sudo: an actual is derived from documents, never typed in, so whoever
        # may read a target may bring it up to date.
        open_targets = self.sudo().filtered(
            lambda target: target.period_id.state == "open"
        )
        # {(period, company): {kpi: {level: owner ids}}}
        requests = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
        keys = {}
        for target in open_targets:
            kpi = target.kpi_id
            if kpi.kind == "manual":
                continue
            level = target.owner_type
            owner = target._get_owner_id()
            group = (target.period_id, target.company_id)
            keys[target.id] = (group, level, kpi.id, owner)
            requests[group][kpi][level].add(owner)
        values = {}
        for (period, company), by_kpi in requests.items():
            # KPIs asked at the same levels are read together, so that a KPI
            # of company, team and salesperson targets reads its source once.
            batches = defaultdict(lambda: self.env["performance.kpi"])
            for kpi, owners_by_level in by_kpi.items():
                batches[frozenset(owners_by_level)] |= kpi
            for kpis in batches.values():
                owners_by_level = defaultdict(set)
                for kpi in kpis:
                    for level, owners in by_kpi[kpi].items():
                        owners_by_level[level] |= owners
                read = kpis._get_level_values(
                    period.date_start, period.date_end, owners_by_level, company
                )
                for level, by_kpi_values in read.items():
                    values.setdefault(((period, company), level), {}).update(
                        by_kpi_values
                    )
        actuals = {
            target_id: values[group, level][kpi_id][owner]
            for target_id, (group, level, kpi_id, owner) in keys.items()
        }
        targets = open_targets.browse(list(keys))
        store_values(targets, "actual", actuals)
        store_values(
            targets, "actual_date", dict.fromkeys(targets.ids, fields.Datetime.now())
        )
        # Elapsed share moves with the calendar, not with a field: manual
        # KPIs too.
        self.env.add_to_compute(self._fields["elapsed_pct"], open_targets)
        open_targets._refresh_derived_values()
        # One UPDATE for all targets, not one per hundred.
        flush_rows(open_targets)
        return True

    def _refresh_derived_values(self):
        """Hook of the refresh, on its open targets: their actuals are stored
        but not written yet. A module whose values are derived from other
        data (the HR link's proration) stores them here, so that they and
        what depends on them go in the refresh's one UPDATE: the KPI reads
        flush everything pending, a hundred rows per statement."""
        self._store_entered_actuals()
        return True

    def _store_entered_actuals(self):
        """Targets of manual KPIs take the values entered for their period
        (``performance.kpi.value``), one grouped read per period and company;
        without an entered value, the actual typed on the target stays."""
        groups = defaultdict(lambda: self.browse())
        for target in self.filtered(lambda t: t.kpi_id.kind == "manual"):
            groups[target.period_id, target.company_id] |= target
        for (period, company), targets in groups.items():
            owners_by_level = defaultdict(set)
            for target in targets:
                owners_by_level[target.owner_type].add(target._get_owner_id())
            entered = self.env["performance.kpi.value"]._read_values(
                targets.kpi_id,
                period.date_start,
                period.date_end,
                owners_by_level,
                company,
            )
            actuals = {}
            for target in targets:
                by_owner = entered[target.owner_type].get(target.kpi_id.id, {})
                if target._get_owner_id() in by_owner:
                    actuals[target.id] = by_owner[target._get_owner_id()]
            store_values(targets, "actual", actuals)

    @api.model
    def _cron_compute_actuals(self):
        """Scheduled job: refresh the actuals of every target of an open period."""
        self.search([("period_id.state", "=", "open")]).action_compute()

    # ------------------------------------------------------------
    # Agreement
    # ------------------------------------------------------------

    def write(self, vals):
        """A target negotiated in a round takes its value from its proposal
        (``performance.target.proposal``), once agreed."""
        if "target_value" in vals and not self.env.context.get("performance_agreement"):
            self.check_access("write")
            self.env["performance.target.proposal"]._check_not_negotiated(self)
        return super().write(vals)

    # ------------------------------------------------------------
    # Cascade
    # ------------------------------------------------------------

    @api.constrains(
        "parent_id", "kpi_id", "period_id", "owner_type", "team_id", "user_id"
    )
    def _check_parent(self):
        for target in self.filtered("parent_id"):
            parent = target.parent_id
            if (target.kpi_id, target.period_id) != (parent.kpi_id, parent.period_id):
                raise ValidationError(
                    _(
                        "The target %(target)s must have the same KPI and period as "
                        "its parent %(parent)s.",
                        target=target.display_name,
                        parent=parent.display_name,
                    )
                )
            if CHILD_LEVEL.get(parent.owner_type) != target.owner_type:
                raise ValidationError(
                    _(
                        "A company target is allocated to sales teams and a team "
                        "target to its salespeople: %(target)s cannot be a child of "
                        "%(parent)s.",
                        target=target.display_name,
                        parent=parent.display_name,
                    )
                )
        if self._has_cycle():
            raise ValidationError(_("A target cannot be its own ancestor."))

    def action_allocate(self):
        """Allocate each target to its children by its allocation method.

        A target without children first gets one child per team of its
        company (company target) or per member of its team (team target).
        """
        for target in self:
            if target.owner_type not in CHILD_LEVEL:
                raise UserError(
                    _(
                        "%(target)s belongs to a salesperson: there is nothing "
                        "below it to allocate to.",
                        target=target.display_name,
                    )
                )
        self.filtered(lambda target: not target.child_ids)._create_children()
        shares = self._get_allocation_shares()
        # One write per distinct value: an equal split is a single write.
        by_value = defaultdict(lambda: self.browse())
        for child, value in shares.items():
            if float_compare(child.target_value, value, precision_digits=6):
                by_value[value] |= child
        for value, children in by_value.items():
            children.target_value = value
        return True

    def _set_allocation_method(self, method):
        """Team leaders choose how their team's target is split, though they
        may not change that target otherwise."""
        self.check_access("read")
        user = self.env.user
        if not user.has_group("sales_performance.group_performance_hr") and any(
            target.owner_type != "team" or target.team_id.user_id != user
            for target in self
        ):
            raise AccessError(
                _("Only HR or the leader of the team chooses how a target is split.")
            )
        # sudo: checked above; the leader may not write the team target itself.
        self.sudo().filtered(
            lambda target: target.allocation_method != method
        ).allocation_method = method

    def action_view_children(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Allocated targets of %(target)s", target=self.display_name),
            "res_model": "performance.target",
            "view_mode": "list,kanban,form",
            "domain": [("parent_id", "=", self.id)],
            "context": {
                "default_parent_id": self.id,
                "default_kpi_id": self.kpi_id.id,
                "default_period_id": self.period_id.id,
                "default_company_id": self.company_id.id,
                "default_owner_type": CHILD_LEVEL.get(self.owner_type, "user"),
                "default_team_id": self.team_id.id,
            },
        }

    def _get_allocation_precision(self):
        self.ensure_one()
        if self.kpi_id.unit == "amount":
            return self.currency_id.rounding
        if float_is_zero(self.target_value % 1, precision_digits=6):
            return 1
        return 0.01

    def _prepare_child_vals(self, owner):
        self.ensure_one()
        return {
            "parent_id": self.id,
            "period_id": self.period_id.id,
            "kpi_id": self.kpi_id.id,
            "company_id": self.company_id.id,
            "owner_type": CHILD_LEVEL[self.owner_type],
            "team_id": owner.id if self.owner_type == "company" else self.team_id.id,
            "user_id": owner.id if self.owner_type == "team" else False,
            "allocation_method": self.allocation_method,
        }

    def _create_children(self):
        vals_list = []
        teams_by_company = {}
        for target in self:
            if target.owner_type == "company":
                company = target.company_id
                if company not in teams_by_company:
                    teams_by_company[company] = self.env["crm.team"].search(
                        [
                            ("company_id", "in", [company.id, False]),
                            (
                                "crm_team_member_ids.user_id.company_ids",
                                "in",
                                company.ids,
                            ),
                        ]
                    )
                owners = teams_by_company[company]
            else:
                owners = target.team_id.member_ids
            vals_list += [target._prepare_child_vals(owner) for owner in owners]
        return self.create(vals_list)

    def _get_allocation_shares(self):
        """New target value of every child of these targets, as a dict."""
        history = self.filtered(
            lambda target: target.allocation_method == "history"
        )._get_history_weights()
        shares = {}
        for target in self:
            children = target.child_ids.sorted(lambda child: (child.sequence, child.id))
            if not children or target.allocation_method == "manual":
                continue
            if target.kpi_id.unit == "percent":
                shares.update(dict.fromkeys(children, target.target_value))
                continue
            if target.allocation_method == "equal":
                weights = [1.0] * len(children)
            elif target.allocation_method == "weight":
                weights = children.mapped("allocation_weight")
            else:
                weights = [history[child] for child in children]
            try:
                amounts = allocation.allocate(
                    target.target_value, weights, target._get_allocation_precision()
                )
            except allocation.AllocationError as error:
                raise UserError(
                    target._get_allocation_error_message(target.allocation_method)
                ) from error
            shares.update(zip(children, amounts, strict=True))
        return shares

    def _get_allocation_error_message(self, method):
        if method == "history":
            return _(
                "The children of %(target)s had no actuals last year: allocate them "
                "by another method.",
                target=self.display_name,
            )
        return _(
            "The allocation weights of the children of %(target)s must be zero or "
            "more, and at least one must be positive.",
            target=self.display_name,
        )

    def _get_history_weights(self):
        """Last year's actual of every child, one grouped query per KPI and level."""
        weights = {}
        groups = defaultdict(lambda: self.browse())
        for child in self.child_ids:
            groups[
                (child.kpi_id, child.period_id, child.owner_type, child.company_id)
            ] |= child
        for (kpi, period, level, company), children in groups.items():
            date_from, date_to = period._get_previous_year_dates()
            values = kpi._get_values(
                date_from,
                date_to,
                level,
                {c._get_owner_id() for c in children},
                company,
            )[kpi.id]
            for child in children:
                weights[child] = max(values[child._get_owner_id()], 0.0)
        return weights

    # ------------------------------------------------------------
    # Alerts and digests
    # ------------------------------------------------------------

    def _get_current_domain(self):
        today = fields.Date.context_today(self)
        return [
            ("owner_type", "=", "user"),
            ("period_id.state", "=", "open"),
            ("period_id.date_start", "<=", today),
            ("period_id.date_end", ">=", today),
        ]

    @api.model
    def _cron_pace_alerts(self):
        """Scheduled job: alert team leaders of their reps behind pace."""
        targets = self.search(self._get_current_domain())
        targets.action_compute()
        targets.filtered(lambda target: target.pace_status == "behind")._alert_pace()

    def _alert_pace(self):
        """One activity for the team leader per salesperson and period, never
        twice, and a notice to the salesperson. Batch: one search, one create."""
        alerted = self.search(
            [
                ("pace_alerted", "=", True),
                ("user_id", "in", self.user_id.ids),
                ("period_id", "in", self.period_id.ids),
            ]
        )
        done = {(target.user_id, target.period_id) for target in alerted}
        to_alert = defaultdict(lambda: self.browse())
        for target in self:
            if (target.user_id, target.period_id) not in done:
                to_alert[(target.user_id, target.period_id)] |= target
        activity_type = self.env.ref("sales_performance.mail_activity_type_pace_alert")
        entries = []
        for (user, period), targets in to_alert.items():
            kpis = ", ".join(targets.kpi_id.mapped("name"))
            entries.append(
                {
                    "record": targets[0],
                    "activity_type": activity_type,
                    "user": targets.team_id.user_id[:1],
                    # A leader without access hands over to the HR officers;
                    # a scheduled job never stops for want of them.
                    "groups": ("sales_performance.group_performance_manager",),
                    "fallback": targets.company_id[:1]._get_performance_hr_officers(
                        excluded=user
                    ),
                    "if_denied": "skip",
                    "summary": _(
                        "%(user)s is behind pace in %(period)s",
                        user=user.name,
                        period=period.name,
                    ),
                    "note": _("Behind pace on: %(kpis)s", kpis=kpis),
                }
            )
            targets[0].message_post(
                body=_(
                    "You are behind pace in %(period)s on: %(kpis)s.",
                    period=period.name,
                    kpis=kpis,
                ),
                partner_ids=user.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        self.env["performance.workflow.mixin"]._schedule_activities(entries)
        for targets in to_alert.values():
            targets.pace_alerted = True

    @api.model
    def _cron_weekly_digest(self):
        """Scheduled job: each salesperson's week, and each leader's team's,
        once a week whatever how often the job runs."""
        today = fields.Date.context_today(self)
        week_start = today - timedelta(days=today.weekday())
        targets = self.search(self._get_current_domain())
        targets.action_compute()
        by_user = defaultdict(lambda: self.browse())
        for target in targets:
            by_user[target.user_id] |= target
            if target.team_id.user_id:
                by_user[target.team_id.user_id] |= target
        template = self.env.ref("sales_performance.mail_template_weekly_digest")
        sent = self.env["res.users"]
        for user, user_targets in by_user.items():
            if (
                user.performance_digest_date
                and user.performance_digest_date >= week_start
            ):
                continue
            sections = user_targets.with_context(lang=user.lang)._get_digest_sections(
                user
            )
            template.with_context(
                digest_sections=sections, digest_week=week_start.isoformat()
            ).send_mail(user.id)
            sent |= user
        sent.sudo().performance_digest_date = today

    def _get_digest_sections(self, user):
        """What the digest of ``user`` shows: their own targets, then one
        section per team they lead."""
        pace_labels = dict(self._fields["pace_status"]._description_selection(self.env))
        sections = []
        groups = [(_("Your targets"), self.filtered(lambda t: t.user_id == user))]
        for team in self.team_id.filtered(lambda team: team.user_id == user):
            groups.append(
                (
                    _("Team %(team)s", team=team.name),
                    self.filtered(lambda t, team=team: t.team_id == team),
                )
            )
        for index, (title, targets) in enumerate(groups):
            if not targets:
                continue
            lines = [
                {
                    "kpi": target.kpi_id.name
                    if not index
                    else f"{target.owner_name} · {target.kpi_id.name}",
                    "period": target.period_id.name,
                    "actual": target._format_value(target.actual),
                    "target": target._format_value(target.target_value),
                    "attainment": f"{target.attainment:.1f} %",
                    "pace": pace_labels.get(target.pace_status, ""),
                    "behind": target.pace_status == "behind",
                }
                for target in targets.sorted(lambda t: (t.user_id.name or "", t.id))
            ]
            sections.append({"title": title, "lines": lines})
        return sections
