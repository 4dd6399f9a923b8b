"""Read an analysis as a user opening it from its menu does: the action's
search defaults, the view's default groupings and measures, in one
``read_group``; then check that no group adds what should not be added."""

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

# Measures that are shares, rates or averages: never a plain sum.
PERCENT_WORDS = {"pct", "rate", "attainment", "score", "share"}


class AnalysisDefaultsMixin:
    """For a ``TransactionCase``."""

    def _eval_context(self):
        today = fields.Date.context_today(self.env["res.users"])
        return {
            "uid": self.env.uid,
            "context_today": lambda: today,
            "relativedelta": relativedelta,
            "datetime": datetime,
            "date": date,
        }

    def _default_read(self, xmlid, view_type):
        """``(model, domain, groupby, measures, groups)`` of the action's
        ``view_type`` view as it opens by default."""
        action = self.env.ref(xmlid)
        model = self.env[action.res_model]
        context = safe_eval(action.context or "{}", self._eval_context())
        search_arch = etree.fromstring(
            model.get_view(action.search_view_id.id, "search")["arch"]
        )
        domain, groupby = [], []
        for node in search_arch.iter("filter"):
            if not context.get(f"search_default_{node.get('name')}"):
                continue
            if node.get("domain"):
                domain = expression.AND(
                    [domain, safe_eval(node.get("domain"), self._eval_context())]
                )
            elif node.get("date"):
                # Date filters default to the current period of their field.
                today = self._eval_context()["context_today"]()
                period = node.get("default_period", "month")
                start = (
                    today.replace(month=1, day=1)
                    if period == "year"
                    else today.replace(day=1)
                )
                end = start + (
                    relativedelta(years=1)
                    if period == "year"
                    else relativedelta(months=1)
                )
                domain = expression.AND(
                    [
                        domain,
                        [(node.get("date"), ">=", start), (node.get("date"), "<", end)],
                    ]
                )
            elif node.get("context"):
                group = safe_eval(node.get("context")).get("group_by")
                if group:
                    groupby.append(group)
        arch = etree.fromstring(model.get_view(False, view_type)["arch"])
        if not groupby:
            if view_type == "pivot":
                groupby = [
                    f.get("name") for f in arch.iter("field") if f.get("type") == "row"
                ]
            else:
                groupby = [
                    f.get("name")
                    for f in arch.iter("field")
                    if f.get("type") != "measure"
                ][:1]
        measures = [
            f.get("name") for f in arch.iter("field") if f.get("type") == "measure"
        ]
        specs = [f"{m}:{model._fields[m].aggregator or 'sum'}" for m in measures]
        groups = model.read_group(domain, specs, groupby[:1], lazy=False)
        return model, domain, groupby, measures, groups

    def assertDefaultTrue(self, xmlid, view_type, same=(), min_groups=1):
        """Every group of the default read holds one value of each path in
        ``same`` (a unit, a period type...); its percent measures are
        averages or ratios, never sums."""
        model, domain, groupby, measures, groups = self._default_read(xmlid, view_type)
        self.assertGreaterEqual(
            len(groups), min_groups, f"{xmlid} {view_type}: the default shows nothing"
        )
        for measure in measures:
            field = model._fields[measure]
            if "%" in field.string or PERCENT_WORDS & set(measure.split("_")):
                self.assertIn(
                    field.aggregator,
                    ("avg", "min", "max"),
                    f"{xmlid}: the percent measure {measure} is added up",
                )
        for group in groups:
            records = model.search(group["__domain"])
            for path in same:
                values = set(records.mapped(path))
                self.assertLessEqual(
                    len(values),
                    1,
                    f"{xmlid} {view_type}: {group.get(groupby[0])} mixes {path}",
                )
        return groups
