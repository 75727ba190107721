import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    rules: {
      // Jest runs the sources as isolated ES modules: a type imported as a value breaks linking.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/modules/*/domain/**/*.ts', 'src/modules/*/application/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Take the time from the injected Clock.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Take the time from the injected Clock.' },
      ],
    },
  },
  {
    // Node's globals, and the page's inside page.evaluate callbacks (they run in the browser).
    files: ['test/browser/**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(
        ['fetch', 'URL', 'URLSearchParams', 'AbortController', 'WritableStream', 'performance',
          'document', 'localStorage', 'sessionStorage', 'indexedDB'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['bench/**/*.mjs'],
    languageOptions: { globals: { fetch: 'readonly', URL: 'readonly' } },
  },
  prettier,
);
