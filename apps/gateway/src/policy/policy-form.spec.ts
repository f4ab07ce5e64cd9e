import { ORIGINAL_POLICY, ScalingPolicy } from '@app/contracts';
import { fieldErrorsOf } from '@app/messaging';
import { formValues, policyFormErrors, policyFromForm } from './policy-form';

const FORM = {
  _csrf: 'token',
  growThreshold: '20',
  shrinkThreshold: '10.5',
  growRatio: '2',
  shrinkRatio: '1.5',
  minWorkers: '1',
  maxWorkers: '10',
  enabled: 'on',
};

describe('policyFromForm', () => {
  it('should turn the typed numbers into numbers and the checkbox into a boolean', () => {
    expect(policyFromForm(FORM)).toEqual({
      growThreshold: 20,
      shrinkThreshold: 10.5,
      growRatio: 2,
      shrinkRatio: 1.5,
      minWorkers: 1,
      maxWorkers: 10,
      enabled: true,
    });
  });

  it('should read an unticked box as disabled', () => {
    const { enabled: _enabled, ...unticked } = FORM;
    expect(policyFromForm(unticked).enabled).toBe(false);
  });

  it('should keep text that is not a number, so the contract names the field', () => {
    const payload = policyFromForm({ ...FORM, growRatio: 'two' });
    expect(payload.growRatio).toBe('two');
    expect(fieldErrorsOf(ScalingPolicy, payload)).toMatchObject({
      growRatio: expect.arrayContaining(['growRatio must be a number']),
    });
  });

  it.each([
    ['hexadecimal', '0x10'],
    ['an exponent', '1e1'],
    ['surrounding spaces', ' 5 '],
    ['Infinity', 'Infinity'],
    ['NaN', 'NaN'],
    ['a trailing point', '5.'],
    ['a leading point', '.5'],
    ['a plus sign', '+5'],
    ['digit separators', '1_000'],
    ['full-width digits', '\uff15'],
    ['binary', '0b101'],
  ])('should refuse %s (%j) and keep the text, so nothing is saved', (_what, text) => {
    const form = { ...FORM, growRatio: text, minWorkers: text };
    expect(policyFromForm(form)).toMatchObject({ growRatio: text, minWorkers: text });
    expect(policyFormErrors(form)).toEqual({
      growRatio: ['growRatio must be a plain decimal number such as 20 or 2.5'],
      minWorkers: ['minWorkers must be a plain decimal number such as 20 or 2.5'],
    });
  });

  it('should call an empty or missing number required', () => {
    const { maxWorkers: _max, ...withoutMax } = FORM;
    expect(policyFormErrors({ ...withoutMax, growThreshold: '' })).toEqual({
      growThreshold: ['growThreshold is required'],
      maxWorkers: ['maxWorkers is required'],
    });
  });

  it('should accept plain decimals, negative ones included (the contract bounds them)', () => {
    expect(policyFormErrors({ ...FORM, growThreshold: '-3', shrinkRatio: '007.50' })).toEqual({});
    expect(policyFromForm({ ...FORM, shrinkRatio: '007.50' }).shrinkRatio).toBe(7.5);
  });

  it('should pass unknown fields on for the contract to refuse', () => {
    expect(fieldErrorsOf(ScalingPolicy, policyFromForm({ ...FORM, cooldown: '5' }))).toEqual({
      cooldown: ['property cooldown should not exist'],
    });
  });
});

describe('formValues', () => {
  it('should show a stored policy as text', () => {
    expect(formValues({ ...ORIGINAL_POLICY, enabled: false })).toEqual({
      growThreshold: '20',
      shrinkThreshold: '10',
      growRatio: '2',
      shrinkRatio: '2',
      minWorkers: '1',
      maxWorkers: '10',
      enabled: false,
    });
  });

  it('should show an empty form enabled by default', () => {
    expect(formValues(null)).toMatchObject({ growThreshold: '', enabled: true });
  });
});
