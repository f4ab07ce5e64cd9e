import type { HelperDelegate } from 'handlebars';

/** HbsModule is the part of the `hbs` view engine the gateway uses (hbs ships no types). */
export interface HbsModule {
  registerHelper(name: string, fn: HelperDelegate): void;
  handlebars: { SafeString: new (html: string) => unknown };
}

/** loadHbs returns the `hbs` module Express renders with. */
export function loadHbs(): HbsModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('hbs') as HbsModule;
}

/** jsonForScript serialises data for a `<script type="application/json">` block safely. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value ?? null)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** ageOf phrases how long ago an ISO time was ("42 s", "5 min", "3 h 10 min", "2 d"). */
export function ageOf(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d`;
}

/** registerViewHelpers adds the helpers the gateway's templates use. */
export function registerViewHelpers(hbs: HbsModule): void {
  hbs.registerHelper(
    'json',
    (value: unknown) => new hbs.handlebars.SafeString(jsonForScript(value)),
  );
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('age', (iso: string) => (iso ? ageOf(iso) : ''));
  hbs.registerHelper('time', (iso: string) =>
    iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '',
  );
  hbs.registerHelper('join', (list: unknown, sep: unknown) =>
    Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : '',
  );
}
