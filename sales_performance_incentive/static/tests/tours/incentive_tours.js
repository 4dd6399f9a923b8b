import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_performance_incentive_rep_phone", {
    steps: () => [
        {
            content: "My Performance shows what the rep earned this period",
            trigger: ".o_field_widget[name=incentive_earned]:contains('50.00')",
        },
        {
            content: "Each earnings figure is labelled",
            trigger:
                "[name=earnings]:contains('Earned This Period'):contains('Projected at the Current Pace')" +
                ":contains('Approved, Not Yet Paid'):contains('Paid This Year')",
        },
        {
            content: "The month's earnings are in the chart of the last periods",
            trigger: ".o_incentive_earnings_chart .o_incentive_earnings_row:contains('50.00')",
        },
        {
            content: "Open the statement of the period",
            trigger:
                ".o_field_widget[name=incentive_statement_ids] " +
                ".o_kanban_record:contains('Tour Plan')",
            run: "click",
        },
        {
            content: "The statement lists its lines, each explained",
            trigger:
                ".o_form_view .o_field_widget[name=line_ids] " +
                ".o_kanban_record:contains('Revenue Commission'):contains('5 % of')",
        },
        {
            content: "Open the credits behind the line",
            trigger:
                ".o_field_widget[name=line_ids] .o_kanban_record:contains('Revenue Commission') " +
                "button[name=action_open_credits]",
            run: "click",
        },
        {
            content: "On a phone the credits are cards: invoice, customer, share and amount",
            trigger:
                ".o_kanban_view .o_kanban_record:contains('partner_a')" +
                ":contains('Share'):contains('1,000.00')",
        },
        {
            content: "The column holds the total",
            trigger: ".o_kanban_view .o_kanban_group:contains('1,000')",
        },
        {
            content: "Back to the statement",
            trigger: ".o_breadcrumb .o_back_button, .o_back_button",
            run: "click",
        },
        {
            content: "Dispute the line",
            trigger:
                ".o_field_widget[name=line_ids] .o_kanban_record:contains('Revenue Commission') " +
                "button[name=action_dispute]",
            run: "click",
        },
        {
            content: "Say what is wrong",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit The March invoice of Acme is missing.",
        },
        {
            content: "Claim the missing amount",
            trigger: ".modal .o_field_widget[name=amount_claimed] input",
            run: "edit 25",
        },
        {
            content: "Submit the dispute",
            trigger: ".modal button:contains('Submit Dispute')",
            run: "click",
        },
        {
            content: "The filing is confirmed",
            trigger: ".o_notification:contains('Dispute filed'):contains('Tour Leader')",
        },
        {
            content: "The dialog closes on the statement, the line marked as disputed",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=line_ids] " +
                ".o_kanban_record:contains('Revenue Commission'):contains('Disputed')" +
                ":not(:has(button[name=action_dispute]))",
        },
        {
            content: "Back to My Performance",
            trigger: ".o_back_button, .breadcrumb-item a:contains('My Performance')",
            run: "click",
        },
        {
            content: "Accept the plan waiting for the rep",
            trigger:
                ".o_field_widget[name=incentive_to_accept_ids] " +
                ".o_kanban_record:contains('Tour Spring Plan') button[name=action_accept]",
            run: "click",
        },
        {
            content: "No plan is left to accept",
            trigger:
                ".o_form_view:has(.o_field_widget[name=incentive_earned])" +
                ":not(:has(button[name=action_accept]))",
        },
    ],
});

function leaderApprovesSteps({ phone }) {
    const approve = phone
        ? ".o_form_sheet .o_incentive_mobile_actions button[name=action_approve]:visible"
        : ".o_form_view .o_statusbar_buttons button[name=action_approve]";
    const state = ".o_form_view .o_field_widget[name=state]";
    return [
        {
            content: "Open the activities",
            trigger: ".o_menu_systray i[aria-label='Activities']",
            run: "click",
        },
        {
            // The approval is due in a few days: it is listed with the future activities.
            content: "Open the statements waiting for the leader",
            trigger: ".o-mail-ActivityGroup:contains('Incentive Statement') span.btn-link",
            run: "click",
        },
        {
            content: "Open the rep's statement",
            trigger:
                ".o_data_row:contains('Tour Rep') td[name=period_id], " +
                ".o_kanban_record:contains('Tour Rep')",
            run: "click",
        },
        {
            content: "The statement shows the rep's commission, explained",
            trigger:
                ".o_field_widget[name=line_ids] .o_data_row:contains('Revenue Commission')" +
                ":contains('5 % of'), " +
                ".o_field_widget[name=line_ids] .o_kanban_record:contains('Revenue Commission')" +
                ":contains('5 % of')",
        },
        {
            content: "Approve it",
            trigger: approve,
            run: "click",
        },
        {
            content: "It is approved and frozen",
            trigger:
                `${state} .o_arrow_button_current:contains('Approved'), ` +
                `${state} .dropdown-toggle:not(.o_arrow_button):contains('Approved')`,
        },
    ];
}

registry.category("web_tour.tours").add("sales_performance_incentive_leader_approves", {
    steps: () => leaderApprovesSteps({ phone: false }),
});

registry.category("web_tour.tours").add("sales_performance_incentive_leader_approves_phone", {
    steps: () => leaderApprovesSteps({ phone: true }),
});

registry.category("web_tour.tours").add("sales_performance_incentive_leader_team", {
    steps: () => [
        {
            content: "Open the Incentives menu",
            trigger: ".o_main_navbar .dropdown-toggle:contains('Incentives')",
            run: "click",
        },
        {
            content: "Open the team's statements",
            trigger: ".dropdown-item:contains(\"My Team's Statements\")",
            run: "click",
        },
        {
            content: "Those waiting on the leader first",
            trigger: ".o_searchview_facet:contains('Waiting for Me')",
        },
        {
            content: "By state",
            trigger: ".o_searchview_facet:contains('Status')",
        },
        {
            content: "Open the To Approve group",
            trigger: ".o_list_view .o_group_header:contains('To Approve')",
            run: "click",
        },
        {
            content: "The rep's statement waits on the leader",
            trigger: ".o_list_view .o_data_row:contains('Tour Rep'):contains('50.00')",
        },
    ],
});
