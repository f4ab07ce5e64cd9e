import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  OneToMany,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { ImageEntity } from './image.entity';

/** USERS_TABLE is the user app's account table. */
export const USERS_TABLE = 'users';

/** UserEntity is one account of the user app: unique name, argon2 hash, number of uploads. */
@Entity({ name: USERS_TABLE })
@Index('uq_users_username', ['username'], { unique: true })
export class UserEntity {
  @PrimaryGeneratedColumn({ name: 'userid', type: 'int', unsigned: true })
  userid!: number;

  /** Unique, compared without case (utf8mb4_unicode_ci): "Alice" and "alice" are one account. */
  @Column({ name: 'username', type: 'varchar', length: 32 })
  username!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ name: 'upload_count', type: 'int', unsigned: true, default: 0 })
  uploadCount!: number;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @OneToMany('ImageEntity', (image: ImageEntity) => image.user)
  images?: ImageEntity[];
}
