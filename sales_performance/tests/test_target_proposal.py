from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged

from .common import PerformanceCommon

PROPOSED = "sales_performance.mail_activity_type_target_proposed"
COUNTERED = "sales_performance.mail_activity_type_target_countered"
DEADLINE = date(2025, 1, 25)


@tagged("post_install", "-at_install")
@freeze_time("2025-01-20")
class TestTargetProposal(PerformanceCommon):
    """Targets of February agreed in January: team A's revenue target of
    1,000.01 split equally between rep_1 and rep_2."""

    @classmethod
    def default_env_context(cls):
        # Tracking on: the agreed value is tracked in the target's chatter.
        return {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.performance_hr_user_id = cls.hr_officer
        with freeze_time("2025-01-20"):
            cls.team_target = cls._target(
                1000.01, owner=cls.team_a, period=cls.feb, allocation_method="equal"
            )
            cls.round = (
                cls.env["performance.target.round"]
                .with_user(cls.leader_a)
                .create(
                    {
                        "period_id": cls.feb.id,
                        "team_id": cls.team_a.id,
                        "deadline": "2025-01-25",
                    }
                )
            )
            cls.round.action_propose()
        cls.round = cls.round.with_user(cls.env.user)
        cls.p1 = cls.round.proposal_ids.filtered(lambda p: p.user_id == cls.rep_1)
        cls.p2 = cls.round.proposal_ids.filtered(lambda p: p.user_id == cls.rep_2)

    def _activity(self, proposal, xmlid):
        return proposal.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.env.ref(xmlid)
        )

    def _counter(self, proposal, user, value, reason="Lost my biggest account"):
        proposal.with_user(user).action_counter(value, reason)

    # ------------------------------------------------------------
    # States
    # ------------------------------------------------------------

    def test_propose_splits_exactly_and_counts_nothing(self):
        """Proposals split the team target exactly; the targets keep their
        value (zero) and each salesperson gets an activity."""
        self.assertEqual(self.round.state, "open")
        self.assertEqual(
            sorted(self.round.proposal_ids.mapped("proposed_value")), [500.0, 500.01]
        )
        self.assertEqual(sum(self.round.proposal_ids.mapped("proposed_value")), 1000.01)
        self.assertEqual(self.team_target.child_ids.mapped("target_value"), [0.0, 0.0])
        self.assertEqual(self.p1.state, "proposed")
        self.assertEqual(self._activity(self.p1, PROPOSED).user_id, self.rep_1)

    def test_rep_accepts(self):
        """The salesperson accepts: the target takes the value, tracked."""
        self.cr.precommit.run()  # the targets were created in setUpClass
        self.p1.with_user(self.rep_1).action_accept()
        self.assertEqual(self.p1.state, "agreed")
        target = self.p1.target_id
        self.assertEqual(target.target_value, self.p1.proposed_value)
        self.env.flush_all()
        self.cr.precommit.run()  # tracking is written when the transaction commits
        target.invalidate_recordset(["message_ids"])
        tracked = target.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "target_value"
        )
        self.assertEqual(tracked.new_value_float, self.p1.proposed_value)
        self.assertFalse(self._activity(self.p1, PROPOSED))
        self.assertEqual(self.round.state, "open")

    def test_counter_then_leader_accepts(self):
        """A counter-proposal waits on the leader, whose acceptance sets the
        value; the round is agreed when every target is."""
        self.p1.with_user(self.rep_1).action_accept()
        self._counter(self.p2, self.rep_2, 400.0)
        self.assertEqual(self.p2.state, "countered")
        self.assertEqual(self.p2.counter_reason, "Lost my biggest account")
        self.assertEqual(self._activity(self.p2, COUNTERED).user_id, self.leader_a)
        self.assertEqual(self.p2.target_id.target_value, 0.0)
        self.p2.with_user(self.leader_a).action_accept()
        self.assertEqual(self.p2.state, "agreed")
        self.assertEqual(self.p2.target_id.target_value, 400.0)
        self.assertFalse(self.p2.activity_ids)
        self.assertEqual(self.round.state, "agreed")

    def test_leader_refuses(self):
        """A refused counter-proposal settles the target at the value proposed."""
        self._counter(self.p2, self.rep_2, 400.0)
        wizard = Form(
            self.env["performance.target.proposal.answer"]
            .with_user(self.leader_a)
            .with_context(default_proposal_id=self.p2.id, default_answer="refuse")
        )
        wizard.reason = "The account is replaced by two new ones"
        wizard.save().action_confirm()
        self.assertEqual(self.p2.state, "decided")
        self.assertEqual(self.p2.target_id.target_value, self.p2.proposed_value)
        self.assertEqual(
            self.p2.answer_reason, "The account is replaced by two new ones"
        )

    def test_leader_counters(self):
        """The leader's counter goes back to the salesperson with the new value."""
        self._counter(self.p2, self.rep_2, 400.0)
        self._counter(self.p2, self.leader_a, 450.0, "Meet me half-way")
        self.assertEqual(self.p2.state, "proposed")
        self.assertEqual(self.p2.proposed_value, 450.0)
        self.assertEqual(self._activity(self.p2, PROPOSED).user_id, self.rep_2)
        self.p2.with_user(self.rep_2).action_accept()
        self.assertEqual(self.p2.target_id.target_value, 450.0)

    def test_hr_decides_after_deadline(self):
        """HR decides an open target once the deadline is over, not before."""
        self._counter(self.p2, self.rep_2, 400.0)
        hr_p2 = self.p2.with_user(self.hr_officer)
        with self.assertRaisesRegex(UserError, "once the deadline"):
            hr_p2.action_decide(420.0, "Fair middle")
        self.assertEqual(self.p2.state, "countered")
        with freeze_time("2025-01-26"):
            hr_p2.action_decide(420.0, "Fair middle")
        self.assertEqual(self.p2.state, "decided")
        self.assertEqual(self.p2.target_id.target_value, 420.0)
        with self.assertRaises(AccessError):
            self.p1.with_user(self.leader_a).action_decide(1.0, "Not HR")

    def test_leader_closes_round(self):
        """Closing the round settles the open targets at the value proposed."""
        self._counter(self.p2, self.rep_2, 400.0)
        self.round.with_user(self.leader_a).action_close()
        self.assertEqual(self.round.state, "agreed")
        self.assertEqual(set(self.round.proposal_ids.mapped("state")), {"decided"})
        self.assertEqual(
            sorted(self.team_target.child_ids.mapped("target_value")), [500.0, 500.01]
        )
        self.assertFalse(self.round.proposal_ids.activity_ids)

    def test_inflation_warning(self):
        """Values on the table above the team target beyond the tolerance warn."""
        self.env.company.performance_inflation_tolerance = 5.0
        self.assertFalse(self.round.is_inflated)
        self._counter(self.p2, self.rep_2, 400.0)
        self._counter(self.p2, self.leader_a, 700.0, "You can do more")
        self.assertTrue(self.round.is_inflated)
        self.assertIn("1,200.01", self.round.summary)

    def test_agreed_target_changes_as_before(self):
        """A target under negotiation changes only through its proposal; once
        agreed it changes as any target."""
        target = self.p1.target_id
        with self.assertRaisesRegex(UserError, "negotiated"):
            target.with_user(self.leader_a).target_value = 700.0
        with self.assertRaisesRegex(UserError, "negotiated"):
            self.team_target.with_user(self.hr_officer).action_allocate()
        self.p1.with_user(self.rep_1).action_accept()
        with freeze_time("2025-02-03"):
            with self.assertRaisesRegex(UserError, "give a reason"):
                target.with_user(self.leader_a).target_value = 700.0
            target.with_user(self.leader_a).write(
                {"target_value": 700.0, "change_reason": "New territory"}
            )
        self.assertEqual(target.target_value, 700.0)

    # ------------------------------------------------------------
    # Access
    # ------------------------------------------------------------

    def test_rep_sees_only_own_proposals(self):
        """A salesperson reads and answers only their own proposals."""
        Proposal = self.env["performance.target.proposal"].with_user(self.rep_1)
        self.assertEqual(Proposal.search([]), self.p1)
        self.assertEqual(
            self.rep_1.with_user(self.rep_1).performance_proposal_ids, self.p1
        )
        with self.assertRaises(AccessError):
            self.p2.with_user(self.rep_1).action_accept()
        with self.assertRaises(AccessError):
            self.p1.with_user(self.rep_1).write({"proposed_value": 1.0})
        self.assertEqual(self.p2.state, "proposed")

    def test_leader_sees_only_own_team(self):
        """A leader reads and answers the proposals of the teams they lead only."""
        Proposal = self.env["performance.target.proposal"].with_user(self.leader_b)
        self.assertFalse(Proposal.search([]))
        self._counter(self.p2, self.rep_2, 400.0)
        with self.assertRaises(AccessError):
            self.p2.with_user(self.leader_b).action_accept()
        with self.assertRaises(AccessError):
            self.env["performance.target.round"].with_user(self.leader_b).create(
                {
                    "period_id": self.mar.id,
                    "team_id": self.team_a.id,
                    "deadline": "2025-02-20",
                }
            ).action_propose()
        self.assertEqual(self.p2.state, "countered")

    def test_rep_cannot_answer_their_own_counter(self):
        """The salesperson waits on the leader after countering."""
        self._counter(self.p2, self.rep_2, 400.0)
        with self.assertRaisesRegex(UserError, "waits on the leader"):
            self.p2.with_user(self.rep_2).action_accept()

    # ------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------

    def test_bad_input_changes_nothing(self):
        """A counter without reason or negative, or on a closed round, is
        refused and changes nothing."""
        rep_p1 = self.p1.with_user(self.rep_1)
        with self.assertRaisesRegex(UserError, "reason"):
            rep_p1.action_counter(400.0, "  ")
        with self.assertRaisesRegex(UserError, "cannot be negative"):
            rep_p1.action_counter(-1.0, "Too much")
        self.assertEqual(self.p1.state, "proposed")
        self.assertEqual(self.p1.counter_value, 0.0)
        self.round.with_user(self.leader_a).action_close()
        with self.assertRaisesRegex(UserError, "not negotiating"):
            rep_p1.action_counter(400.0, "Too late")
        with self.assertRaisesRegex(UserError, "not negotiating"):
            self.round.with_user(self.leader_a).action_close()
        self.assertEqual(self.p1.state, "decided")
        self.assertEqual(self.p1.target_id.target_value, self.p1.proposed_value)

    def test_round_needs_coming_period_and_team_target(self):
        """A round is opened for a coming period and a team with targets."""
        Round = self.env["performance.target.round"].with_user(self.leader_a)
        started = Round.create(
            {"period_id": self.jan.id, "team_id": self.team_a.id, "deadline": DEADLINE}
        )
        with self.assertRaisesRegex(UserError, "coming period"):
            started.action_propose()
        empty = Round.create(
            {"period_id": self.mar.id, "team_id": self.team_a.id, "deadline": DEADLINE}
        )
        with self.assertRaisesRegex(UserError, "no target"):
            empty.action_propose()
        self.assertEqual(empty.state, "draft")
        self.assertFalse(empty.proposal_ids)
