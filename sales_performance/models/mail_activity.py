from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        self._check_not_waiting()
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def unlink(self):
        self._check_not_waiting()
        return super().unlink()

    def _check_not_waiting(self):
        """The queue cannot lose an item: while a record waits on a person,
        the activity of that step is closed by the step (approve, refuse,
        submit...), never by "Mark Done" or a cancel. The workflows close
        their activities as the system, once the record has moved on."""
        if self.env.su or not self:
            return
        # sudo: the records behind the activities, whoever marks them.
        activities = self.sudo()
        for model in set(activities.mapped("res_model")):
            Model = self.env.get(model)
            if Model is None or not hasattr(Model, "_get_waiting_activities"):
                continue
            of_model = activities.filtered(lambda a, m=model: a.res_model == m)
            records = Model.sudo().browse(of_model.mapped("res_id")).exists()
            waiting = records._get_waiting_activities(of_model)
            if waiting:
                activity = waiting[0]
                raise records.browse(activity.res_id)._get_waiting_error(activity)
