from odoo.tests import tagged

from .common import HrLinkCommon


@tagged("post_install", "-at_install")
class TestHrApproverAccess(HrLinkCommon):
    """The approver from the HR hierarchy gets the work only when they can
    read it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.apr = cls.months[3]
        cls.boss = cls._hire(cls.leader_b, name="Boss")
        cls.emp_3 = cls._hire(cls.rep_3, parent_id=cls.boss.id)
        cls.team_b.user_id = False

    def test_manager_who_cannot_read_hands_over(self):
        """rep_3's manager approves their statements, but reads none of them
        (neither their team's leader nor their department's manager): the
        approval goes to an incentive administrator, who approves it."""
        # Nothing is earned: without the option, the statement would approve
        # itself on submission.
        plan = self._plan(
            [{"kind": "percentage", "rate": 1}],
            users=self.rep_3,
            auto_approve_zero=False,
        )
        statement = self._statement(plan, self.rep_3, self.apr)
        self.assertEqual(statement._get_responsible_for_approval(), self.leader_b)
        self.assertFalse(statement.with_user(self.leader_b).has_access("read"))
        statement.action_submit()
        approver = statement.activity_ids.user_id
        self.assertNotEqual(approver, self.leader_b)
        self.assertTrue(
            approver.has_group("sales_performance_incentive.group_incentive_admin")
        )
        statement.with_user(approver).action_approve()
        self.assertEqual(statement.state, "approved")
