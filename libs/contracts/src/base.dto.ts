import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** CommandDto is the base of every command: `commandId` makes handling idempotent. */
export class CommandDto {
  @IsUUID()
  commandId!: string;

  /** Human-readable cause, shown in the activity list ("manual: New one", "scaler: cpu 27%"). */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

/** EmptyQuery is the payload of queries that take no argument. */
export class EmptyQuery {}
