/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  // @middy/*, @octokit/webhooks-methods and @linear/sdk ship ESM only: resolve them to their files
  // and let swc turn them into CommonJS for jest's module system.
  moduleNameMapper: {
    '^@middy/(core|util)$': '<rootDir>/node_modules/@middy/$1/index.js',
    '^@octokit/webhooks-methods$': '<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js',
    '^@linear/sdk/webhooks$': '<rootDir>/node_modules/@linear/sdk/dist/webhooks/index.mjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|@octokit|@linear)/)'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testTimeout: 30000,
  // Jest's default is one worker per core but one: a single worker on a 2-core machine, where most
  // suites wait on sockets (the stand-ins, the local gateway) rather than compute. Two halve the run.
  maxWorkers: 2,
};
