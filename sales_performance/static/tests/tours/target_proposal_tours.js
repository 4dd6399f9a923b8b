import { registry } from "@web/core/registry";

const PROPOSALS = ".o_performance_proposals";

// A rep on a phone accepts one proposed target and counters the other.
registry.category("web_tour.tours").add("sales_performance_rep_agrees_targets_phone", {
    steps: () => [
        {
            content: "Both proposed targets wait on the rep, on their home",
            trigger: `${PROPOSALS}:has(.o_kanban_record:contains('Won Opportunities')):has(.o_kanban_record:contains('Invoiced Revenue'))`,
        },
        {
            content: "Accept the won opportunities target",
            trigger: `${PROPOSALS} .o_kanban_record:contains('Won Opportunities') button.o_proposal_accept`,
            run: "click",
        },
        {
            content: "It leaves the targets to agree",
            trigger: `${PROPOSALS}:not(:has(.o_kanban_record:contains('Won Opportunities')))`,
        },
        {
            content: "Counter the revenue target",
            trigger: `${PROPOSALS} .o_kanban_record:contains('Invoiced Revenue') button.o_proposal_counter`,
            run: "click",
        },
        {
            content: "Propose another value",
            trigger: ".modal .o_field_widget[name=value] input",
            run: "edit 800",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit My biggest customer moves its budget to next quarter",
        },
        {
            content: "Send it to the leader",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The card now waits on the leader",
            trigger: `${PROPOSALS} .o_kanban_record:contains('Invoiced Revenue'):contains("Waiting on your leader's answer")`,
        },
    ],
});

// The leader answers the counter-proposal from the activity, on a phone.
registry.category("web_tour.tours").add("sales_performance_leader_answers_target_phone", {
    steps: () => [
        {
            content: "Open the activities",
            trigger: ".o_menu_systray i[aria-label='Activities']",
            run: "click",
        },
        {
            content: "Open the counter-proposals waiting for the leader",
            trigger: ".o-mail-ActivityGroup:contains('Target Proposal') span.btn-link",
            run: "click",
        },
        {
            content: "Open the rep's proposal",
            trigger:
                ".o_data_row:contains('Tour Rep') td[name=kpi_id], " +
                ".o_kanban_record:contains('Tour Rep')",
            run: "click",
        },
        {
            content: "The rep's reason is on the proposal",
            trigger: ".o_form_view .o_field_widget[name=counter_reason]:contains('budget')",
        },
        {
            content: "Accept the counter-proposal",
            trigger: ".o_form_sheet .o_performance_mobile_actions button[name=action_accept]:visible",
            run: "click",
        },
        {
            content: "The target is agreed",
            trigger:
                ".o_form_view .o_field_widget[name=state] .o_arrow_button_current:contains('Agreed'), " +
                ".o_form_view .o_field_widget[name=state] .dropdown-toggle:not(.o_arrow_button):contains('Agreed')",
        },
    ],
});
