import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { formatMonetary } from "@web/views/fields/formatters";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * The salesperson's earnings of the last periods as horizontal bars, one per
 * period with its amount: readable at 375 px, no chart library.
 */
export class EarningsChartField extends Component {
    static template = "sales_performance_incentive.EarningsChartField";
    static props = {
        ...standardFieldProps,
        currencyField: { type: String, optional: true },
    };

    get rows() {
        const history = this.props.record.data[this.props.name] || [];
        const currency = this.props.record.data[this.props.currencyField || "currency_id"];
        const currencyId = Array.isArray(currency) ? currency[0] : currency;
        const max = Math.max(...history.map((row) => Math.abs(row.amount)), 0);
        return history.map((row) => ({
            period: row.period,
            amount: formatMonetary(row.amount, { currencyId }),
            width: max ? Math.round((Math.abs(row.amount) / max) * 100) : 0,
            negative: row.amount < 0,
        }));
    }
}

export const earningsChartField = {
    component: EarningsChartField,
    supportedTypes: ["json"],
    extractProps: ({ options }) => ({ currencyField: options.currency_field }),
};

registry.category("fields").add("incentive_earnings_chart", earningsChartField);
