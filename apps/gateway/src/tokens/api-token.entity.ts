import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * ApiTokenEntity is one API token of the manager (`Authorization: Bearer …` on `/api`). Only the
 * SHA-256 of the token is kept: a token is 256 random bits, so a fast hash is as good as a slow
 * one against guessing, and a leaked table gives no usable token.
 */
@Entity({ name: 'gateway_api_tokens' })
@Index('UQ_gateway_api_tokens_hash', ['tokenHash'], { unique: true })
export class ApiTokenEntity {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'datetime', precision: 3, nullable: true })
  lastUsedAt!: Date | null;
}
