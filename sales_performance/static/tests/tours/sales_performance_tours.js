import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_performance_rep_targets", {
    steps: () => [
        {
            content: "The rep sees the card of their own target, behind pace",
            trigger: ".o_kanban_record:contains('Win Rate'):contains('Behind')",
        },
        {
            content: "Nobody else's target is on the rep's screen",
            trigger: ".o_kanban_renderer:not(:has(.o_kanban_record:contains('Team A')))",
        },
        {
            content: "Open the target",
            trigger: ".o_kanban_record:contains('Win Rate')",
            run: "click",
        },
        {
            content: "The form shows the target and its attainment",
            trigger: ".o_form_view .o_field_widget[name=attainment]",
        },
        {
            content: "The rep cannot allocate",
            trigger: ".o_form_view:not(:has(.o_form_statusbar button:contains('Allocate')))",
        },
    ],
});

function leaderSteps({ phone }) {
    return [
        {
            content: "The leader sees the team's target",
            trigger: ".o_kanban_record:contains('Win Rate'):contains('Team A')",
            run: "click",
        },
        // On a phone the smart buttons fold into one menu.
        ...(phone
            ? [{ content: "Unfold the smart buttons", trigger: ".o_button_more", run: "click" }]
            : []),
        {
            content: "Open the targets allocated to the team's reps",
            trigger: "button[name=action_view_children]",
            run: "click",
        },
        {
            content: "Both reps of the team have their share",
            trigger: ".o_content:has(:contains('Rep One')):has(:contains('Rep Two'))",
        },
    ];
}

registry.category("web_tour.tours").add("sales_performance_leader_targets", {
    steps: () => leaderSteps({ phone: false }),
});

registry.category("web_tour.tours").add("sales_performance_leader_targets_phone", {
    steps: () => leaderSteps({ phone: true }),
});

// On a phone the form's header buttons fold into the cog menu: the step
// waiting on the reader is repeated in the sheet, in reach of a thumb.
function actionButton(phone, name) {
    return phone
        ? `.o_form_sheet .o_performance_mobile_actions button[name=${name}]:visible`
        : `.o_statusbar_buttons button[name=${name}]`;
}

// The statusbar lists every step: only its current one (the checked button,
// or the dropdown holding the current label on a phone) says where the
// record is. Checking the whole widget would pass before the click is done.
function currentStep(label) {
    const bar = ".o_form_view .o_field_widget[name=state]";
    return (
        `${bar} .o_arrow_button_current:contains('${label}'), ` +
        `${bar} .dropdown-toggle:not(.o_arrow_button):contains('${label}')`
    );
}

function repScorecardSteps({ phone }) {
    return [
        {
            content: "My Performance shows the rep's current target",
            trigger:
                ".o_field_widget[name=performance_target_ids] " +
                ".o_kanban_record:contains('Won Opportunities')",
        },
        {
            content: "The rep opens their scorecard from the home",
            trigger: "button[name=action_open_my_scorecard]",
            run: "click",
        },
        {
            content: "Each KPI says where its score starts, is full and is capped",
            trigger:
                ".o_field_widget[name=line_ids]" +
                ":contains('Scores from 50 % · full at 100 % · capped at 150 % (score 150)')",
        },
        {
            content: "The rating comes with its bands",
            trigger: ".o_field_widget[name=rating_legend]:contains('A ≥ 120 · B ≥ 100')",
        },
        {
            content: "Open the review tab",
            trigger: ".o_notebook .nav-link:contains('Review')",
            run: "click",
        },
        {
            content: "The rep writes the self review",
            trigger: ".o_field_widget[name=self_review] textarea",
            run: "edit A strong month: two new key accounts.",
        },
        {
            content: "Submit it to the team leader",
            trigger: actionButton(phone, "action_submit"),
            run: "click",
        },
        {
            content: "The scorecard waits on the manager review",
            trigger: currentStep("Manager Review"),
        },
        {
            content: "Back to My Performance",
            trigger: ".o_back_button, .breadcrumb-item a:contains('My Performance')",
            run: "click",
        },
        {
            content: "The home shows the new step",
            trigger: ".o_field_widget[name=performance_scorecard_state]:contains('Manager Review')",
        },
    ];
}

