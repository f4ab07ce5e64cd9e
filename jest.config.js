/**
 * jest.config.js: one config for unit specs (beside the code) and integration tests
 * (apps/<app>/test and test/). Path aliases mirror tsconfig.json's "paths".
 */
const moduleNameMapper = {
  '^@app/([a-z-]+)$': '<rootDir>/libs/$1/src',
  '^@app/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
};
const common = {
  setupFiles: ['<rootDir>/test/jest.env.js'],
  rootDir: __dirname, moduleFileExtensions: ['js', 'json', 'ts'], transform, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  globalSetup: '<rootDir>/test/jest.global-setup.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/src/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/apps/*/test/**/*.test.ts', '<rootDir>/libs/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/jest.integration-setup.ts'],
    },
    // The AWS deploy kit (infra/): aws-cdk-lib resolves from infra/node_modules (npm ci --prefix infra).
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/infra/test/**/*.test.ts'] },
  ],
};
