from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .batch import flush_rows


class PerformanceWorkflowMixin(models.AbstractModel):
    """What every record that waits on a person shares: scorecards,
    statements, disputes and every later workflow.

    A workflow model has a ``state`` selection, and ``user_id`` (the person
    the record is about), ``manager_id`` (their team leader) and
    ``company_id``. Its ``action_*`` methods check who acts, then
    ``_check_state`` (which locks the rows) and ``_move_to``, the one place
    that writes the state. ``_move_to`` posts the note and runs
    ``_activity_update``, which keeps one activity per record for the person
    its state waits on, as told by ``_get_state_activities``.

    ``_schedule_activities`` is the one way the suite creates activities,
    here and for the records that are no workflow (pace alerts, anomaly
    flags, trainings, promotions, plan acceptance)."""

    _name = "performance.workflow.mixin"
    _description = "Performance Workflow"
    _inherit = ["mail.thread", "mail.activity.mixin"]

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    def _get_state_activities(self):
        """``{state: (activity type, responsible)}``: the activity a record
        waiting in ``state`` puts in a person's queue. ``responsible`` is the
        name of a method of one record that returns that person (empty: no
        activity). States absent from the map wait on nobody."""
        return {}

    def _get_state_activity_vals(self, state):
        """Further values of the activities of ``state`` (``summary``,
        ``date_deadline``...), once per state and batch. By default the
        activity type's summary and deadline."""
        return {}

    def _get_responsible_for_approval(self):
        """Who approves this record: the leader of the salesperson's team,
        never the salesperson. *HR link*: else the employee's manager, else
        the department manager."""
        self.ensure_one()
        leader = self.manager_id
        return leader if leader != self.user_id else self.env["res.users"]

    def _get_waiting_on(self):
        """The person this record waits on now (empty: nobody)."""
        self.ensure_one()
        responsible = self._get_state_activities().get(self.state, (None, None))[1]
        return getattr(self, responsible)() if responsible else self.env["res.users"]

    # ------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------

    def _lock(self, skip_locked=False):
        """Lock the rows before a transition or a refresh, without waiting:
        of two people acting on the same record at once, one goes through and
        the other gets a concurrency error that Odoo retries (and that then
        finds the step already taken). With ``skip_locked`` (or the context
        key ``performance_skip_locked``, for scheduled jobs), rows locked by
        someone else are left out instead. Returns the records locked."""
        if not self.ids:
            return self
        skip = skip_locked or self.env.context.get("performance_skip_locked")
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE %s",
                SQL.identifier(self._table),
                tuple(self.ids),
                SQL("SKIP LOCKED") if skip else SQL("NOWAIT"),
            )
        )
        locked = {row[0] for row in self.env.cr.fetchall()}
        # What is pending on them (values computed at creation) is written in
        # one UPDATE per model before the cache is dropped.
        self._flush_before_lock()
        self.invalidate_recordset()
        return self.filtered(lambda record: record.id in locked)

    def _flush_before_lock(self):
        flush_rows(self)

    def _check_state(self, *states):
        """Lock these records and check that each is at one of ``states``;
        return the records locked."""
        records = self._lock()
        for record in records:
            if record.state not in states:
                raise record._get_state_error()
        return records

    def _get_state_error(self):
        return UserError(
            _(
                "%(record)s is %(state)s: this action does not apply.",
                record=self.display_name,
                state=self._get_selection_label("state", self.state),
            )
        )

    def _get_selection_label(self, field_name, value):
        selection = self._fields[field_name]._description_selection(self.env)
        return dict(selection)[value]

    def _move_to(self, state, note=None):
        """The one place that writes the state: the caller has checked who
        acts and the state it moves from. Posts ``note`` and brings the
        activities in line."""
        # sudo: nobody writes the state field by hand.
        self.sudo().write({"state": state})
        if note:
            for record in self:
                record.message_post(body=note, subtype_xmlid="mail.mt_note")
        self._activity_update()

    # ------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------

    def _activity_update(self):
        """Keep one activity per record for the person its state waits on;
        mark the activities of the steps already taken as done. Batch: one
        feedback and one create for all the records."""
        by_state = self._get_state_activities()
        types = self.env["mail.activity.type"].union(
            *(activity_type for activity_type, _method in by_state.values())
        )
        # sudo: the person acting may not see the activity of the step they
        # complete (it belongs to the previous responsible).
        activities = self.sudo().activity_ids.filtered(
            lambda activity: activity.activity_type_id in types
        )
        state_by_id = {record.id: record.state for record in self}
        done = activities.filtered(
            lambda activity: (
                activity.activity_type_id
                != by_state.get(state_by_id.get(activity.res_id), (None,))[0]
            )
        )
        done.action_feedback(feedback=_("Step completed."))
        waiting = {activity.res_id for activity in activities - done}
        vals_by_state = {}
        entries = []
        for record in self:
            if record.state not in by_state or record.id in waiting:
                continue
            activity_type, responsible = by_state[record.state]
            if record.state not in vals_by_state:
                vals_by_state[record.state] = self._get_state_activity_vals(
                    record.state
                )
            entries.append(
                {
                    **vals_by_state[record.state],
                    "record": record,
                    "activity_type": activity_type,
                    "user": getattr(record, responsible)(),
                }
            )
        # Many records at once (a period's generation, a team's approval): no
        # "assigned to you" mail per activity (a rendered mail and a dozen
        # queries each); each activity is in its assignee's queue. One record
        # moving on keeps Odoo's mail to the next person.
        self._schedule_activities(entries, quiet=len(entries) > 1)

    @api.model
    def _schedule_activities(self, entries, quiet=False):
        """Create the activities of ``entries`` in one ``create``, as the
        system: each entry is a dict with ``record`` (what the activity is
        on, any model), ``activity_type`` and ``user`` (the assignee; an entry
        without one is left out), and any further ``mail.activity`` values.
        By default the summary is the activity type's (or its name), the
        deadline the activity type's (``_get_date_deadline``: its delay and
        unit from today) and the activity is marked ``automated``. ``quiet``:
        no "assigned to you" mail. Returns the activities."""
        model_ids, deadlines = {}, {}
        vals_list = []
        for entry in entries:
            vals = dict(entry)
            record = vals.pop("record")
            activity_type = vals.pop("activity_type")
            user = vals.pop("user")
            if not user:
                continue
            if record._name not in model_ids:
                model_ids[record._name] = self.env["ir.model"]._get_id(record._name)
            if activity_type not in deadlines:
                deadlines[activity_type] = activity_type._get_date_deadline()
            vals_list.append(
                {
                    "summary": activity_type.summary or activity_type.name,
                    "date_deadline": deadlines[activity_type],
                    "automated": True,
                    **vals,
                    "res_model_id": model_ids[record._name],
                    "res_id": record.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                }
            )
        # sudo: the system schedules on the queues of the people a record
        # waits on, whoever triggered it.
        Activity = self.env["mail.activity"].sudo()
        if quiet:
            Activity = Activity.with_context(mail_activity_quick_update=True)
        return Activity.create(vals_list)
