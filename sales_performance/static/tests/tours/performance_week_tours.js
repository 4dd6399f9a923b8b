import { registry } from "@web/core/registry";

// A rep plans their week on a phone: one KPI card at a time, then Submit.
const LINES = ".o_field_widget[name=line_ids]";

function planLine(kpi, value) {
    return [
        {
            content: `Open the card of ${kpi}`,
            trigger: `${LINES} .o_kanban_record:contains('${kpi}')`,
            run: "click",
        },
        {
            content: `Plan ${value} for ${kpi}`,
            trigger: ".modal .o_field_widget[name=planned_value] input",
            run: `edit ${value}`,
        },
        {
            content: "Keep the line (saved with the plan)",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The card shows the plan",
            trigger: `${LINES} .o_kanban_record:contains('${kpi}'):contains('${value}')`,
        },
    ];
}

registry.category("web_tour.tours").add("sales_performance_week_plan_phone", {
    steps: () => [
        {
            content: "The rep's week waits on their plan",
            trigger: ".o_kanban_record:contains('To Plan')",
            run: "click",
        },
        {
            content: "Last week's actual is beside each KPI",
            trigger: `${LINES} .o_kanban_record:contains('Invoiced Revenue'):contains('Last week')`,
        },
        ...planLine("Won Opportunities", "7"),
        {
            content: "Submit the plan",
            trigger: ".o_form_sheet .o_performance_mobile_actions button[name=action_submit]:visible",
            run: "click",
        },
        {
            content: "The plan is submitted and can no longer be edited",
            trigger:
                ".o_form_view .o_field_widget[name=state] .o_arrow_button_current:contains('Submitted'), " +
                ".o_form_view .o_field_widget[name=state] .dropdown-toggle:not(.o_arrow_button):contains('Submitted')",
        },
        {
            content: "No Submit button is left",
            trigger: ".o_form_sheet:not(:has(.o_performance_mobile_actions button[name=action_submit]:visible))",
        },
    ],
});
