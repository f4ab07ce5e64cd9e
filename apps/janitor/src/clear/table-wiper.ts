import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ImageEntity, UserEntity } from '@app/app-data';
import { DataSource, EntityManager } from 'typeorm';

/** RowCounts are the rows removed from the user app's tables. */
export interface RowCounts {
  images: number;
  users: number;
}

/**
 * TableWiper deletes every row of the user app's tables, `images` then `users` (the foreign key
 * points from images to users), in one transaction: either both are emptied or neither. A table
 * that does not exist yet (the worker has not created it) counts 0.
 */
@Injectable()
export class TableWiper {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** wipe empties the tables and answers how many rows each had. */
  wipe(): Promise<RowCounts> {
    return this.dataSource.transaction(async (manager) => ({
      images: await this.deleteAll(manager, ImageEntity),
      users: await this.deleteAll(manager, UserEntity),
    }));
  }

  private async deleteAll(
    manager: EntityManager,
    entity: typeof ImageEntity | typeof UserEntity,
  ): Promise<number> {
    const table = manager.connection.getMetadata(entity).tableName;
    const found = (await manager.query(
      'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [table],
    )) as { n: number | string }[];
    if (Number(found[0]?.n ?? 0) === 0) return 0;
    const result = await manager.createQueryBuilder().delete().from(entity).execute();
    return result.affected ?? 0;
  }
}
