import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'crypto';
import { Repository } from 'typeorm';
import { InvalidInputError, NotFoundError } from '../http/gateway.errors';
import { ApiTokenEntity } from './api-token.entity';

/** API_TOKEN_PREFIX starts every token, so a leaked one is recognisable (secret scanners). */
export const API_TOKEN_PREFIX = 'ebf_';

/** API_TOKEN_PATTERN is the shape of a token: the prefix and 32 random bytes in base64url. */
export const API_TOKEN_PATTERN = /^ebf_[A-Za-z0-9_-]{43}$/;

/** MAX_API_TOKENS bounds the tokens kept at once. */
export const MAX_API_TOKENS = 100;

/** ApiTokenView is a token as the page lists it (never the token itself). */
export interface ApiTokenView {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** hashApiToken is the stored form of a token (SHA-256, hex). */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** parseBearer reads `Authorization: Bearer <token>`; undefined when it is not a Bearer header. */
export function parseBearer(header: string | undefined): string | undefined {
  const match = header && /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

/**
 * ApiTokenService creates, lists, revokes and checks the manager's API tokens. A token is
 * shown once, when created; only its hash is stored, and it is looked up by that hash.
 */
@Injectable()
export class ApiTokenService {
  constructor(
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
  ) {}

  /** create makes a token named `name` and answers it (the only time it is seen). */
  async create(name: string): Promise<{ id: number; name: string; token: string }> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 100) {
      throw new InvalidInputError({ name: ['name must be 1 to 100 characters'] });
    }
    if ((await this.tokens.count()) >= MAX_API_TOKENS) {
      throw new InvalidInputError({ name: [`at most ${MAX_API_TOKENS} tokens; revoke one first`] });
    }
    const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const saved = await this.tokens.save({
      name: trimmed,
      tokenHash: hashApiToken(token),
      createdAt: new Date(),
      lastUsedAt: null,
    });
    return { id: saved.id, name: saved.name, token };
  }

  /** list answers every token, newest first. */
  async list(): Promise<ApiTokenView[]> {
    const rows = await this.tokens.find({ order: { id: 'DESC' } });
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.createdAt.toISOString(),
      lastUsedAt: r.lastUsedAt ? r.lastUsedAt.toISOString() : null,
    }));
  }

  /** revoke deletes a token (404 when there is none with that id). */
  async revoke(id: number): Promise<void> {
    const result = await this.tokens.delete({ id });
    if (!result.affected) throw new NotFoundError(`No API token ${id}.`);
  }

  /** verify tells whether `token` is a current token, and notes its use. */
  async verify(token: string): Promise<boolean> {
    // The lookup is by hash: timing tells nothing about the stored tokens.
    if (!API_TOKEN_PATTERN.test(token)) return false;
    const row = await this.tokens.findOneBy({ tokenHash: hashApiToken(token) });
    if (!row) return false;
    await this.tokens.update({ id: row.id }, { lastUsedAt: new Date() });
    return true;
  }
}
