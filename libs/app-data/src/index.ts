import { ImageEntity, IMAGES_TABLE } from './image.entity';
import { CreateAppDataTables1767225600000 } from './migrations/1767225600000-create-app-data-tables';
import { UserEntity, USERS_TABLE } from './user.entity';

export * from './user.entity';
export * from './image.entity';
export { CreateAppDataTables1767225600000 };

/** APP_DATA_ENTITIES are the user app's TypeORM entities (worker and janitor list them). */
export const APP_DATA_ENTITIES = [UserEntity, ImageEntity];

/** APP_DATA_MIGRATIONS create the user app's tables, in order. */
export const APP_DATA_MIGRATIONS = [CreateAppDataTables1767225600000];

/**
 * APP_DATA_TABLES are the user app's tables in the order rows can be deleted without breaking a
 * foreign key (children first).
 */
export const APP_DATA_TABLES = [IMAGES_TABLE, USERS_TABLE] as const;
