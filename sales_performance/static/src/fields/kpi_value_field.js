import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { FloatField } from "@web/views/fields/float/float_field";
import { formatFloat, formatMonetary } from "@web/views/fields/formatters";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

// What an empty (zero) limit means, by the option ``zero_label``.
const ZERO_LABELS = {
    no_cap: () => _t("No cap"),
    and_above: () => _t("and above"),
    none: () => _t("None"),
};

/**
 * A KPI figure as people read it, by its unit: an amount with its currency,
 * a count without decimals when whole ("7 of 5"), a percentage with "%"
 * ("3 %", not "3.0000"). The unit comes from a field of the record
 * (``unit_field``, default ``kpi_unit``) or is given (``unit``); with
 * ``zero_label`` a zero reads as what it means ("No cap", "and above").
 * Where the value is edited, Odoo's own float input is used.
 */
export class KpiValueField extends Component {
    static template = "sales_performance.KpiValueField";
    static components = { FloatField };
    static props = {
        ...standardFieldProps,
        unit: { type: String, optional: true },
        unitField: { type: String, optional: true },
        currencyField: { type: String, optional: true },
        zeroLabel: { type: String, optional: true },
    };

    get floatProps() {
        const { record, name, readonly, id } = this.props;
        return { record, name, readonly, id };
    }

    get formattedValue() {
        const data = this.props.record.data;
        const value = data[this.props.name];
        if (!value && this.props.zeroLabel && ZERO_LABELS[this.props.zeroLabel]) {
            return ZERO_LABELS[this.props.zeroLabel]();
        }
        return formatKpiValue(
            value,
            this.props.unit || data[this.props.unitField || "kpi_unit"],
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
    const digits = [16, whole ? 0 : 2];
    const text = formatFloat(whole ? Math.round(value) : value, { digits });
    return unit === "percent" ? `${text} %` : text;
}

export const kpiValueField = {
    component: KpiValueField,
    displayName: "KPI Value",
    supportedTypes: ["float", "integer", "monetary"],
    extractProps: ({ options }) => ({
        unit: options.unit,
        unitField: options.unit_field,
        currencyField: options.currency_field,
        zeroLabel: options.zero_label,
    }),
};

registry.category("fields").add("performance_kpi_value", kpiValueField);
