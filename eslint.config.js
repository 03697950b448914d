import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import globals from 'globals';

/**
 * Module boundaries (ARCHITECTURE.md): a module is used only through its index.ts; platform/ knows no
 * module; routes never reach a repository. These rules make a crossing a red build.
 */
export const boundaryRules = {
  modules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            // ../<other-module>/<anything but index.ts>
            regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.ts$).+',
            message: 'Use the other module through its index.ts (its service or events), never its internals.',
          },
          {
            regex: '(^|/)modules/[^/]+/(?!index\\.ts$)[^/]+$',
            message: 'Use a module through its index.ts, never its internals.',
          },
        ],
      },
    ],
  },
  platform: {
    'no-restricted-imports': [
      'error',
      { patterns: [{ regex: '(^|/)modules/', message: 'platform/ knows no domain: it must not import a module.' }] },
    ],
  },
  routes: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '\\.(repository|tables)(\\.ts)?$',
            message: 'Routes call the service; only the service reaches the repository.',
          },
          { regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.ts$).+', message: 'Use the other module through its index.ts.' },
        ],
      },
    ],
  },
  outside: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '(^|/)modules/[^/]+/(?!index\\.ts$)[^/]+$',
            message: 'Use a module through its index.ts, never its internals.',
          },
        ],
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      '.tmp/**',
      'packages/web-core/src/api/schema.d.ts',
      'apps/server/test/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
  },
  {
    languageOptions: {
      // The server runs on Node, the apps in browsers; both sets, from the maintained list.
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      // Prettier owns layout.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: [
      'apps/server/src/app.ts',
      'apps/server/src/main.ts',
      'apps/server/src/demo/**',
      'apps/server/test/**',
      'scripts/**',
      'bench/**',
    ],
    rules: boundaryRules.outside,
  },
  { files: ['apps/server/src/modules/**/*.ts'], rules: boundaryRules.modules },
  { files: ['apps/server/src/modules/**/*.routes.ts'], rules: boundaryRules.routes },
  { files: ['apps/server/src/platform/**/*.ts'], rules: boundaryRules.platform },
);
