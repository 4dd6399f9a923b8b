import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { formatFloat, formatMonetary } from "@web/views/fields/formatters";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * A KPI figure as people read it, by the KPI's unit: an amount with its
 * currency, a count without decimals when whole ("7 of 5"), a percentage with
 * "%". Read-only: typed values keep Odoo's own widgets.
 */
export class KpiValueField extends Component {
    static template = "sales_performance.KpiValueField";
    static props = {
        ...standardFieldProps,
        unitField: { type: String, optional: true },
        currencyField: { type: String, optional: true },
    };

    get formattedValue() {
        const data = this.props.record.data;
        return formatKpiValue(
            data[this.props.name],
            data[this.props.unitField || "kpi_unit"],
            data[this.props.currencyField || "currency_id"]
        );
    }
}

/**
 * @param {number} value
 * @param {"amount"|"number"|"percent"} unit
 * @param {[number, string]|number|false} currency
 */
export function formatKpiValue(value, unit, currency) {
    if (value === false || value === undefined) {
        return "";
    }
    if (unit === "amount") {
        const currencyId = Array.isArray(currency) ? currency[0] : currency;
        return formatMonetary(value, { currencyId });
    }
    const whole = Number.isInteger(Math.round(value * 100) / 100);
    const digits = [16, whole ? 0 : unit === "percent" ? 1 : 2];
    const text = formatFloat(whole ? Math.round(value) : value, { digits });
    return unit === "percent" ? `${text} %` : text;
}

export const kpiValueField = {
    component: KpiValueField,
    displayName: "KPI Value",
    supportedTypes: ["float", "integer", "monetary"],
    extractProps: ({ options }) => ({
        unitField: options.unit_field,
        currencyField: options.currency_field,
    }),
};

registry.category("fields").add("performance_kpi_value", kpiValueField);
