/** WORKER_CONFIG is the DI token of the WorkerConfig object passed to WorkerModule.forRoot. */
export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
