import { APP_DATA_ENTITIES } from '@app/app-data';
import { JanitorRunEntity } from '../clear/janitor-run.entity';
import { CreateJanitorRuns1732700100000 } from './migrations/1732700100000-create-janitor-runs';

/**
 * JANITOR_ENTITIES are the janitor's own table and the user app's entities (whose rows it
 * deletes). The user app's migrations are NOT listed: the worker owns those tables.
 */
export const JANITOR_ENTITIES = [JanitorRunEntity, ...APP_DATA_ENTITIES];

/** JANITOR_MIGRATIONS are the janitor's migrations, oldest first. */
export const JANITOR_MIGRATIONS = [CreateJanitorRuns1732700100000];
