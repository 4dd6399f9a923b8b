import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .batch import flush_rows

_logger = logging.getLogger(__name__)


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

    waiting_deadline = fields.Date(
        string="Due By",
        readonly=True,
        copy=False,
        help="The date the person this record waits on has to act by: the "
        "deadline of its step. Their activity is due the day the record starts "
        "waiting, so that it counts in their queue at once.",
    )

    def init(self):
        """Records that were already waiting when ``waiting_deadline`` came
        (an update of the suite on a running database) take it from their
        open activity of the suite, which was then due on the step's
        deadline. Records that wait on nobody or already have one keep
        theirs, so a second update changes nothing."""
        super().init()
        if self._abstract or not self._auto:
            return
        self.env.cr.execute(
            SQL(
                """
            UPDATE %(table)s rec
               SET waiting_deadline = act.deadline
              FROM (
                SELECT activity.res_id, MIN(activity.date_deadline) AS deadline
                  FROM mail_activity activity
                  JOIN ir_model_data imd
                    ON imd.model = 'mail.activity.type'
                   AND imd.res_id = activity.activity_type_id
                   AND starts_with(imd.module, 'sales_performance')
                 WHERE activity.res_model = %(model)s
                   AND activity.active
                 GROUP BY activity.res_id
              ) act
             WHERE act.res_id = rec.id
               AND rec.waiting_deadline IS NULL
                """,
                table=SQL.identifier(self._table),
                model=self._name,
            )
        )

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
        ``note``...), once per state and batch. By default the activity
        type's summary."""
        return {}

    def _get_state_deadline(self, state, activity_type):
        """The deadline of the step ``state`` for records starting to wait
        in it today (their ``waiting_deadline``), once per state and batch.
        By default the activity type's delay from today."""
        return activity_type._get_date_deadline()

    def _get_state_access(self):
        """``{state: (groups, fallback)}``: what the person ``state`` waits
        on needs besides reading the record, ``groups`` (XML ids, any of
        them), and ``fallback``, the name of a method of one record that
        returns the people to try next, in order, when they lack it. A state
        without a fallback refuses the step, naming the people and the
        group. States absent from the map only need the record read."""
        return {}

    def _get_step_messages(self):
        """``{(state before, state after): text}``: how the chatter names a
        step. Steps absent from the map are named after the new state; a
        step mapped to ``False`` posts nothing (it posts its own message)."""
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
        acts and the state it moves from. Leaves a trace of the step in each
        record's chatter (who took it, and ``note``) and brings the
        activities in line."""
        messages = self._get_step_messages()
        label = self._get_selection_label("state", state) if self else ""
        bodies = {}
        for record in self:
            step = messages.get((record.state, state), label)
            if step is False:
                if note:
                    bodies[record.id] = Markup("<p>%s</p>") % note
                continue
            body = Markup("<p>%s</p>") % _(
                "%(step)s by %(user)s.", step=step, user=self.env.user.name
            )
            if note:
                body += Markup("<p>%s</p>") % note
            bodies[record.id] = body
        # sudo: nobody writes the state field by hand.
        self.sudo().write({"state": state})
        if bodies:
            # One note per record, in one create (a close moves hundreds).
            self.browse(list(bodies))._message_log_batch(bodies, message_type="comment")
        self._activity_update()

    # ------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------

    def _activity_update(self):
        """Keep one activity per record for the person its state waits on;
        mark the activities of the steps already taken as done. A record
        that starts waiting gets its activity due today, and its step's
        deadline as ``waiting_deadline``. Batch: one feedback, one create and
        one write per deadline for all the records."""
        by_state = self._get_state_activities()
        access = self._get_state_access()
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
        vals_by_state, deadlines = {}, defaultdict(list)
        entries = []
        for record in self:
            if record.state not in by_state:
                deadlines[False].append(record.id)
                continue
            if record.id in waiting:
                continue
            activity_type, responsible = by_state[record.state]
            if record.state not in vals_by_state:
                vals_by_state[record.state] = (
                    self._get_state_activity_vals(record.state),
                    self._get_state_deadline(record.state, activity_type),
                )
            vals, deadline = vals_by_state[record.state]
            deadlines[deadline].append(record.id)
            groups, fallback = access.get(record.state, ((), None))
            user = getattr(record, responsible)()
            entries.append(
                {
                    **vals,
                    "record": record,
                    "activity_type": activity_type,
                    "user": user,
                    "groups": groups,
                    "fallback": getattr(record, fallback) if fallback else None,
                    # The own-records rule of every workflow model gives the
                    # salesperson their records once they have the group.
                    "readable": record.user_id,
                }
            )
        # Many records at once (a period's generation, a team's approval): no
        # "assigned to you" mail per activity (a rendered mail and a dozen
        # queries each); each activity is in its assignee's queue. One record
        # moving on keeps Odoo's mail to the next person.
        self._schedule_activities(entries, quiet=len(entries) > 1)
        for deadline, ids in deadlines.items():
            records = self.browse(ids).filtered(
                lambda record, d=deadline: record.waiting_deadline != d
            )
            # sudo: the deadline follows the state, which nobody writes by hand.
            records.sudo().write({"waiting_deadline": deadline})

    @api.model
    def _schedule_activities(self, entries, quiet=False):
        """Create the activities of ``entries`` in one ``create``, as the
        system: each entry is a dict with ``record`` (what the activity is
        on, any model), ``activity_type`` and ``user`` (the assignee; an entry
        without one is left out), and any further ``mail.activity`` values.
        Work waits on a person from today: the deadline is today unless the
        entry gives ``date_deadline``. The summary is the activity type's (or
        its name) and the activity is marked ``automated``. ``quiet``: no
        "assigned to you" mail.

        Nobody gets work they cannot do (``_route_entries``): an entry may
        say what its assignee needs, ``groups`` (XML ids, any of them; the
        record must be readable in any case), and who to try next,
        ``fallback`` (people, or a function returning them); ``readable``:
        people the record rules give the record once they have the group
        (the salesperson, their own records), for whom it is not read;
        ``if_denied``: ``"raise"`` (default, a translated error naming the
        people and the group) or ``"skip"`` (scheduled jobs: logged and left
        out). Returns the activities."""
        entries = self._route_entries(entries)
        model_ids = {}
        today = fields.Date.context_today(self)
        vals_list = []
        for entry in entries:
            vals = dict(entry)
            record = vals.pop("record")
            activity_type = vals.pop("activity_type")
            user = vals.pop("user")
            if record._name not in model_ids:
                model_ids[record._name] = self.env["ir.model"]._get_id(record._name)
            vals_list.append(
                {
                    "summary": activity_type.summary or activity_type.name,
                    "date_deadline": today,
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

    def _get_waiting_activities(self, activities):
        """The ``activities`` (on these records) that the records still
        wait on: the activity of their state's step. Only the step itself
        closes them (``mail.activity`` refuses "Mark Done")."""
        by_state = self._get_state_activities()
        state_by_id = {record.id: record.state for record in self}
        return activities.filtered(
            lambda activity: (
                activity.res_id in state_by_id
                and activity.activity_type_id
                == by_state.get(state_by_id[activity.res_id], (None,))[0]
            )
        )

    def _get_waiting_error(self, activity):
        """The error of "Mark Done" on ``activity``, which this record still
        waits on."""
        self.ensure_one()
        return UserError(
            _(
                "%(record)s is %(state)s and still waits on %(user)s: take the "
                "step on the record (%(buttons)s), and this activity closes by "
                "itself.",
                record=self.display_name,
                state=self._get_selection_label("state", self.state),
                user=activity.user_id.name,
                buttons=self._get_step_buttons(),
            )
        )

    def _get_step_buttons(self):
        """The buttons that take the step this record waits on, for the
        error of "Mark Done"."""
        return _("its buttons")

    # ------------------------------------------------------------
    # Access of the assignees
    # ------------------------------------------------------------

    @api.model
    def _route_entries(self, entries):
        """Give each entry to the first of its user and fallbacks who has
        one of its ``groups`` and reads its record; drop entries without a
        user. Batch: one read of the groups' members, and one access check
        per model and person, whatever the number of records. Returns the
        entries, without the routing keys."""
        routed, denied = [], []
        todo = []
        for entry in entries:
            entry = dict(entry)
            user = entry.pop("user", None)
            routing = {
                "groups": tuple(entry.pop("groups", None) or ()),
                "fallback": entry.pop("fallback", None),
                "readable": entry.pop("readable", None) or self.env["res.users"],
                "if_denied": entry.pop("if_denied", "raise"),
                "tried": [],
            }
            if user:
                todo.append((entry, routing, list(user[:1])))
        while todo:
            allowed = self._get_allowed_assignees(
                [(entry["record"], routing, users[0]) for entry, routing, users in todo]
            )
            retry = []
            for (entry, routing, users), ok in zip(todo, allowed, strict=True):
                user = users.pop(0)
                if ok:
                    routed.append({**entry, "user": user})
                    continue
                routing["tried"].append(user)
                if routing["fallback"] is not None:
                    fallback = routing["fallback"]
                    routing["fallback"] = None
                    people = fallback() if callable(fallback) else fallback
                    users = [
                        person
                        for person in people
                        if person not in routing["tried"] and person not in users
                    ] + users
                if users:
                    retry.append((entry, routing, users))
                else:
                    denied.append((entry, routing))
            todo = retry
        self._handle_denied(denied)
        return routed

    @api.model
    def _get_allowed_assignees(self, checks):
        """For each ``(record, routing, user)`` of ``checks``: whether
        ``user`` has one of the routing's groups and reads ``record``."""
        members = {}
        for _record, routing, _user in checks:
            for xmlid in routing["groups"]:
                if xmlid not in members:
                    # sudo: who is in a group, whoever asks.
                    members[xmlid] = self.env.ref(xmlid).sudo().users
        to_read = defaultdict(set)
        for record, routing, user in checks:
            if user not in routing["readable"]:
                to_read[(record._name, user)].add(record.id)
        readable = {}
        for (model, user), ids in to_read.items():
            records = (
                self.env[model]
                .with_user(user)
                .with_context(allowed_company_ids=user.sudo().company_ids.ids)
                .browse(ids)
            )
            readable[(model, user)] = set(records._filtered_access("read").ids)
        return [
            user.active
            and (
                not routing["groups"]
                or any(user in members[xmlid] for xmlid in routing["groups"])
            )
            and (
                user in routing["readable"]
                or record.id in readable[(record._name, user)]
            )
            for record, routing, user in checks
        ]

    @api.model
    def _handle_denied(self, denied):
        """Refuse the step, naming the people who could not be given the
        work and the group they need; entries marked ``if_denied="skip"``
        are logged and left out."""
        refused = [pair for pair in denied if pair[1]["if_denied"] != "skip"]
        for entry, routing in denied:
            if routing["if_denied"] == "skip":
                _logger.warning(
                    "%s %s: nobody with access to take the activity %s (tried %s)",
                    entry["record"]._name,
                    entry["record"].id,
                    entry["activity_type"].name,
                    ", ".join(user.login for user in routing["tried"]),
                )
        if not refused:
            return
        people = self.env["res.users"].union(
            *(user for _entry, routing in refused for user in routing["tried"])
        )
        records = [entry["record"] for entry, _routing in refused]
        groups = {xmlid for _entry, routing in refused for xmlid in routing["groups"]}
        names = {
            "people": ", ".join(people.sudo().mapped("name")),
            "records": ", ".join(record.sudo().display_name for record in records[:5])
            + (", …" if len(records) > 5 else ""),
        }
        if not groups:
            raise UserError(
                _(
                    "%(people)s cannot read %(records)s, so the work cannot go "
                    "to them. Give them access in Settings > Users & Companies > "
                    "Users, then try again.",
                    **names,
                )
            )
        raise UserError(
            _(
                "%(people)s cannot act on %(records)s: they need one of the "
                "groups %(groups)s and to read these records. Grant them access "
                "in Settings > Users & Companies > Users, then try again.",
                groups=", ".join(
                    sorted(self.env.ref(xmlid).sudo().full_name for xmlid in groups)
                ),
                **names,
            )
        )
