/** JANITOR_CONFIG is the DI token of the validated JanitorConfig. */
export const JANITOR_CONFIG = Symbol('JANITOR_CONFIG');
