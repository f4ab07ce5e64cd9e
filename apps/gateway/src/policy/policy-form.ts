import { ScalingPolicy } from '@app/contracts';
import { FieldErrors } from '@app/messaging';
import { CSRF_FIELD } from '../auth/csrf';

/** POLICY_NUMBER_FIELDS are the numeric inputs of the "Auto Scale" form. */
export const POLICY_NUMBER_FIELDS = [
  'growThreshold',
  'shrinkThreshold',
  'growRatio',
  'shrinkRatio',
  'minWorkers',
  'maxWorkers',
] as const;

/**
 * PLAIN_DECIMAL is what a numeric field of the form accepts: digits with an optional sign and
 * decimal part. `Number()` alone took `0x10` as 16, `1e1` as 10, ` 5 ` as 5 and `''` as 0.
 */
export const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * policyFromForm turns the posted "Auto Scale" form (all strings) into a policy payload: numbers
 * where the text is a plain decimal number, the text itself otherwise (policyFormErrors names
 * the field), and the `enabled` checkbox as a boolean. Fields the form does not have are passed
 * on so the contract can refuse them.
 */
export function policyFromForm(form: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    if (key === CSRF_FIELD || key === 'enabled') continue;
    out[key] = value;
  }
  for (const key of POLICY_NUMBER_FIELDS) {
    const raw = form[key];
    if (typeof raw === 'string' && PLAIN_DECIMAL.test(raw)) out[key] = Number(raw);
  }
  const enabled = form.enabled;
  out.enabled = enabled === 'on' || enabled === 'true' || enabled === '1' || enabled === true;
  return out;
}

/**
 * policyFormErrors names each numeric field of the form that is missing or not a plain decimal
 * number; these replace the contract's "must be a number" for those fields.
 */
export function policyFormErrors(form: Record<string, unknown>): FieldErrors {
  const errors: FieldErrors = {};
  for (const key of POLICY_NUMBER_FIELDS) {
    const raw = form[key];
    if (typeof raw === 'string' && PLAIN_DECIMAL.test(raw)) continue;
    errors[key] = [
      raw === undefined || raw === ''
        ? `${key} is required`
        : `${key} must be a plain decimal number such as 20 or 2.5`,
    ];
  }
  return errors;
}

/** PolicyFormValues are the values the form shows (strings as typed, or the stored policy). */
export type PolicyFormValues = Record<(typeof POLICY_NUMBER_FIELDS)[number], string> & {
  enabled: boolean;
};

/** formValues shows a policy (or what was typed) in the form. */
export function formValues(
  source: Partial<ScalingPolicy> | Record<string, unknown> | null,
): PolicyFormValues {
  const s = (source ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return {
    growThreshold: text(s.growThreshold),
    shrinkThreshold: text(s.shrinkThreshold),
    growRatio: text(s.growRatio),
    shrinkRatio: text(s.shrinkRatio),
    minWorkers: text(s.minWorkers),
    maxWorkers: text(s.maxWorkers),
    enabled: s.enabled === undefined ? true : s.enabled === true || s.enabled === 'on',
  };
}
