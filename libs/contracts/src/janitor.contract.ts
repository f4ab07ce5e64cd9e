import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Min } from 'class-validator';
import { CommandDto } from './base.dto';
import { defineCommand, defineEvent } from './define';

/** ClearCommand wipes every object of the bucket and every row of the user app's tables. */
export class ClearCommand extends CommandDto {}

/** ClearProgress is emitted while clearing (after each batch), so the UI can show counts. */
export class ClearProgress {
  @IsString()
  commandId!: string;

  @IsIn(['objects', 'rows'])
  phase!: 'objects' | 'rows';

  @IsInt()
  @Min(0)
  objectsDeleted!: number;

  @IsISO8601()
  at!: string;
}

/** ClearResult is emitted once clearing ends: the counts removed, or the error. */
export class ClearResult {
  @IsString()
  commandId!: string;

  @IsInt()
  @Min(0)
  objects!: number;

  @IsInt()
  @Min(0)
  images!: number;

  @IsInt()
  @Min(0)
  users!: number;

  @IsInt()
  @Min(0)
  durationMs!: number;

  @IsOptional()
  @IsString()
  error?: string;

  @IsISO8601()
  at!: string;
}

export const JANITOR_CLEAR = defineCommand('janitor.clear', 'janitor', ClearCommand);
export const JANITOR_PROGRESS = defineEvent('janitor.progress', ClearProgress);
export const JANITOR_CLEARED = defineEvent('janitor.cleared', ClearResult);
