import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import {
  POOL_HARD_MAX,
  PolicyView,
  RATIO_MAX,
  ScalingPolicy,
  THRESHOLD_MAX,
  THRESHOLD_MIN,
  ScalerStatus,
} from '@app/contracts';
import {
  FieldErrors,
  MessageValidationError,
  QueryTimeoutError,
  RemoteError,
  validatePayload,
} from '@app/messaging';
import type { Request, Response } from 'express';
import { tidyFieldErrors } from '../http/describe-error';
import { formValues, PolicyFormValues, policyFormErrors, policyFromForm } from './policy-form';
import { PolicyService } from './policy.service';
import { Flash, redirectWithFlash } from '../http/flash-redirect';

/** POLICY_SAVED is the message shown after "Update" succeeded (the original's wording). */
export const POLICY_SAVED = 'Policy successfully updated';

interface FieldSpec {
  name: keyof Omit<PolicyFormValues, 'enabled'>;
  label: string;
  min: number;
  max: number;
  step: string;
  help: string;
}

const FIELDS: FieldSpec[] = [
  {
    name: 'growThreshold',
    label: 'CPU grow threshold (%)',
    min: THRESHOLD_MIN,
    max: THRESHOLD_MAX,
    step: '0.1',
    help: `Grow when the average CPU of the pool is above this (${THRESHOLD_MIN}–${THRESHOLD_MAX}).`,
  },
  {
    name: 'shrinkThreshold',
    label: 'CPU shrink threshold (%)',
    min: THRESHOLD_MIN,
    max: THRESHOLD_MAX,
    step: '0.1',
    help: `Shrink when below this (${THRESHOLD_MIN}–${THRESHOLD_MAX}, below the grow threshold).`,
  },
  {
    name: 'growRatio',
    label: 'Grow ratio',
    min: 1,
    max: RATIO_MAX,
    step: 'any',
    help: `New size = ceil(size × ratio); greater than 1, at most ${RATIO_MAX}.`,
  },
  {
    name: 'shrinkRatio',
    label: 'Shrink ratio',
    min: 1,
    max: RATIO_MAX,
    step: 'any',
    help: `New size = floor(size ÷ ratio); greater than 1, at most ${RATIO_MAX}.`,
  },
  {
    name: 'minWorkers',
    label: 'Minimum workers',
    min: 1,
    max: POOL_HARD_MAX,
    step: '1',
    help: `The auto-scaler never goes below this (1–${POOL_HARD_MAX}).`,
  },
  {
    name: 'maxWorkers',
    label: 'Maximum workers',
    min: 1,
    max: POOL_HARD_MAX,
    step: '1',
    help: `The auto-scaler never goes above this (1–${POOL_HARD_MAX}).`,
  },
];

/** How long "disable" waits to see the scaler confirm before answering the page. */
const DISABLE_CONFIRM_MS = 3000;

/** PolicyPageController is the "Auto Scale" page: the policy, its form, enable and disable. */
@Controller('autoscale')
export class PolicyPageController {
  constructor(private readonly policy: PolicyService) {}

  @Get()
  async page(@Res() res: Response): Promise<void> {
    let view: PolicyView | null = null;
    let unavailable: string | undefined;
    try {
      view = await this.policy.get();
    } catch (error) {
      if (!(error instanceof QueryTimeoutError || error instanceof RemoteError)) throw error;
      unavailable = error.message;
    }
    // What the scaler is doing now is context: a silent scaler leaves the form usable.
    const status = await this.policy.status().catch(() => null);
    this.render(res, 200, {
      view,
      status,
      unavailable,
      values: formValues(view?.policy ?? { minWorkers: 1, maxWorkers: 10, enabled: true }),
      errors: {},
    });
  }

