import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'reports/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use a seeded Rng from src/generator/rng.ts.' }],
    },
  },
  {
    // Imports point down the layout (DESIGN.md): opspec reads only ir, so that every layer may read the
    // ops' specs (and their numeric facts) without a cycle.
    files: ['src/opspec/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '/(export|reference-runtime|generator|inputsearch|backends|oracles|reduce|campaign|store|cli)/',
              message: 'opspec sits below every layer but ir: move what it needs down into opspec or ir.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: globals.node },
  },
);
