/** Jest in native ESM mode (NestJS 12 is ESM-only); see DESIGN.md "Toolchain facts". */
const REQUIRED_ESM = ['content-disposition'];

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.jest.json' }],
    // ESM-only packages that CommonJS dependencies require(): Node 20 loads them natively
    // (require(esm)), Jest on Node 20 does not, so they are compiled to CommonJS for the tests.
    [`/node_modules/(${REQUIRED_ESM.join('|')})/.+\\.js$`]: [
      'babel-jest',
      { plugins: ['@babel/plugin-transform-modules-commonjs'], babelrc: false, configFile: false },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${REQUIRED_ESM.join('|')})/)`],
  moduleNameMapper: {
    '^@app/(kz|event-store|persistence|testing)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

export default {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/{src,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testTimeout: 60_000,
    },
  ],
};
