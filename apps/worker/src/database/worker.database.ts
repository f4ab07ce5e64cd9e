import { APP_DATA_ENTITIES, APP_DATA_MIGRATIONS } from '@app/app-data';
import { SessionEntity } from '../session/session.entity';
import { CreateWorkerSessions1767225700000 } from './migrations/1767225700000-create-worker-sessions';
import { CreateLoginFailures1767225800000 } from './migrations/1767225800000-create-login-failures';

/** WORKER_ENTITIES are the tables the worker reads and writes. */
export const WORKER_ENTITIES = [...APP_DATA_ENTITIES, SessionEntity];

/** WORKER_MIGRATIONS run at start, recorded in `worker_migrations`. */
export const WORKER_MIGRATIONS = [
  ...APP_DATA_MIGRATIONS,
  CreateWorkerSessions1767225700000,
  CreateLoginFailures1767225800000,
];
