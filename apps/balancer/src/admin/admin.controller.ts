import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  NotFoundException,
  Param,
  Put,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import { FieldErrors } from '@app/messaging';
import { toTargetView, TargetView } from '../targets/target';
import { TargetRegistry } from '../targets/target.registry';
import { parseRegisterTarget, parseTargetId } from './target.input';

/** FAIL_OPEN_HEADER is the GET /targets header saying whether the balancer is failing open. */
export const FAIL_OPEN_HEADER = 'x-balancer-fail-open';

/** AdminHealth is the admin API's own health answer. */
export interface AdminHealth {
  status: 'ok';
  targets: number;
  healthy: number;
  /** True when no target is healthy and requests go to every registered target (fail open). */
  failOpen: boolean;
}

/**
 * AdminController is the balancer's admin API (bound to 127.0.0.1 only), the local counterpart
 * of ELBv2's RegisterTargets / DeregisterTargets / DescribeTargetHealth. Used by the fleet's
 * LocalLoadBalancerAdapter.
 */
@Controller()
export class AdminController {
  constructor(private readonly registry: TargetRegistry) {}

  @Get('health')
  health(): AdminHealth {
    const targets = this.registry.list();
    return {
      status: 'ok',
      targets: targets.length,
      healthy: targets.filter((t) => t.health === 'healthy').length,
      failOpen: this.registry.failingOpen,
    };
  }

  /**
   * GET /targets lists registered and draining targets; drained ones are gone. The header
   * `X-Balancer-Fail-Open: true` says no target is healthy and every registered one is served.
   */
  @Get('targets')
  list(@Res({ passthrough: true }) res: Response): TargetView[] {
    res.setHeader(FAIL_OPEN_HEADER, String(this.registry.failingOpen));
    return this.registry.list().map(toTargetView);
  }

  @Get('targets/:id')
  get(@Param('id') id: string): TargetView {
    const target = this.registry.get(checkedId(id));
    if (!target) throw notRegistered(id);
    return toTargetView(target);
  }

  /** PUT /targets/:id `{ address }` registers (201) or re-registers (200) a target. */
  @Put('targets/:id')
  register(
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): TargetView {
    const input = parseRegisterTarget(id, body);
    if (!input.ok) throw badInput(input.fields);
    const { target, created } = this.registry.register(input.value.id, input.value.address);
    res.status(created ? 201 : 200);
    return toTargetView(target);
  }

  /** DELETE /targets/:id starts draining; the answer shows the target as it was then. */
  @Delete('targets/:id')
  deregister(@Param('id') id: string): TargetView {
    const target = this.registry.deregister(checkedId(id));
    if (!target) throw notRegistered(id);
    return toTargetView(target);
  }
}

function checkedId(id: string): string {
  const result = parseTargetId(id);
  if (!result.ok) throw badInput(result.fields);
  return result.value;
}

/** badInput is a 400 whose body names each bad field and why. */
export function badInput(fields: FieldErrors): BadRequestException {
  const message = Object.entries(fields)
    .map(([field, reasons]) => `${field}: ${reasons.join(', ')}`)
    .join('; ');
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, fields });
}

function notRegistered(id: string): NotFoundException {
  return new NotFoundException({
    statusCode: 404,
    error: 'Not Found',
    message: `no target ${id} is registered`,
  });
}
