import { ConfigError } from '@app/config';
import { loadJanitorConfig } from './janitor.config';

describe('loadJanitorConfig', () => {
  it('should default to batches of 1,000 keys and the local bucket', () => {
    expect(loadJanitorConfig({})).toMatchObject({
      JANITOR_DELETE_BATCH: 1000,
      S3_BUCKET: 'ebbflow-images',
      CLOUD_PROVIDER: 'local',
    });
  });

  it.each([
    ['JANITOR_DELETE_BATCH', '1001'],
    ['S3_BUCKET', 'Not_A_Bucket'],
    ['S3_ENDPOINT', 'nowhere'],
  ])('should name %s when it is wrong', (variable, value) => {
    expect(() => loadJanitorConfig({ [variable]: value })).toThrow(ConfigError);
    try {
      loadJanitorConfig({ [variable]: value });
    } catch (error) {
      expect((error as ConfigError).problems[0].variable).toBe(variable);
    }
  });
});
