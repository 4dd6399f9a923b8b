from datetime import timedelta

from odoo import _, api, models
from odoo.exceptions import UserError

from ..tools import week as week_tools


class PerformancePeriodWeek(models.AbstractModel):
    """Weeks, part of ``performance.period``. A week starts on the first day of
    the week of the company's language (Settings > Languages, *First Day of
    Week*) and lasts seven days. Weeks are standalone periods, without a parent:
    a week often straddles two months (and once a year two fiscal years), so it
    is no part of either; the months, quarters and years read their documents
    themselves and never add up weeks. Weeks are named after the ISO week that
    holds most of their days (``2026-W50``)."""

    _name = "performance.period.week"
    _description = "Weeks of the Periods"

    @api.model
    def _get_week_start(self, day, company):
        """The first day of the week holding ``day`` for ``company``."""
        lang_code = company.partner_id.lang or self.env.lang or "en_US"
        lang = self.env["res.lang"]._lang_get(lang_code) or self.env[
            "res.lang"
        ]._lang_get("en_US")
        # res.lang counts Monday as 1, Python's weekday() as 0.
        return week_tools.week_start(day, int(lang.week_start or 1) - 1)

    @api.model
    def _prepare_week_vals(self, week_start, company):
        return {
            "name": week_tools.week_name(week_start),
            "period_type": "week",
            "date_start": week_start,
            "date_end": week_start + timedelta(days=6),
            "company_id": company.id,
        }

    @api.model
    def generate_weeks(self, date_from, date_to, company=None):
        """Create the weeks of ``company`` that start between ``date_from``
        and ``date_to`` (the week holding ``date_from`` included), leaving
        the existing ones; return every week of the range."""
        company = company or self.env.company
        if date_to < date_from:
            raise UserError(_("The weeks to generate cannot end before they start."))
        first = self._get_week_start(date_from, company)
        starts = []
        day = first
        while day <= date_to:
            starts.append(day)
            day += timedelta(days=7)
        existing = self.search(
            [
                ("company_id", "=", company.id),
                ("period_type", "=", "week"),
                ("date_start", "in", starts),
            ]
        )
        known = set(existing.mapped("date_start"))
        weeks = self.create(
            [
                self._prepare_week_vals(start, company)
                for start in starts
                if start not in known
            ]
        )
        return (existing | weeks).sorted("date_start")

    @api.model
    def _get_week(self, day, company):
        """The week of ``company`` holding ``day``, created when missing."""
        return self.generate_weeks(day, day, company)[:1]
