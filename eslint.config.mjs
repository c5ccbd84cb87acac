// @ts-check
import eslint from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import jest from 'eslint-plugin-jest';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The module graph, bottom to top (ARCHITECTURE.md, "Boundaries"): each folder of src/ may import
 * only the folders listed for it. Imports inside one folder are free.
 */
const BOTTOM = ['config', 'common', 'database', 'queue', 'metrics', 'auth'];
const LAYERS = {
  config: [],
  common: ['config'],
  database: ['config', 'common'],
  queue: ['config', 'common'],
  metrics: ['config', 'common', 'queue'],
  auth: ['config', 'common', 'database', 'metrics'],
  events: BOTTOM,
  sources: ['events', ...BOTTOM],
  baselines: ['events', ...BOTTOM],
  rules: ['events', 'baselines', ...BOTTOM],
  incidents: ['events', 'rules', ...BOTTOM],
  detection: ['events', 'sources', 'baselines', 'rules', 'incidents', ...BOTTOM],
  notifications: ['incidents', 'rules', ...BOTTOM],
  health: BOTTOM,
  console: BOTTOM,
};
const MODULES = Object.keys(LAYERS);

const EVERYTHING = [...MODULES, 'test', 'scripts', 'simulator'];

/** Who may import whom. `forSrc` is added to every module's list (unit specs: the fakes). */
const boundaryRule = (forSrc = []) => [
  'error',
  {
    default: 'disallow',
    checkUnknownLocals: true,
    policies: [
      ...MODULES.map((type) => ({
        from: { element: { type } },
        allow: { to: { element: { types: { anyOf: [...LAYERS[type], ...forSrc] } } } },
      })),
      {
        from: { file: { categories: 'entry' } },
        allow: [
          { to: { element: { types: { anyOf: MODULES } } } },
          { to: { file: { categories: 'entry' } } },
        ],
      },
      {
        from: { element: { types: { anyOf: ['test', 'scripts'] } } },
        allow: [
          { to: { element: { types: { anyOf: EVERYTHING } } } },
          { to: { file: { categories: 'entry' } } },
        ],
      },
      // The simulator stands for the outside world: it may know the shape of an event, no more.
      {
        from: { element: { type: 'simulator' } },
        allow: { to: { element: { type: 'events' } }, dependency: { kind: 'type' } },
      },
    ],
  },
];

const moduleGraph = {
  files: ['src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'simulator/**/*.ts'],
  plugins: { boundaries },
  settings: {
    'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
    'boundaries/elements': [
      ...MODULES.map((type) => ({ type, partialMatch: false, pattern: `src/${type}` })),
      ...['test', 'scripts', 'simulator'].map((type) => ({
        type,
        partialMatch: false,
        pattern: type,
      })),
    ],
    // What starts a process: it may import every module, and nothing imports it.
    'boundaries/files': [
      { category: 'entry', partialMatch: false, pattern: 'src/{main,app.module,app.factory}.ts' },
    ],
  },
  rules: {
    'boundaries/dependencies': boundaryRule(),
    // A new folder under src/ has to take its place in the graph above.
    'boundaries/no-unknown-files': 'error',
  },
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      '*.config.{js,mjs}',
      'test/jest-transformer.js',
      'web/src/api/schema.d.ts',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Response DTOs and entities are plain data classes: mappers build them as literals.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/no-misused-spread': 'off',
    },
  },
  {
    // The console runs in the browser; its tsconfig is web/tsconfig.json.
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // `onChange={(e) => set(e.target.value)}` is how React handlers read.
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      'jest/expect-expect': [
        'error',
        { assertFunctionNames: ['expect', 'request.**.expect', '**.expect'] },
      ],
      '@typescript-eslint/unbound-method': 'off',
      // HTTP answers read through supertest are untyped JSON.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  moduleGraph,
  {
    // Unit specs live beside the code: they may also use the fakes of test/ and the simulator.
    files: ['src/**/*.spec.ts'],
    rules: { 'boundaries/dependencies': boundaryRule(['test', 'simulator']) },
  },
  prettier,
);
