import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * DESIGN.md's import direction: ir <- opspec <- export, reference-runtime, generator <- inputsearch,
 * backends, oracles <- store <- reduce <- campaign <- cli. Each layer may import its own tier and the
 * tiers below; these are the layers above it. Layers of one tier (generator and export, backends and
 * oracles) may import each other.
 */
const ABOVE = {
  ir: ['opspec', 'export', 'reference-runtime', 'generator', 'inputsearch', 'backends', 'oracles', 'store', 'reduce', 'campaign', 'cli'],
  opspec: ['export', 'reference-runtime', 'generator', 'inputsearch', 'backends', 'oracles', 'store', 'reduce', 'campaign', 'cli'],
  export: ['inputsearch', 'backends', 'oracles', 'store', 'reduce', 'campaign', 'cli'],
  'reference-runtime': ['inputsearch', 'backends', 'oracles', 'store', 'reduce', 'campaign', 'cli'],
  generator: ['inputsearch', 'backends', 'oracles', 'store', 'reduce', 'campaign', 'cli'],
  inputsearch: ['store', 'reduce', 'campaign', 'cli'],
  backends: ['store', 'reduce', 'campaign', 'cli'],
  oracles: ['store', 'reduce', 'campaign', 'cli'],
  store: ['reduce', 'campaign', 'cli'],
  reduce: ['campaign', 'cli'],
  campaign: ['cli'],
};

/** A no-restricted-imports block per layer: a relative import that reaches into a layer above it is an error. */
const layerRules = Object.entries(ABOVE).map(([layer, above]) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\.?/)+(${above.join('|')})/`,
            message: `Imports point down the layout (DESIGN.md): ${layer} may not import ${above.join(', ')}. Move what it needs down into ${layer} or below.`,
          },
        ],
      },
    ],
  },
}));

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
  ...layerRules,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: globals.node },
  },
);
