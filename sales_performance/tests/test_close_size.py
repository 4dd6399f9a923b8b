from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import PerformanceCommon


@tagged("post_install", "-at_install")
class TestCloseSize(PerformanceCommon):
    """Which close runs in the click and which in the background, by the
    company's size (the background run itself is tested on committed data in
    sales_performance_incentive/tests/test_background_close.py)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for rep in cls.rep_1 | cls.rep_2 | cls.rep_3:
            cls._target(1000.0, owner=rep, period=cls.jan)

    def test_small_period_closes_in_the_click(self):
        """At or below the size, the period is closed when the click returns,
        without a background job."""
        self.env.company.performance_close_background_size = 3
        self.assertIs(self.jan.with_user(self.perf_admin).action_close(), True)
        self.assertEqual(self.jan.state, "closed")
        self.assertFalse(self.jan.close_job_id)

    def test_large_period_is_planned_in_chunks(self):
        """Above the size, the click plans the chunks (company and team
        targets, then the salespeople, teams together) and leaves the period
        open, closing in the background; a second close is refused."""
        self.env.company.write(
            {"performance_close_background_size": 2, "performance_close_chunk_size": 2}
        )
        action = self.jan.with_user(self.perf_admin).action_close()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self.jan.state, "open")
        self.assertEqual(self.jan.close_state, "running")
        chunks = self.jan.close_job_id.chunk_ids.sorted("sequence")
        self.assertEqual(
            [chunk.user_ids for chunk in chunks],
            [self.env["res.users"], self.rep_1 | self.rep_2, self.rep_3],
        )
        self.assertEqual(
            (self.jan.close_chunk_done_count, self.jan.close_chunk_count), (0, 3)
        )
        with self.assertRaisesRegex(UserError, "already runs in the background"):
            self.jan.with_user(self.perf_admin).action_close()
        with self.assertRaisesRegex(UserError, "already runs in the background"):
            self.jan.with_user(self.perf_admin).action_open_close_wizard()

    def test_only_administrators_close(self):
        """An HR officer may read the period but not close it, above the
        size as below: nothing is planned."""
        self.env.company.performance_close_background_size = 1
        with self.assertRaises(AccessError):
            self.jan.with_user(self.hr_officer).action_close()
        self.assertFalse(self.jan.close_job_id)

    def test_sizes_are_checked(self):
        """A negative size or an empty chunk is refused."""
        with self.assertRaises(ValidationError):
            self.env.company.performance_close_chunk_size = 0
        with self.assertRaises(ValidationError):
            self.env.company.performance_close_background_size = -1
