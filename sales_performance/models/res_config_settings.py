from odoo import _, api, fields, models
from odoo.osv import expression

from .res_groups import ACCESS_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    performance_inflation_tolerance = fields.Float(
        related="company_id.performance_inflation_tolerance", readonly=False
    )
    performance_pace_margin = fields.Float(
        related="company_id.performance_pace_margin", readonly=False
    )
    performance_hr_user_id = fields.Many2one(
        related="company_id.performance_hr_user_id", readonly=False
    )
    performance_coaching_weeks = fields.Integer(
        related="company_id.performance_coaching_weeks", readonly=False
    )
    performance_close_background_size = fields.Integer(
        related="company_id.performance_close_background_size", readonly=False
    )
    performance_close_chunk_size = fields.Integer(
        related="company_id.performance_close_chunk_size", readonly=False
    )
    performance_access_from_sales_roles = fields.Boolean(
        string="Access from Sales Roles",
        config_parameter=ACCESS_PARAM,
        help="Salespeople get User: Own Records, users of all documents and "
        "sales team leaders Team Leader: Own Team, sales administrators "
        "Administrator, now and whenever they are given the role.",
    )

    # Setup checklist: each step ticks itself from the data
    performance_setup_periods = fields.Boolean(
        string="Fiscal Periods Generated", compute="_compute_performance_setup"
    )
    performance_setup_kpis = fields.Boolean(
        string="KPIs Reviewed", compute="_compute_performance_setup"
    )
    performance_setup_targets = fields.Boolean(
        string="Company Targets Set and Allocated",
        compute="_compute_performance_setup",
    )
    performance_setup_template = fields.Boolean(
        string="Scorecard Template Made", compute="_compute_performance_setup"
    )
    performance_setup_levels = fields.Boolean(
        string="Levels of Access Granted", compute="_compute_performance_setup"
    )
    performance_setup_missing_levels = fields.Integer(
        string="Salespeople without a Level", compute="_compute_performance_setup"
    )
    performance_setup_levels_message = fields.Char(
        string="Salespeople without a Level Message",
        compute="_compute_performance_setup",
    )
    performance_setup_done = fields.Boolean(
        string="Setup Done", compute="_compute_performance_setup"
    )

    @api.depends("company_id")
    def _compute_performance_setup(self):
        Users = self.env["res.users"]
        for settings in self:
            company = settings.company_id
            missing = Users.search_count(settings._get_performance_levelless_domain())
            settings.performance_setup_periods = bool(
                self.env["performance.period"].search_count(
                    [
                        ("company_id", "=", company.id),
                        ("date_end", ">=", fields.Date.context_today(settings)),
                    ],
                    limit=1,
                )
            )
            settings.performance_setup_kpis = company.performance_kpis_reviewed
            settings.performance_setup_targets = bool(
                self.env["performance.target"].search_count(
                    [
                        ("company_id", "=", company.id),
                        ("owner_type", "=", "company"),
                        ("child_ids", "!=", False),
                    ],
                    limit=1,
                )
            )
            settings.performance_setup_template = bool(
                self.env["performance.scorecard.template"].search_count(
                    [("company_id", "=", company.id)], limit=1
                )
            )
            settings.performance_setup_missing_levels = missing
            settings.performance_setup_levels = not missing
            settings.performance_setup_levels_message = (
                _("1 salesperson of this company has no level yet.")
                if missing == 1
                else _("%s salespeople of this company have no level yet.", missing)
            )
            settings.performance_setup_done = all(
                settings[name] for name in settings._get_performance_setup_steps()
            )

    def set_values(self):
        # sudo: the setting is read as a system parameter, like the others.
        enabled_before = bool(
            self.env["ir.config_parameter"].sudo().get_param(ACCESS_PARAM)
        )
        result = super().set_values()
        enabled = self.performance_access_from_sales_roles
        if enabled != enabled_before:
            # sudo: changing which groups a sales role implies is the point
            # of the setting, saved by an administrator.
            self.env["res.groups"].sudo()._performance_sync_role_map(enabled)
            if enabled:
                self.env["crm.team"].sudo().search([])._performance_grant_leader_level()
        return result

    # ------------------------------------------------------------
    # Setup checklist
    # ------------------------------------------------------------

    def _get_performance_setup_steps(self):
        """The checklist's step fields, in order; addons add theirs."""
        return [
            "performance_setup_periods",
            "performance_setup_kpis",
            "performance_setup_targets",
            "performance_setup_template",
            "performance_setup_levels",
        ]

    @api.model
    def _get_performance_levelless_domain(self):
        """Active internal users of the settings' company who sell (a sales
        role or a sales team) and have no Sales Performance level."""
        salesman = self.env.ref("sales_team.group_sale_salesman")
        level = self.env.ref("sales_performance.group_performance_user")
        return expression.AND(
            [
                [("share", "=", False), ("company_ids", "in", self.company_id.ids)],
                ["|", ("groups_id", "in", salesman.ids), ("crm_team_ids", "!=", False)],
                [("groups_id", "not in", level.ids)],
            ]
        )

    def action_performance_setup_periods(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "sales_performance.action_performance_period_generate"
        )

    def action_performance_setup_targets(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "sales_performance.action_performance_target"
        )

    def action_performance_setup_template(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "sales_performance.action_performance_scorecard_template"
        )

    def action_performance_setup_kpis(self):
        """Open the KPIs, which ticks their step: the administrator has seen
        what the suite measures and how."""
        self.ensure_one()
        self.company_id.performance_kpis_reviewed = True
        return self.env["ir.actions.act_window"]._for_xml_id(
            "sales_performance.action_performance_kpi"
        )

    def action_performance_setup_levels(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Salespeople without a Level"),
            "res_model": "res.users",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": self._get_performance_levelless_domain(),
            "target": "current",
        }
