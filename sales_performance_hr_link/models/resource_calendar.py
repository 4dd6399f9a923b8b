from datetime import timedelta

from pytz import utc

from odoo import fields, models


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _get_performance_own_resources(self, resources, start, end):
        """The ``resources`` whose working days from ``start`` to ``end``
        under this schedule are their own: on another schedule or none,
        with flexible hours, or with attendances or leaves of their own.
        The others of a company share the schedule's days and public
        holidays, so the proration computes them once. Two queries."""
        self.ensure_one()
        if self.flexible_hours:
            return resources
        own = resources.filtered(lambda resource: resource.calendar_id != self)
        plain = resources - own
        if not plain:
            return own
        # sudo: the proration reads HR schedules for whoever refreshes.
        attendances = (
            self.env["resource.calendar.attendance"]
            .sudo()
            ._read_group(
                [("calendar_id", "=", self.id), ("resource_id", "in", plain.ids)],
                ["resource_id"],
            )
        )
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            ._read_group(
                [
                    ("resource_id", "in", plain.ids),
                    # A day either side: taking a resource as one of its
                    # own for nothing only costs one more computation.
                    ("date_from", "<=", _utc(end + timedelta(days=1))),
                    ("date_to", ">=", _utc(start - timedelta(days=1))),
                ],
                ["resource_id"],
            )
        )
        return own.union(*(resource for [resource] in attendances + leaves))


def _utc(moment):
    return fields.Datetime.to_string(moment.astimezone(utc).replace(tzinfo=None))