  /** "Update": saves the policy, or shows the errors next to their fields and changes nothing. */
  @Post()
  async update(
    @Req() req: Request,
    @Res() res: Response,
    @Body() form: Record<string, unknown>,
  ): Promise<void> {
    const payload = policyFromForm(form ?? {});
    const formErrors = policyFormErrors(form ?? {});
    try {
      const policy = validatePayload('policy', ScalingPolicy, payload);
      if (Object.keys(formErrors).length) throw new MessageValidationError('policy', {});
      await this.policy.put(policy);
    } catch (error) {
      const contractErrors = fieldErrorsFrom(error);
      const fields = contractErrors && { ...contractErrors, ...formErrors };
      if (!fields) throw error;
      const view = await this.policy.get().catch(() => null);
      this.render(res, 400, { view, values: formValues(payload), errors: fields });
      return;
    }
    await redirectWithFlash(req, res, { kind: 'ok', text: POLICY_SAVED }, '/autoscale');
  }

  /** "Enable": turns the stored policy back on. */
  @Post('enable')
  async enable(@Req() req: Request, @Res() res: Response): Promise<void> {
    const view = await this.policy.get();
    let flash: Flash;
    if (!view.policy) {
      flash = { kind: 'error', text: 'Save a policy first: there is none to enable.' };
    } else {
      await this.policy.put({ ...view.policy, enabled: true });
      flash = { kind: 'ok', text: 'Auto-scaler enabled.' };
    }
    await redirectWithFlash(req, res, flash, '/autoscale');
  }

  /** "Disable": turns the auto-scaler off (SCALER_DISABLE), keeping the policy. */
  @Post('disable')
  async disable(@Req() req: Request, @Res() res: Response): Promise<void> {
    const commandId = await this.policy.disable('manual: Auto Scale page, Disable');
    const confirmed = await this.waitDisabled();
    const flash: Flash = confirmed
      ? { kind: 'ok', text: 'Auto-scaler disabled.' }
      : {
          kind: 'ok',
          text: `Disable requested (command ${commandId}); the auto-scaler stops when it reads it.`,
        };
    await redirectWithFlash(req, res, flash, '/autoscale');
  }

  private async waitDisabled(): Promise<boolean> {
    const deadline = Date.now() + DISABLE_CONFIRM_MS;
    while (Date.now() < deadline) {
      const view = await this.policy.get().catch(() => null);
      if (view && !view.enabled) return true;
      await new Promise((r) => setTimeout(r, 150));
    }
    return false;
  }

  private render(
    res: Response,
    status: number,
    data: {
      view: PolicyView | null;
      status?: ScalerStatus | null;
      unavailable?: string;
      values: PolicyFormValues;
      errors: FieldErrors;
    },
  ): void {
    const known = new Set<string>([...FIELDS.map((f) => f.name), 'enabled']);
    const otherErrors = Object.entries(data.errors)
      .filter(([field]) => !known.has(field))
      .map(([field, messages]) => `${field}: ${messages.join(', ')}`);
    res.status(status).render('autoscale', {
      title: 'Auto Scale',
      nav: 'autoscale',
      view: data.view,
      policy: data.view?.policy ?? null,
      status: data.status ?? null,
      last: data.status?.lastEvaluation ?? null,
      lastCpu: cpuText(data.status?.lastEvaluation?.averageCpu),
      unavailable: data.unavailable,
      fields: FIELDS.map((f) => ({
        ...f,
        value: data.values[f.name],
        errors: data.errors[f.name] ?? [],
        invalid: Boolean(data.errors[f.name]?.length),
      })),
      enabled: data.values.enabled,
      enabledErrors: data.errors.enabled ?? [],
      otherErrors,
      hasErrors: Object.keys(data.errors).length > 0,
    });
  }
}

function fieldErrorsFrom(error: unknown): FieldErrors | undefined {
  if (error instanceof MessageValidationError) return tidyFieldErrors(error.fields);
  if (error instanceof RemoteError && error.code === 'invalid') {
    return tidyFieldErrors(error.fields ?? { policy: [error.message] });
  }
  return undefined;
}

/** cpuText phrases the average CPU an evaluation saw (0 % is data; null is none). */
function cpuText(cpu: number | null | undefined): string {
  return cpu === null || cpu === undefined ? 'no CPU data' : `${cpu.toFixed(1)} %`;
}
