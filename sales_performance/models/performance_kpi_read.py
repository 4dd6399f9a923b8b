from collections import defaultdict

from odoo import models
from odoo.osv import expression
from odoo.tools import SQL


class PerformanceKpi(models.Model):
    """The grouped reads behind the values of source KPIs: one query per
    source and set of levels, built from the ORM's own ``_read_group``
    pieces (see ``performance.kpi._get_level_values``)."""

    _inherit = "performance.kpi"

    def _read_shared_values(self, date_from, date_to, owners_by_level, company):
        """Values of these source KPIs of one source key, ``{level: {kpi_id:
        {owner_id: value}}}``, through the values already read when the
        context holds ``performance_kpi_values`` (a dict shared by the steps
        of a close: target actuals, scorecards and statements of a period read
        each KPI once). Only the owners not read yet are queried.

        The shared values assume the documents do not change while the dict
        lives: it is made for one run of a close, inside one transaction.
        """
        shared = self.env.context.get("performance_kpi_values")
        if shared is None:
            return self._read_values(date_from, date_to, owners_by_level, company)
        company_id = company.id if company else False
        known = {
            (level, kpi.id): shared.setdefault(
                (kpi.id, date_from, date_to, level, company_id), {}
            )
            for level in owners_by_level
            for kpi in self
        }
        missing = {}
        for level, owner_ids in owners_by_level.items():
            owners = [
                owner
                for owner in owner_ids
                if any(owner not in known[level, kpi.id] for kpi in self)
            ]
            if owners:
                missing[level] = owners
        if missing:
            read = self._read_values(date_from, date_to, missing, company)
            for level, by_kpi in read.items():
                for kpi_id, values in by_kpi.items():
                    known[level, kpi_id].update(values)
        return {
            level: {
                kpi.id: {owner: known[level, kpi.id][owner] for owner in owner_ids}
                for kpi in self
            }
            for level, owner_ids in owners_by_level.items()
        }

    def _read_values(self, date_from, date_to, owners_by_level, company):
        """Values of these source KPIs of one source key at each level: the
        levels that group by a column of the source in one query, the others
        (team values summed over members, company values of a source without
        company) each on its own."""
        Source = self.env[self[:1].model_id.model]
        columns = self._get_level_columns(Source, owners_by_level)
        result = {}
        if len(columns) > 1:
            result = self._read_levels(
                date_from, date_to, owners_by_level, columns, company
            )
        for level, owner_ids in owners_by_level.items():
            if level not in result:
                result[level] = self._read_source_values(
                    date_from, date_to, level, owner_ids, company
                )
        return result

    def _get_level_columns(self, Source, owners_by_level):
        """``{level: field}``: the field of the source each asked level groups
        by, for the levels that have one."""
        kpi = self[:1]
        columns = {}
        for level, owner_ids in owners_by_level.items():
            if not owner_ids:
                continue
            if level == "user":
                columns[level] = kpi.user_field_id.name
            elif level == "team" and kpi.team_field_id:
                columns[level] = kpi.team_field_id.name
            elif level == "company" and "company_id" in Source._fields:
                columns[level] = "company_id"
        return columns

    def _get_aggregate_slices(self):
        """The aggregates of these KPIs without repeats, and for each KPI the
        positions of its own among them."""
        aggregates = []
        for kpi in self:
            aggregates.extend(a for a in kpi._get_aggregates() if a not in aggregates)
        slices = {
            kpi.id: [aggregates.index(a) for a in kpi._get_aggregates()] for kpi in self
        }
        return aggregates, slices

    def _read_levels(self, date_from, date_to, owners_by_level, columns, company):
        """Values of these source KPIs of one source key at the levels of
        ``columns`` (``{level: field}``), in one query: the source's records
        of any of the owners, grouped by ``GROUPING SETS``, one set per level.
        PostgreSQL computes each set on its own, so every level's value is
        exactly what its own grouped read gives (distinct counts included),
        for one scan of the period instead of one per level.

        Built from the ORM's own pieces of ``_read_group`` (domain, group-by
        terms, aggregates), so the SQL is the one the ORM would write.
        """
        kpi = self[:1]
        # sudo: as in _read_source_values, a total over documents the person
        # asking may not read one by one; the company is in the domain.
        Source = self.env[kpi.model_id.model].sudo()
        if not Source._auto:
            self.env.flush_all()
        levels = list(columns)
        aggregates, slices = self._get_aggregate_slices()
        domain = kpi._get_source_domain(date_from, date_to, company)
        if not (
            "company" in columns
            and company
            and set(company.ids) <= set(owners_by_level["company"])
        ):
            # Without all of its companies asked, the records of the owners;
            # with them, every record of the domain counts already.
            domain = expression.AND(
                [
                    domain,
                    expression.OR(
                        [
                            [(columns[level], "in", owners_by_level[level])]
                            for level in levels
                        ]
                    ),
                ]
            )
        query = Source._search(domain)
        terms = [Source._read_group_groupby(columns[level], query) for level in levels]
        query.groupby = SQL(
            "GROUPING SETS (%s)", SQL(", ").join(SQL("(%s)", term) for term in terms)
        )
        rows = self.env.execute_query(
            query.select(
                *terms,
                *(SQL("GROUPING(%s)", term) for term in terms),
                *(Source._read_group_select(spec, query) for spec in aggregates),
            )
        )
        result = {
            level: {k.id: dict.fromkeys(owners_by_level[level], 0.0) for k in self}
            for level in levels
        }
        width = len(levels)
        for row in rows:
            # GROUPING() is 0 for the one column grouped by this row's set.
            index = row[width : 2 * width].index(0)
            values = result[levels[index]]
            owner = row[index]
            if owner not in values[kpi.id]:
                continue
            measures = row[2 * width :]
            for k in self:
                values[k.id][owner] = k._aggregate_value(
                    [measures[i] for i in slices[k.id]]
                )
        return result

    def _read_source_values(self, date_from, date_to, level, owner_ids, company):
        """Values of these source KPIs of one source key: one grouped query
        with the aggregates of all of them. Returns ``{kpi_id: {owner_id:
        value}}``."""
        kpi = self[:1]
        # sudo: a KPI value is a total over documents the person asking may
        # not read one by one (a rep's team target counts the whole team).
        # The company is filtered explicitly in the domain instead.
        Source = self.env[kpi.model_id.model].sudo()
        if not Source._auto:
            # A reporting view reads tables the ORM does not know it depends on.
            self.env.flush_all()
        result = {k.id: dict.fromkeys(owner_ids, 0.0) for k in self}
        if not owner_ids:
            return result
        domain = kpi._get_source_domain(date_from, date_to, company)
        aggregates, slices = self._get_aggregate_slices()
        if level == "company":
            if "company_id" in Source._fields:
                groupby_field = "company_id"
            else:
                [row] = Source._read_group(domain, [], aggregates)
                for k in self:
                    value = k._aggregate_value([row[i] for i in slices[k.id]])
                    result[k.id] = dict.fromkeys(owner_ids, value)
                return result
        elif level == "team" and kpi.team_field_id:
            groupby_field = kpi.team_field_id.name
        elif level == "team":
            return self._read_team_values_by_members(
                Source, domain, aggregates, slices, owner_ids
            )
        else:
            groupby_field = kpi.user_field_id.name
        domain = expression.AND([domain, [(groupby_field, "in", owner_ids)]])
        for owner, *row in Source._read_group(domain, [groupby_field], aggregates):
            for k in self:
                result[k.id][owner.id] = k._aggregate_value(
                    [row[i] for i in slices[k.id]]
                )
        return result

    def _read_team_values_by_members(
        self, Source, domain, aggregates, slices, team_ids
    ):
        """Team values of KPIs without a team field: their members' documents
        (a member of two teams counts in both)."""
        memberships = (
            self.env["crm.team.member"]
            .sudo()
            .search_read([("crm_team_id", "in", team_ids)], ["crm_team_id", "user_id"])
        )
        teams_by_user = defaultdict(list)
        for membership in memberships:
            teams_by_user[membership["user_id"][0]].append(membership["crm_team_id"][0])
        user_field = self[:1].user_field_id.name
        domain = expression.AND([domain, [(user_field, "in", list(teams_by_user))]])
        # Each aggregate summed over the members, per team.
        totals = defaultdict(lambda: [0.0] * len(aggregates))
        for user, *row in Source._read_group(domain, [user_field], aggregates):
            for team_id in teams_by_user[user.id]:
                team_totals = totals[team_id]
                for index, value in enumerate(row):
                    team_totals[index] += value or 0.0
        return {
            k.id: {
                team: k._aggregate_value([totals[team][i] for i in slices[k.id]])
                if team in totals
                else 0.0
                for team in team_ids
            }
            for k in self
        }
