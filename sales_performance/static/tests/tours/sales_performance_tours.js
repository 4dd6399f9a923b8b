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
