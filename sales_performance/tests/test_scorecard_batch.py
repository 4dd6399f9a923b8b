from odoo import Command
from odoo.tests import freeze_time, new_test_user, tagged

from .common import REP_GROUPS
from .test_scorecard import ScorecardCommon

# The chatter as a company runs it: the test base turns it off.
MAIL_ON = {
    "tracking_disable": False,
    "mail_create_nolog": False,
    "mail_create_nosubscribe": False,
    "mail_notrack": False,
}


@tagged("post_install", "-at_install")
class TestScorecardBatch(ScorecardCommon):
    """Generating the scorecards of many salespeople at once."""

    def _messages(self, cards, message_type):
        # sudo: notifications are only readable by their recipients.
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "performance.scorecard"),
                    ("res_id", "in", cards.ids),
                    ("message_type", "=", message_type),
                ]
            )
        )

    def test_generation_subscribes_and_logs_without_mails(self):
        """Each salesperson follows their new scorecard with the default
        subtypes and has its self review activity; each scorecard logs its
        creation; nobody gets an "assigned to you" mail."""
        template = self.template.with_context(**MAIL_ON)
        mails_before = self.env["mail.mail"].search_count([])
        cards = template.generate_scorecards(self.jan)
        self.assertEqual(cards.user_id, self.rep_1 | self.rep_2)
        self.assertEqual(set(cards.mapped("state")), {"self_review"})
        default = self.env["mail.message.subtype"].default_subtypes(
            "performance.scorecard"
        )[0]
        for card in cards:
            # The salesperson, and the person who generated (as in Odoo).
            self.assertEqual(
                card.message_follower_ids.partner_id,
                card.user_id.partner_id | self.env.user.partner_id,
            )
            self.assertEqual(
                card.message_follower_ids.filtered(
                    lambda follower, card=card: (
                        follower.partner_id == card.user_id.partner_id
                    )
                ).subtype_ids,
                default,
            )
            self.assertEqual(card.activity_ids.user_id, card.user_id)
            self.assertEqual(len(self._messages(card, "notification")), 1)
        self.assertFalse(self._messages(cards, "user_notification"))
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        # Generating again adds nobody and nothing.
        followers = cards.message_follower_ids
        template.generate_scorecards(self.jan)
        self.assertEqual(cards.message_follower_ids, followers)
        self.assertEqual(len(cards.activity_ids), 2)

    def test_one_scorecard_moving_on_notifies_the_next_person(self):
        """A single step (the rep submits) keeps Odoo's notification to the
        team leader, who then follows the scorecard."""
        card = (
            self.template.with_context(**MAIL_ON)
            .generate_scorecards(self.jan)
            .filtered(lambda card: card.user_id == self.rep_1)
        )
        card.with_user(self.rep_1).with_context(**MAIL_ON).action_submit()
        notices = self._messages(card, "user_notification")
        self.assertEqual(notices.partner_ids, self.leader_a.partner_id)
        self.assertIn(self.leader_a.partner_id, card.message_follower_ids.partner_id)
        self.assertEqual(card.activity_ids.user_id, self.leader_a)

    def test_generation_queries_do_not_grow_with_salespeople(self):
        """Generating scorecards costs the same queries for two salespeople
        as for eight."""
        extra = [
            new_test_user(self.env, login=f"batch_{i}", groups=REP_GROUPS)
            for i in range(8)
        ]
        self.team_b.member_ids = [Command.set([user.id for user in extra])]
        template_b = self.template.copy({"team_ids": [Command.set(self.team_b.ids)]})
        with freeze_time("2025-06-02 10:00:00"):
            # Warm the registry caches on another period first.
            (self.template | template_b).with_context(**MAIL_ON).generate_scorecards(
                self.feb
            )
            few = self._count_queries(
                lambda: self.template.with_context(**MAIL_ON).generate_scorecards(
                    self.jan
                )
            )
            many = self._count_queries(
                lambda: template_b.with_context(**MAIL_ON).generate_scorecards(self.mar)
            )
        self.assertEqual(few, many)
        self.assertEqual(
            self.env["performance.scorecard"].search_count(
                [("template_id", "=", template_b.id), ("period_id", "=", self.mar.id)]
            ),
            8,
        )
