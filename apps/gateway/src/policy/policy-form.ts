import { ScalingPolicy } from '@app/contracts';
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
 * policyFromForm turns the posted "Auto Scale" form (all strings) into a policy payload: numbers
 * where the text is a number, the text itself otherwise (so the contract answers "must be a
 * number" for that field), and the `enabled` checkbox as a boolean. Fields the form does not
 * have are passed on so the contract can refuse them.
 */
export function policyFromForm(form: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    if (key === CSRF_FIELD || key === 'enabled') continue;
    out[key] = value;
  }
  for (const key of POLICY_NUMBER_FIELDS) {
    const raw = form[key];
    const text = typeof raw === 'string' ? raw.trim() : raw;
    if (typeof text === 'string' && text !== '' && Number.isFinite(Number(text))) {
      out[key] = Number(text);
    } else if (text === '' || text === undefined) {
      // Absent, not undefined: an empty min/max takes the contract's default.
      delete out[key];
    } else {
      out[key] = text;
    }
  }
  const enabled = form.enabled;
  out.enabled = enabled === 'on' || enabled === 'true' || enabled === '1' || enabled === true;
  return out;
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
