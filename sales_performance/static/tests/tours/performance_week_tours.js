import { registry } from "@web/core/registry";

// A rep plans their week on a phone: one KPI at a time, then Submit.
function planLine(kpi, value) {
    return [
        {
            content: `Open the line of ${kpi}`,
            trigger: `.o_field_widget[name=line_ids] .o_data_row:contains('${kpi}') .o_data_cell:first`,
            run: "click",
        },
        {
            content: `Plan ${value} for ${kpi}`,
            trigger: ".o_field_widget[name=planned_value] input",
            run: `edit ${value}`,
        },
        {
            content: "Leave the line (edited in place, saved with the plan)",
            trigger: ".o_form_view .oe_title",
            run: "click",
        },
        {
            content: "The line shows the plan",
            trigger: `.o_field_widget[name=line_ids] .o_data_row:contains('${kpi}'):contains('${value}')`,
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
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('Invoiced Revenue')",
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