registry.category("web_tour.tours").add("sales_performance_rep_scorecard", {
    steps: () => repScorecardSteps({ phone: false }),
});

registry.category("web_tour.tours").add("sales_performance_rep_scorecard_phone", {
    steps: () => repScorecardSteps({ phone: true }),
});

function leaderApprovesSteps({ phone }) {
    return [
        {
            content: "Open the activities",
            trigger: ".o_menu_systray i[aria-label='Activities']",
            run: "click",
        },
        {
            // The review is due in a week: it is listed with the future activities.
            content: "Open the scorecards waiting for the leader",
            trigger: ".o-mail-ActivityGroup:contains('Scorecard') span.btn-link",
            run: "click",
        },
        {
            content: "Open the rep's scorecard",
            trigger:
                ".o_data_row:contains('Tour Rep') td[name=period_id], " +
                ".o_kanban_record:contains('Tour Rep')",
            run: "click",
        },
        {
            content: "Approve it",
            trigger: actionButton(phone, "action_approve"),
            run: "click",
        },
        {
            content: "It moves on to HR calibration",
            trigger: currentStep("HR Calibration"),
        },
    ];
}

registry.category("web_tour.tours").add("sales_performance_leader_approves", {
    steps: () => leaderApprovesSteps({ phone: false }),
});

registry.category("web_tour.tours").add("sales_performance_leader_approves_phone", {
    steps: () => leaderApprovesSteps({ phone: true }),
});

function repHomeSteps({ phone }) {
    return [
        phone
            ? {
                  content: "The rep lands in the app: its sections are in the menu",
                  trigger: ".o_main_navbar .o_menu_toggle",
                  run: "click",
              }
            : {
                  content: "The rep lands in the app, with its menu",
                  trigger: ".o_main_navbar .o_menu_brand:contains('Sales Performance')",
              },
        ...(phone
            ? [
                  {
                      content: "The app's sections are listed",
                      trigger:
                          ".o_app_menu_sidebar:contains('Sales Performance'):contains('Targets'):contains('Scorecards')",
                  },
                  {
                      content: "Close the menu",
                      trigger: ".o_app_menu_sidebar .o_sidebar_close",
                      run: "click",
                  },
              ]
            : []),
        {
            content: "Their page has no record pager and no focused button scrolling it",
            trigger: ".o_performance_home:not(:has(.o_cp_pager:visible)):not(:has(button:focus))",
        },
        {
            content: "Percentages read with %, without decimals when whole",
            trigger:
                ".o_kanban_record:contains('Win Rate') [name=figures]:contains('0 %'):contains('of'):contains('50 %')",
        },
        {
            content: "No figure carries useless decimals",
            trigger: ".o_performance_home:not(:has([name=figures]:contains('.00')))",
        },
    ];
}

registry.category("web_tour.tours").add("sales_performance_rep_home", {
    steps: () => repHomeSteps({ phone: false }),
});

registry.category("web_tour.tours").add("sales_performance_rep_home_phone", {
    steps: () => repHomeSteps({ phone: true }),
});

registry.category("web_tour.tours").add("sales_performance_close_period", {
    steps: () => [
        {
            content: "The period form counts the open anomaly flag",
            trigger: "button[name=action_view_anomalies]:contains('1')",
        },
        {
            content: "Close the period",
            trigger: "button[name=action_open_close_wizard]",
            run: "click",
        },
        {
            content: "The dialog lists the flag still pending",
            trigger: ".modal .o_data_row:contains('Open anomaly flags')",
        },
        {
            content: "It says what the close will do",
            trigger: ".modal .o_data_row:contains('Refresh the actuals of the targets')",
        },
        {
            content: "Going on is an explicit choice",
            trigger: ".modal div[name=confirm_pending] input",
            run: "click",
        },
        {
            content: "Close anyway",
            trigger: ".modal button[name=action_confirm]:contains('Close Anyway')",
            run: "click",
        },
        {
            content: "The summary of the close is posted on the period",
            trigger: ".o-mail-Message-body:contains('Period closed by'):contains('Targets refreshed and frozen: 1')",
        },
        {
            content: "The period is closed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Closed')",
        },
    ],
});
