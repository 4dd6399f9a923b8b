from datetime import date

from odoo.tests import tagged
from odoo.tools import SQL

from .common import JAN_15
from .test_scorecard import ScorecardCommon


@tagged("post_install", "-at_install")
class TestPeriodClose(ScorecardCommon):
    """The close of a period: target actuals, then scorecards, each KPI read
    once for all of it."""

    def _count_kpi_reads(self):
        """From now on, list the grouped KPI reads in ``self.kpi_reads``: the
        SELECTs over the sources of the template's KPIs (invoices and the
        invoice analysis). Every query still runs."""
        self.kpi_reads = []
        execute = type(self.cr).execute

        def counting(cr, query, params=None, log_exceptions=True):
            text = query.code if isinstance(query, SQL) else str(query)
            if text.lstrip().startswith("SELECT") and (
                '"performance_invoice_report"' in text or 'SUM("account_move"' in text
            ):
                self.kpi_reads.append(text)
            return execute(cr, query, params, log_exceptions)

        self.patch(type(self.cr), "execute", counting)

    def _kpi_reads(self, function):
        self.env.flush_all()
        self.env.invalidate_all()
        self.kpi_reads.clear()
        function()
        self.env.flush_all()
        return len(self.kpi_reads)

    def test_close_refreshes_targets_then_scorecards(self):
        """Actuals of targets and scorecard lines come out equal, missing
        scorecards of templates in use are made, others are not started."""
        self._invoices([(self.rep_1, 300.0, JAN_15), (self.rep_2, 120.0, JAN_15)])
        target = self._target(1000.0, owner=self.rep_1, period=self.jan)
        first = self._rep_card()
        unused = self.template.copy({"name": "Unused Template"})
        self._invoices([(self.rep_1, 200.0, date(2025, 1, 20))])
        self.jan._run_close()
        self.assertEqual(target.actual, 500.0)
        self.assertEqual(self._line(first, self.kpi_revenue).actual, 500.0)
        self.assertEqual(self._line(first, self.kpi_revenue).target, 1000.0)
        cards = self.env["performance.scorecard"].search(
            [("period_id", "=", self.jan.id)]
        )
        self.assertEqual(cards.template_id, self.template)
        self.assertEqual(
            self._line(
                cards.filtered(lambda card: card.user_id == self.rep_2),
                self.kpi_revenue,
            ).actual,
            120.0,
        )
        self.assertFalse(unused.id in cards.template_id.ids)

    def test_close_reads_each_kpi_once(self):
        """Inside a close the scorecards read no KPI the targets read; alone,
        they read them again."""
        self._invoices([(self.rep_1, 300.0, JAN_15)])
        users = self.team_a.member_ids
        for kpi in (self.kpi_revenue, self.kpi_collection, self.kpi_new):
            for user in users:
                self._target(100.0, kpi=kpi, owner=user, period=self.jan)
        self._rep_card()
        self._count_kpi_reads()
        alone = self._kpi_reads(
            lambda: (
                self.env["performance.target"]
                .search([("period_id", "=", self.jan.id)])
                .action_compute(),
                self.template.generate_scorecards(self.jan),
            )
        )
        in_close = self._kpi_reads(self.jan._run_close)
        # Revenue, collected and invoiced totals (one read: same records),
        # new customers: three reads for the targets, the same three again
        # for the scorecards alone.
        self.assertEqual(alone, 6)
        self.assertEqual(in_close, 3)

    def test_close_button_refreshes_before_freezing(self):
        """Closing runs the close, then the period's targets keep their
        actuals whatever comes after."""
        target = self._target(1000.0, owner=self.rep_1, period=self.jan)
        card = self._rep_card()
        self._invoices([(self.rep_1, 300.0, JAN_15)])
        self.jan.with_user(self.perf_admin).action_close()
        self.assertEqual(self.jan.state, "closed")
        self.assertEqual(target.actual, 300.0)
        self.assertEqual(self._line(card, self.kpi_revenue).actual, 300.0)
        self._invoices([(self.rep_1, 50.0, JAN_15)])
        self.env["performance.target"]._cron_compute_actuals()
        self.assertEqual(target.actual, 300.0)
