import { FieldErrors } from '@app/messaging';

/** TARGET_ID_PATTERN: instance ids (`i-0123abcd…`) and other simple names, at most 64 chars. */
export const TARGET_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const HOST_PATTERN =
  /^(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)$/;

const ADDRESS_REASON = 'must be host:port with a port from 1 to 65535, e.g. 127.0.0.1:5123';

/** RegisterTargetInput is a validated `PUT /targets/:id` request. */
export interface RegisterTargetInput {
  id: string;
  address: string;
}

/** InputResult is either the validated value or the errors per field. */
export type InputResult<T> = { ok: true; value: T } | { ok: false; fields: FieldErrors };

/** parseTargetId checks a target id from the URL. */
export function parseTargetId(id: string): InputResult<string> {
  return TARGET_ID_PATTERN.test(id)
    ? { ok: true, value: id }
    : {
        ok: false,
        fields: { id: ['must be 1 to 64 letters, digits, ".", "_" or "-" (e.g. i-0123abcd)'] },
      };
}

/**
 * parseRegisterTarget checks a registration: the id from the URL and a JSON body
 * `{ "address": "host:port" }` with no other field (a typo must not be silently ignored).
 */
export function parseRegisterTarget(id: string, body: unknown): InputResult<RegisterTargetInput> {
  const fields: FieldErrors = {};
  const idResult = parseTargetId(id);
  if (!idResult.ok) Object.assign(fields, idResult.fields);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    fields.body = [
      'must be a JSON object like {"address": "127.0.0.1:5123"} (Content-Type: application/json)',
    ];
    return { ok: false, fields };
  }
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    // defineProperty: `fields['__proto__'] = …` would set a prototype, not report the field.
    if (key !== 'address') {
      Object.defineProperty(fields, key, {
        value: ['is not a known field (only "address" is)'],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  const address = record.address;
  if (address === undefined || address === null || address === '') {
    fields.address = ['is required'];
  } else if (typeof address !== 'string') {
    fields.address = ['must be a string'];
  } else if (!isHostPort(address)) {
    fields.address = [ADDRESS_REASON];
  }
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  return { ok: true, value: { id, address: address as string } };
}

/** isHostPort: `host:port` (hostname, IPv4 or [IPv6]) with a port from 1 to 65535. */
export function isHostPort(address: string): boolean {
  const at = address.lastIndexOf(':');
  if (at <= 0 || address.length > 260) return false;
  const host = address.slice(0, at);
  const port = address.slice(at + 1);
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return false;
  return HOST_PATTERN.test(host);
}
