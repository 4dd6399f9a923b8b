from odoo import _, fields, models


class PerformanceScorecard(models.Model):
    _name = "performance.scorecard"
    _inherit = ["performance.scorecard", "performance.hr.mixin"]

    def _move_to(self, state, note=None):
        res = super()._move_to(state, note=note)
        if state == "approved":
            self._schedule_trainings()
        # Approving, reopening or resolving an appeal changes the approved
        # ratings the promotion readiness counts.
        self.employee_id._update_performance_promotion()
        return res

    def _schedule_trainings(self):
        """For each KPI of these approved scorecards scoring below the
        training threshold of its template line: the recommended training, as
        an activity of the salesperson on the scorecard. Once per line."""
        lines = self.line_ids.filtered(
            lambda line: (
                not line.training_scheduled
                and line.template_line_id.training_threshold
                and line.score < line.template_line_id.training_threshold
                and line.scorecard_id.user_id.active
            )
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        entries = []
        for line in lines:
            template_line = line.template_line_id
            entries.append(
                {
                    "record": line.scorecard_id,
                    "activity_type": template_line.training_activity_type_id or todo,
                    "user": line.scorecard_id.user_id,
                    # A plan of the salesperson's, not work waiting on them:
                    # due after the activity type's delay. Without access
                    # (their own scorecards, once they have the group), their
                    # leader organises it; else it is logged and left out.
                    "date_deadline": (
                        template_line.training_activity_type_id or todo
                    )._get_date_deadline(),
                    "groups": ("sales_performance.group_performance_user",),
                    "readable": line.scorecard_id.user_id,
                    "fallback": line.scorecard_id._get_responsible_for_approval,
                    "if_denied": "skip",
                    "summary": _(
                        "Training: %(action)s", action=template_line.training_action
                    ),
                    "note": _(
                        "%(kpi)s scored %(score)s in %(period)s, below %(threshold)s: "
                        "%(action)s.",
                        kpi=line.kpi_id.name,
                        score=round(line.score, 1),
                        period=line.scorecard_id.period_id.name,
                        threshold=template_line.training_threshold,
                        action=template_line.training_action,
                    ),
                }
            )
        self._schedule_activities(entries)
        lines.sudo().training_scheduled = True


class PerformanceScorecardLine(models.Model):
    _inherit = "performance.scorecard.line"

    training_scheduled = fields.Boolean(
        readonly=True,
        copy=False,
        help="The recommended training of this KPI was scheduled for the salesperson.",
    )
