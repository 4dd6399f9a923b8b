import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_performance_hr_link_calibration", {
    steps: () => [
        {
            content: "Pick the period",
            trigger: ".modal .o_field_widget[name=period_id] input",
            run: "edit 2025-01",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('2025-01')",
            run: "click",
        },
        {
            content: "Pick the department",
            trigger: ".modal .o_field_widget[name=department_id] input",
            run: "edit Tour Field Sales",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Field Sales')",
            run: "click",
        },
        {
            content: "The department's scorecards are listed next to the guideline",
            trigger:
                ".modal .o_field_widget[name=distribution] table:contains('Guideline')",
        },
        {
            content: "Open the rating of the first salesperson",
            trigger:
                ".modal .o_field_widget[name=line_ids] .o_data_row:contains('Tour Rep One') " +
                ".o_data_cell[name=band_id]",
            run: "click",
        },
        {
            trigger:
                ".modal .o_field_widget[name=line_ids] .o_selected_row " +
                ".o_field_widget[name=band_id] select",
            run: "selectByLabel B",
        },
        {
            content: "Say why",
            trigger:
                ".modal .o_field_widget[name=line_ids] .o_selected_row " +
                ".o_field_widget[name=comment] textarea",
            run: "edit One large order was a renewal signed last year.",
        },
        {
            content: "Leave the row",
            trigger: ".modal .o_field_widget[name=distribution] table",
            run: "click",
        },
        {
            content: "The distribution after calibration follows",
            trigger:
                ".modal:has(.o_field_widget[name=change_count]:contains('1'))" +
                " .o_field_widget[name=distribution] tr:contains('B'):contains('1 (50 %)')",
        },
        {
            content: "Apply",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The dialog closes",
            trigger: "body:not(:has(.modal .o_field_widget[name=line_ids]))",
        },
    ],
});
