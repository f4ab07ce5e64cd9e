import { ORIGINAL_POLICY, ScalingPolicy } from '@app/contracts';
import { fieldErrorsOf } from '@app/messaging';
import { formValues, policyFromForm } from './policy-form';

const FORM = {
  _csrf: 'token',
  growThreshold: '20',
  shrinkThreshold: ' 10.5 ',
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

  it('should leave empty bounds to the contract defaults and report an empty threshold', () => {
    const payload = policyFromForm({ ...FORM, minWorkers: '', maxWorkers: '', growThreshold: '' });
    expect(payload).not.toHaveProperty('minWorkers');
    const result = fieldErrorsOf(ScalingPolicy, payload);
    expect(Object.keys(result)).toEqual(['growThreshold']);
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
