/**
 * Unit specs live beside the code (src/, simulator/); integration and e2e specs in test/.
 * NestJS 12 ships ES modules only: Jest compiles them to CommonJS like our own sources.
 */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/simulator/**/*.spec.ts',
    '<rootDir>/test/**/*.spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
  ],
  transform: {
    '^.+\\.[tj]s$': [
      '<rootDir>/test/jest-transformer.js',
      { tsconfig: '<rootDir>/tsconfig.test.json' },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // One PostgreSQL server and queue backend for the run: the local ones, or an embedded
  // PostgreSQL and PostgreSQL queues on a machine with neither (test/support/global-setup.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 1,
};
